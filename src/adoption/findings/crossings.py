"""When did a series pass 50%? `reaches_share` claims, from the series' own figures.

Read from `adoption.stats.reaching`: a series passed the share between two waves
when one figure is at or below it and the next above it ("passed" is never said
otherwise). The year lies within the data (`within_data`), interpolated between
the two waves; the claim is supported when both waves are clearly on their side
of the share. A series already above the share when first measured, or never
above it, gets no year: when it passed, or whether it will, lies beyond the data,
and the sentence says so with the figure that bounds it.
"""

from __future__ import annotations

from collections.abc import Sequence

from adoption.findings.claims import Claim
from adoption.stats import Crossing
from adoption.stats.reaching import ABOVE_FROM_START, NOT_REACHED, PASSED
from adoption.text import Message, Series, message


def reaching_claim(crossing: Crossing, ref: Series) -> Claim:
    """The `reaches_share` claim of one series."""
    values = _values(crossing, ref)
    if crossing.status == PASSED:
        supported = crossing.supported
        key = {True: "passed", False: "passed_unclear", None: "passed_untestable"}[supported]
        why = None if supported else _why_passage(crossing)
        return Claim(kind="reaches_share", platform=crossing.platform, series=(crossing.series,),
                     years=(crossing.before.year, crossing.after.year),  # type: ignore[union-attr]
                     estimate=crossing.year, low=float(crossing.before.year),  # type: ignore
                     high=float(crossing.after.year), supported=supported,  # type: ignore
                     text=message(f"reach.{key}", why=why or "", **values), why=why,
                     share=crossing.share, within_data=True)
    years = (crossing.first.year, crossing.last.year)
    why = message(f"why.{crossing.status}", **values)
    return Claim(kind="reaches_share", platform=crossing.platform, series=(crossing.series,),
                 years=years, estimate=None, low=None, high=None, supported=None,
                 text=message(f"reach.{crossing.status}", **values), why=why,
                 share=crossing.share, within_data=False)


def reaching_title(crossings: Sequence[Crossing], refs: Sequence[Series],
                   platform: str) -> Message:
    """"On blogging, the largest charities passed 50% between 2007 and 2008; the Fortune
    500, between 2017 and 2018; …": the first series (the nonprofits) with a full
    predicate, the others elliptically, each with its own verdict; series in the same
    position beyond the data grouped."""
    first, *others = zip(crossings, refs, strict=True)
    predicates = [message(f"reach.predicate.{_key(first[0])}", **_values(*first))]
    for group in _grouped(others):
        found, ref = group[0]
        if len(group) == 1:
            predicates.append(message(f"reach.predicate.{_key(found)}_also",
                                      **_values(found, ref)))
        else:
            predicates.append(message(f"reach.predicate.{found.status}_also_many",
                                      series=[r for _, r in group],
                                      **{k: v for k, v in _values(found, ref).items()
                                         if k != "series"}))
    return message("reach.title", platform=platform, predicates=predicates)


def _grouped(pairs: Sequence[tuple[Crossing, Series]]) -> list[list[tuple[Crossing, Series]]]:
    """Series that passed, in order of passing, each alone; then the series already above
    (and those never above) together when they share the year that bounds them."""
    passed = sorted((pair for pair in pairs if pair[0].status == PASSED),
                    key=lambda pair: pair[0].year)
    groups: list[list[tuple[Crossing, Series]]] = [[pair] for pair in passed]
    for status, year_of in ((ABOVE_FROM_START, lambda c: c.first.year),
                            (NOT_REACHED, lambda c: c.last.year)):
        by_year: dict[int, list[tuple[Crossing, Series]]] = {}
        for pair in pairs:
            if pair[0].status == status:
                by_year.setdefault(year_of(pair[0]), []).append(pair)
        groups += list(by_year.values())
    return groups


def _key(crossing: Crossing) -> str:
    if crossing.status != PASSED:
        return crossing.status
    return {True: "passed", False: "passed_unclear", None: "passed_untestable"}[
        crossing.supported]


def _values(crossing: Crossing, ref: Series) -> dict[str, object]:
    waves = [crossing.first, crossing.last]
    highest = crossing.highest
    values: dict[str, object] = {
        "series": ref, "platform": crossing.platform, "share": crossing.share,
        "first": waves[0].year, "first_share": waves[0].share,
        "last": waves[1].year, "last_share": waves[1].share,
        "highest": highest.year, "highest_share": highest.share,
    }
    if crossing.before is not None and crossing.after is not None:
        values.update(before=crossing.before.year, before_share=crossing.before.share,
                      after=crossing.after.year, after_share=crossing.after.share)
    return values


def _why_passage(crossing: Crossing) -> Message:
    """Why a passage is not supported: a wave whose interval includes the share, or none."""
    for wave in (crossing.before, crossing.after):
        if wave is not None and not wave.has_interval:
            return message("why.no_interval_in", year=wave.year)
    for wave in (crossing.before, crossing.after):
        if wave is not None and wave.low <= crossing.share <= wave.high:
            return message("why.share_in_interval", year=wave.year, low=wave.low,
                           high=wave.high, share=crossing.share)
    return message("why.no_interval")
