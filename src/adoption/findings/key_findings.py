"""The key findings at the top of a report: the page's answer in a few sentences.

Each sentence restates verdicts the claims already hold (the claim check's
supported years and run, the trend's claim, each series' passage of 50%), in
fewer words; none is composed from the numbers directly.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from adoption.findings.crossings import reaching_title
from adoption.findings.trends import trend_finding
from adoption.stats import ClaimCheck, check_claim, crossings
from adoption.text import Message, Series, message


def lead_finding(check: ClaimCheck) -> Message:
    """One sentence per business series: where the nonprofit lead is supported, how many
    years running, whether it survives worst-case nonresponse, and what cannot be tested."""
    named = {"nonprofit": check.nonprofit_ref("short_noun"),
             "business": check.business_ref("short_noun"), "platform": check.platform}
    untestable = [item.year for item in check.not_supported if item.reason != "interval_"
                  "includes_zero"]
    parts: list[Message] = []
    if not check.supported and len(untestable) == len(check.years):
        parts.append(message("key.lead.untestable", years=list(check.years), **named))
        untestable = []
    elif not check.supported:
        parts.append(message("key.lead.none", years=list(check.years), **named))
    elif len(check.longest_run) >= 2:
        key = "run" if check.longest_run == check.supported else "run_within"
        parts.append(message(f"key.lead.{key}", years=list(check.supported),
                             first=check.longest_run[0], last=check.longest_run[-1],
                             count=len(check.longest_run), **named))
    else:
        parts.append(message("key.lead.some", years=list(check.supported), **named))
    if check.robust and not check.not_robust:
        parts.append(message("key.robust.all"))
    elif check.not_robust:
        parts.append(message("key.robust.not", years=list(check.not_robust)))
    if untestable:
        parts.append(message("key.untestable", years=untestable))
    if check.business_led:
        parts.append(message("key.business_led", years=list(check.business_led), **named))
    return message("key.sentences", parts=parts)


def comparison_findings(table: pd.DataFrame, all_years: pd.DataFrame, platform: str,
                        nonprofit: str, businesses: Sequence[str],
                        confidence: float = 0.95) -> list[Message]:
    """The key findings of a year-over-year comparison page: the lead over each business
    series, the trend of the gap with the first one, and who passed 50% and when."""
    checks = [check_claim(table, platform, nonprofit, business, confidence)
              for business in businesses]
    findings = [lead_finding(check) for check in checks]
    first = checks[0]
    _, trend, _ = trend_finding(table, platform, first.nonprofit_ref(), first.business_ref(),
                                confidence)
    findings.append(trend)
    found = crossings(all_years, platform, list(dict.fromkeys([nonprofit, *businesses])),
                      confidence=confidence)
    found.sort(key=lambda c: c.sector != "nonprofit")  # the nonprofits' predicate first
    mixed = nonprofit in businesses  # one survey holding both sectors: name each side
    refs = [Series(c.series, "short_noun", c.sector if mixed else None) for c in found]
    findings.append(reaching_title(found, refs, platform))
    return findings
