"""When organisations adopted a platform, from the creation dates of their accounts.

The adoption curve of a sector is the share of the organisations in a panel
that had an account on the platform by each date: an organisation adopted on
the creation date of its earliest account there. The panel is the sector
map's organisations for the platform (rows without an account included: they
had not adopted when the data were retrieved); without a sector map it is the
organisations whose accounts were found, and the curve then ends at 100% by
construction.

Survivorship: an account deleted before the first snapshot is in no file, so
its organisation counts as never having adopted, and early adoption is
understated. `survivorship_note` says so, with the number of accounts seen in
earlier snapshots but missing from the last one; charts must show it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from adoption.snapshots.snapshot_table import UNKNOWN, localised

ROUND_WINDOW = pd.Timedelta(days=1)


def adoption_curve(
    table: pd.DataFrame,
    platform: str,
    *,
    sector_map: pd.DataFrame | None = None,
    at: Sequence[object] | None = None,
) -> pd.DataFrame:
    """Cumulative share of each sector's panel with an account on `platform`, by date.

    Tidy: platform, sector, date, adopters, panel_size, share, undated. `at`
    gives the dates (default: every adoption date and the last snapshot time);
    dates after the last snapshot have no share (not known yet). `undated`
    counts organisations whose accounts carry no creation date (Bluesky may
    omit it): they are left out of the panel rather than guessed.
    """
    rows = table[(table["platform"] == platform).to_numpy()]
    organisations = _panel(rows, platform, sector_map)
    last_snapshot = rows["snapshot_at"].max()
    dates = _curve_dates(organisations, last_snapshot, at)
    parts = [_sector_curve(group, sector, dates, last_snapshot)
             for sector, group in organisations.groupby("sector")]
    curve = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["sector", "date", "adopters", "panel_size", "share", "undated"])
    curve.insert(0, "platform", platform)
    return curve


def _panel(rows: pd.DataFrame, platform: str, sector_map: pd.DataFrame | None
           ) -> pd.DataFrame:
    """One row per organisation: sector, adopted_at (NaT: no account found), undated."""
    known = rows[(rows["sector"] != UNKNOWN).to_numpy()]
    organisation = known["org_id"].fillna(platform + ":" + known["account_id"])
    found = (known.assign(org_id=organisation)
             .groupby("org_id", as_index=False)
             .agg(sector=("sector", "first"), adopted_at=("created_at", "min")))
    found["undated"] = found["adopted_at"].isna()
    if sector_map is None:
        return found
    listed = sector_map[(sector_map["platform"] == platform).to_numpy()]
    listed = listed.drop_duplicates("org_id")[["org_id", "sector"]]
    not_found = listed[~listed["org_id"].isin(found["org_id"]).to_numpy()]
    not_found = not_found.assign(
        adopted_at=pd.Series(pd.NaT, index=not_found.index, dtype=found["adopted_at"].dtype),
        undated=False)
    return pd.concat([found, not_found], ignore_index=True)


def _curve_dates(organisations: pd.DataFrame, last_snapshot: pd.Timestamp,
                 at: Sequence[object] | None) -> pd.DatetimeIndex:
    if at is not None:
        return pd.DatetimeIndex(pd.to_datetime(list(at), utc=True)).as_unit("us")
    adopted = organisations["adopted_at"].dropna()
    return pd.DatetimeIndex(sorted({*adopted, last_snapshot})).as_unit("us")


def _sector_curve(organisations: pd.DataFrame, sector: str, dates: pd.DatetimeIndex,
                  last_snapshot: pd.Timestamp) -> pd.DataFrame:
    dated = organisations[~organisations["undated"].to_numpy()]
    adoption_dates = np.sort(dated["adopted_at"].dropna().to_numpy())
    adopters = np.searchsorted(adoption_dates, dates.to_numpy(), side="right")
    panel_size = len(dated)
    share = adopters / panel_size if panel_size else np.full(len(dates), np.nan)
    known_yet = dates <= last_snapshot
    return pd.DataFrame({
        "sector": sector,
        "date": dates,
        "adopters": pd.Series(adopters, dtype="Int64").where(known_yet),
        "panel_size": panel_size,
        "share": np.where(known_yet, share, np.nan),
        "undated": int(organisations["undated"].sum()),
    })


def missing_from_last_snapshot(table: pd.DataFrame, window: pd.Timedelta = ROUND_WINDOW
                               ) -> pd.DataFrame:
    """Accounts seen in earlier snapshots but not in the platform's last round
    (deleted, suspended or made private): platform, account_id, handle, sector,
    last_seen. The last round is every snapshot within `window` of the latest, as
    a harvest of many pages takes a while."""
    ordered = table.sort_values([*["platform", "account_id"], "snapshot_at"], kind="stable")
    last_seen = ordered.groupby(["platform", "account_id"], as_index=False).agg(
        handle=("handle", "last"), sector=("sector", "last"), last_seen=("snapshot_at", "max"))
    latest = ordered.groupby("platform")["snapshot_at"].max()
    cutoff = last_seen["platform"].map(latest) - window
    return last_seen[(last_seen["last_seen"] < cutoff).to_numpy()].reset_index(drop=True)


_SURVIVORSHIP = {
    "en": "Survivorship: accounts deleted before a snapshot are missing from it, so an "
          "organisation whose account was deleted before the first snapshot counts as never "
          "having adopted, and early adoption is understated. {n} accounts seen in earlier "
          "snapshots are missing from the last one.",
    "fr": "Biais du survivant\u00a0: les comptes supprimés avant un relevé n'y figurent pas. "
          "Une organisation dont le compte a été supprimé avant le premier relevé compte "
          "comme ne l'ayant jamais adopté, ce qui sous-estime l'adoption précoce. {n} comptes "
          "vus dans des relevés antérieurs manquent au dernier.",
}


def survivorship_note(table: pd.DataFrame, *, platform: str | None = None,
                      language: str = "en") -> str:
    """The caveat every adoption-curve chart carries, with this archive's count."""
    rows = table if platform is None else table[(table["platform"] == platform).to_numpy()]
    return localised(_SURVIVORSHIP, language).format(n=len(missing_from_last_snapshot(rows)))
