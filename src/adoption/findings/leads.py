"""Who was ahead, year by year, and how firmly: lead claims and the words over them.

One claim per year and pair of series, read from the comparison table
(`adoption.stats.compare_sectors`): the gap nonprofit minus business with its
interval. A lead is supported only when the interval excludes zero; a year whose
gap cannot be tested (a sample size not published, a figure cited without its
method) or compared (self-selected respondents) says so.

Over several years, `LeadVerdict` sorts the years of one pair into clear leads,
clear deficits, unclear gaps and untestable ones, and `lead_title` words a title
from the verdicts of one or several business series, each with its own predicate:
an untestable Inc. 500 never hedges a supported lead over the Fortune 500, and a
supported lead never lends its firmness to an untestable one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from adoption.findings.claims import Claim, excludes
from adoption.text import Message, Series, message


@dataclass(frozen=True)
class LeadVerdict:
    """The years of one nonprofit-business pair, sorted by verdict."""

    nonprofit: Series
    business: Series
    platform: str
    years: tuple[int, ...]
    ahead: tuple[int, ...]        # the nonprofit lead's interval excludes zero
    behind: tuple[int, ...]       # the business lead's interval excludes zero
    unclear: tuple[int, ...]      # the interval includes zero
    untestable: tuple[int, ...]   # no interval: n not published, method unknown, self-selected
    led: tuple[int, ...]          # the nonprofit share was higher (point estimate)
    reasons: tuple[Message, ...]  # why the untestable years cannot be tested

    @property
    def ahead_every_year(self) -> bool:
        return bool(self.years) and self.ahead == self.years

    @property
    def behind_every_year(self) -> bool:
        return bool(self.years) and self.behind == self.years


def lead_claims(comparison: pd.DataFrame, platform: str, nonprofit: Series, business: Series,
                confidence: float) -> list[Claim]:
    """One `lead` claim per row of a `compare_sectors` table."""
    return [_lead_claim(row, platform, nonprofit, business, confidence)
            for _, row in comparison.iterrows()]


def lead_verdict(claims: Sequence[Claim], nonprofit: Series, business: Series,
                 platform: str) -> LeadVerdict:
    """The lead claims of one pair, sorted by verdict."""
    def years(test) -> tuple[int, ...]:
        return tuple(claim.years[0] for claim in claims if test(claim))

    untestable = [claim for claim in claims if claim.supported is None]
    return LeadVerdict(
        nonprofit=nonprofit, business=business, platform=platform,
        years=years(lambda c: True),
        ahead=years(lambda c: c.supported is True and c.estimate > 0),
        behind=years(lambda c: c.supported is True and c.estimate < 0),
        unclear=years(lambda c: c.supported is False),
        untestable=years(lambda c: c.supported is None),
        led=years(lambda c: c.estimate is not None and c.estimate > 0),
        reasons=tuple(dict.fromkeys(c.why for c in untestable if c.why is not None)),
    )


def lead_title(nonprofit: Series, verdicts: Sequence[LeadVerdict], platform: str,
               detailed: bool = False) -> Message:
    """"On blogging, the largest US charities were ahead of the Fortune 500 in every year,
    2008–2010, and …": one predicate per business series, each stating its own verdict.
    A title says which years cannot be tested; `detailed` also says why."""
    predicates = [lead_predicate(verdict, detailed) for verdict in verdicts]
    # A predicate like the one before it is said elliptically: "… ahead of the Fortune 500
    # in 2008–2010 and of the Inc. 500 in 2008 and 2009".
    for position in range(1, len(predicates)):
        current, previous = predicates[position], predicates[position - 1]
        family = ELLIPTICAL.get(_head_key(current))
        if family and family == ELLIPTICAL.get(_head_key(previous)):
            predicates[position] = _elliptical(current)
    return message("lead.title", platform=platform, nonprofit=nonprofit, predicates=predicates)


# Predicates of one family can follow each other elliptically.
ELLIPTICAL = {"lead.predicate.ahead_every": "ahead", "lead.predicate.ahead_in": "ahead",
              "lead.predicate.behind_every": "behind", "lead.predicate.behind_in": "behind"}


def _head_key(predicate: Message) -> str:
    """The predicate's own key (a qualified predicate's head)."""
    head = dict(predicate.values).get("head") if predicate.key.endswith("qualified") else None
    return head.key if isinstance(head, Message) else predicate.key


def _elliptical(predicate: Message) -> Message:
    values = dict(predicate.values)
    if predicate.key.endswith("qualified"):
        head = values["head"]
        values["head"] = Message(head.key + "_also", head.values)
        return Message(predicate.key, tuple(sorted(values.items())))
    return Message(predicate.key + "_also", predicate.values)


def lead_predicate(verdict: LeadVerdict, detailed: bool = True) -> Message:
    """What the nonprofits did against one business series, as firmly as the data allow."""
    named = {"business": verdict.business, "first": verdict.years[0],
             "last": verdict.years[-1]}
    if verdict.ahead_every_year:
        return message("lead.predicate.ahead_every", years=verdict.years, count=len(verdict.years),
                       **named)
    if verdict.behind_every_year:
        return message("lead.predicate.behind_every", years=verdict.years,
                       count=len(verdict.years), **named)
    qualifiers: list[Message] = []
    if verdict.ahead:
        head = message("lead.predicate.ahead_in", years=verdict.ahead, **named)
        if verdict.behind:
            qualifiers.append(message("lead.qualifier.behind", years=verdict.behind))
    elif verdict.behind:
        head = message("lead.predicate.behind_in", years=verdict.behind, **named)
    elif verdict.led == verdict.years and not verdict.unclear:
        if not detailed:
            return message("lead.predicate.led_untestable_short", years=verdict.years, **named)
        return message("lead.predicate.led_untestable", years=verdict.years,
                       reasons=list(verdict.reasons), **named)
    elif verdict.led:
        head = message("lead.predicate.led_not_clearly", years=verdict.led, **named)
    else:
        head = message("lead.predicate.never_clear", years=verdict.years, **named)
    if verdict.unclear and (verdict.ahead or verdict.behind):
        qualifiers.append(message("lead.qualifier.unclear", years=verdict.unclear))
    if verdict.untestable and detailed:
        qualifiers.append(message("lead.qualifier.untestable", years=verdict.untestable,
                                  reasons=list(verdict.reasons)))
    elif verdict.untestable:
        qualifiers.append(message("lead.qualifier.untestable_short", years=verdict.untestable))
    if not qualifiers:
        return head
    return message("lead.predicate.qualified", head=head, qualifiers=qualifiers)


def _lead_claim(row: pd.Series, platform: str, nonprofit: Series, business: Series,
                confidence: float) -> Claim:
    year = int(row["year"])
    gap, low, high = (float(row[key]) for key in ("difference", "difference_low",
                                                   "difference_high"))
    not_comparable = row["leader"] == "not_comparable"
    supported = None if not_comparable else excludes(0.0, low, high)
    values = {"year": year, "platform": platform, "nonprofit": nonprofit,
              "business": business, "nonprofit_share": float(row["nonprofit_share"]),
              "business_share": float(row["business_share"]), "gap": 100 * gap,
              "low": 100 * low, "high": 100 * high, "level": confidence}
    if supported is True:
        key, why = ("ahead" if gap > 0 else "behind"), None
    elif supported is False:
        key, why = "unclear", message("why.interval_includes_zero")
    else:
        key, why = "untestable", _why_untestable(row, nonprofit, business)
    return Claim(
        kind="lead", platform=platform,
        series=(str(row["nonprofit_series"]), str(row["business_series"])), years=(year,),
        estimate=gap, low=None if math.isnan(low) else low,
        high=None if math.isnan(high) else high, supported=supported,
        text=message(f"lead.year.{key}", **values, **({"why": why} if why else {})),
        why=why, extra={"robust_to_nonresponse": _optional_bool(
            row.get("robust_to_nonresponse"))},
    )


def _why_untestable(row: pd.Series, nonprofit: Series, business: Series) -> Message:
    """Why a year's gap has no interval, naming the side at fault."""
    for side, ref in (("nonprofit", nonprofit), ("business", business)):
        named = {"series": Series(ref.id, "short_label", ref.sector)}
        design = str(row[f"{side}_design"])
        if design == "self_selected":
            return message("why.self_selected", **named)
        if design == "unknown":
            return message("why.method_unknown", **named)
        if pd.isna(row[f"{side}_low"]):
            return message("why.sample_size_missing", **named)
    return message("why.no_interval")


def _optional_bool(value: object) -> bool | None:
    return None if value is None or pd.isna(value) else bool(value)
