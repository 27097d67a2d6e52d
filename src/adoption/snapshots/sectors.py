"""Which accounts belong to nonprofits and which to businesses: the sector map.

API output never says who is a nonprofit. A sector map, a CSV kept by the
analyst, says it, one row per account:

| column | required | meaning |
|---|---|---|
| `platform` | yes | twitter, mastodon, bluesky, ... |
| `handle` | one of these two | the handle, with or without `@`, any case; Mastodon: `user@server` |
| `account_id` | one of these two | the platform's stable id; preferred, it survives renames |
| `sector` | yes | nonprofit or business in any of the usual words (NGO, OBNL, entreprise, ...) |
| `org_name` | no | the organisation's name |
| `org_id` | no | the organisation's id (default: its name, else the account named) |

A row with neither handle nor account id is an organisation of the panel with
no account on that platform: it counts in the denominator of the adoption curve.
A handle matches the account that had it at any snapshot, so the whole history
of a renamed account gets the sector. Accounts the map does not name stay
`unknown`: counted, reported (`unmapped_note`) and left out of the sector
comparisons, never dropped. A map row that names an account found in no
snapshot is warned about (a typo? an account deleted before the first snapshot?).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from adoption.problems import DataError, Problem, problem
from adoption.readers import read_table
from adoption.schema import Column, parse_columns, unknown_column_typos
from adoption.snapshots.snapshot_table import (
    UNKNOWN,
    SnapshotWarning,
    id_problems,
    localised,
    normalise_platforms,
)

MAP_COLUMNS = [
    Column("platform", "text", "twitter, mastodon, bluesky, ...", nullable=False),
    Column("handle", "text", "the account's handle", required=False),
    Column("account_id", "text", "the platform's account id", required=False),
    Column("sector", "sector", "the organisation's sector", nullable=False),
    Column("org_name", "text", "the organisation's name", required=False),
    Column("org_id", "text", "the organisation's id", required=False),
]
ACCOUNT = ["platform", "account_id"]


def read_sector_map(path: str | Path) -> pd.DataFrame:
    """The sector map, validated: one row per account (or per organisation without one).

    Columns: platform, handle, handle_key, account_id, sector, org_id, org_name,
    source_file, source_line. Raises DataError listing every problem.
    """
    raw = read_table(path)
    typed, problems = parse_columns(raw, MAP_COLUMNS)
    problems += unknown_column_typos(raw, MAP_COLUMNS)
    if "handle" not in typed and "account_id" not in typed:
        problems.append(problem(raw.path, "no column names the accounts", line=1,
                                expected="a 'handle' or an 'account_id' column (or both)"))
    if "account_id" in typed and "platform" in typed:  # 1.23457E+18 would match no account
        platforms = normalise_platforms(typed["platform"])
        problems += id_problems(raw, platforms, typed["account_id"])
    if problems:
        raise DataError(problems)
    sector_map = _finish_map(typed, raw.path, raw.lines)
    contradictions = _contradictions(sector_map)
    if contradictions:
        raise DataError(contradictions)
    return sector_map


def _finish_map(typed: pd.DataFrame, path: Path, lines: list[int]) -> pd.DataFrame:
    frame = typed.copy()
    for name in ("handle", "account_id", "org_name", "org_id"):
        if name not in frame:
            frame[name] = pd.Series(pd.NA, index=frame.index, dtype="string")
    frame["platform"] = normalise_platforms(frame["platform"])
    frame["handle"] = frame["handle"].str.lstrip("@").replace("", pd.NA)
    frame["handle_key"] = handle_key(frame["handle"])
    named = frame["account_id"].fillna("@" + frame["handle"])
    frame["source_file"] = str(path)
    frame["source_line"] = pd.array(lines, dtype="Int64")
    # Every organisation needs an id for the adoption curve's panel.
    frame["org_id"] = (frame["org_id"].fillna(frame["org_name"])
                       .fillna(frame["platform"] + ":" + named)
                       .fillna(f"{path.name} line " + frame["source_line"].astype("string")))
    return frame.astype({"sector": "string"})


def handle_key(handles: pd.Series) -> pd.Series:
    """Handles as compared: no leading @, no surrounding spaces, case folded."""
    return handles.astype("string").str.strip().str.lstrip("@").str.casefold()


def _contradictions(sector_map: pd.DataFrame) -> list[Problem]:
    """The same account given two different sectors in the map."""
    problems = []
    for keys in (["platform", "account_id"], ["platform", "handle_key"]):
        rows = sector_map.dropna(subset=keys)
        sectors = rows.groupby(keys)["sector"].transform("nunique")
        for _, group in rows[sectors > 1].groupby(keys):
            first, other = group.iloc[0], group[group["sector"] != group.iloc[0]["sector"]]
            for _, row in other.iterrows():
                problems.append(problem(
                    row["source_file"], f"says {row['sector']} but line {first['source_line']}"
                    f" says {first['sector']} for the same account", line=int(row["source_line"]),
                    column="sector", expected="one sector per account"))
    return problems


def apply_sector_map(table: pd.DataFrame, sector_map: pd.DataFrame | str | Path
                     ) -> pd.DataFrame:
    """The table with `sector`, `org_id` and `org_name` filled from the sector map.

    Matches by account id where the map gives one, else by handle at any
    snapshot. Warns (SnapshotWarning) for each map row that matches no account;
    raises DataError when the map contradicts a sector the file already gave.
    """
    if not isinstance(sector_map, pd.DataFrame):
        sector_map = read_sector_map(sector_map)
    assigned = _match_accounts(table, sector_map)
    _warn_unmatched(sector_map, assigned)
    assigned = assigned.drop_duplicates(ACCOUNT)
    merged = table.merge(assigned, on=ACCOUNT, how="left", suffixes=("", "_map"))
    clash = (merged["sector_map"].notna() & (merged["sector"] != UNKNOWN)
             & (merged["sector"] != merged["sector_map"])).fillna(False)
    if clash.any():
        raise DataError(_clash_problems(merged[clash.to_numpy(dtype=bool)]))
    for name in ("sector", "org_id", "org_name"):
        merged[name] = merged[f"{name}_map"].fillna(merged[name]).astype("string")
    return merged[table.columns].set_axis(table.index)


ASSIGNMENT_COLUMNS = ["platform", "account_id", "sector", "org_id", "org_name"]


def account_sectors(accounts: pd.DataFrame, sector_map: pd.DataFrame | str | Path,
                    *, source: str = "the snapshots") -> pd.DataFrame:
    """Which sector the sector map gives each account: platform, account_id, sector,
    org_id, org_name (accounts it does not name are absent).

    `accounts` holds each distinct (platform, account_id, handle, sector) of a
    table, with `source_file` and `source_line` of one of its rows: what an engine
    returns for an archive too large for pandas. The rules, warnings and errors
    are `apply_sector_map`'s: matched by id, else by handle at any snapshot.
    Without provenance columns, an error names `source` instead of a file and line.
    """
    if "source_file" not in accounts:
        accounts = accounts.assign(source_file=source, source_line=pd.NA)
    if not isinstance(sector_map, pd.DataFrame):
        sector_map = read_sector_map(sector_map)
    assigned = _match_accounts(accounts, sector_map)
    _warn_unmatched(sector_map, assigned)
    assigned = assigned.drop_duplicates(ACCOUNT)
    given = accounts[(accounts["sector"] != UNKNOWN).to_numpy()]
    merged = given.merge(assigned, on=ACCOUNT, suffixes=("", "_map"))
    clash = (merged["sector"] != merged["sector_map"]).to_numpy(dtype=bool)
    if clash.any():
        raise DataError(_clash_problems(merged[clash]))
    return assigned[ASSIGNMENT_COLUMNS].astype("string").reset_index(drop=True)


def assign_sectors(frame: pd.DataFrame, assignment: pd.DataFrame) -> pd.DataFrame:
    """`frame` (snapshots, or account-years) with each assigned account's sector; the
    others keep theirs. The assignment is per account, so applying it to an
    account's account-years gives what applying it to each of its rows would."""
    if assignment.empty:
        return frame
    assigned = assignment[[*ACCOUNT, "sector"]].rename(columns={"sector": "assigned"})
    merged = frame.merge(assigned, on=ACCOUNT, how="left")
    merged["sector"] = merged["assigned"].fillna(merged["sector"]).astype("string")
    return merged.drop(columns="assigned")


def empty_assignment() -> pd.DataFrame:
    """No account assigned: what a missing sector map gives."""
    return pd.DataFrame({name: pd.Series(dtype="string") for name in ASSIGNMENT_COLUMNS})


def unmapped_counts(accounts: pd.DataFrame, assignment: pd.DataFrame) -> dict[str, int]:
    """Accounts left `unknown` once `assignment` is applied: {'unmapped', 'accounts',
    'rows'} (rows: their snapshots), from an engine's `accounts` table."""
    sectors = accounts.merge(assignment[["platform", "account_id", "sector"]], on=ACCOUNT,
                             how="left", suffixes=("", "_map"))
    final = sectors["sector_map"].fillna(sectors["sector"])
    unknown = sectors[(final == UNKNOWN).to_numpy(dtype=bool)]
    return {"unmapped": len(unknown[ACCOUNT].drop_duplicates()),
            "accounts": len(accounts[ACCOUNT].drop_duplicates()),
            "rows": int(unknown["rows"].sum())}


def _match_accounts(table: pd.DataFrame, sector_map: pd.DataFrame) -> pd.DataFrame:
    """(platform, account_id) -> the sector map row naming it, by id or by handle."""
    accounts = table[["platform", "account_id", "handle"]].drop_duplicates()
    accounts = accounts.assign(handle_key=handle_key(accounts["handle"]))
    keep = ["platform", "account_id", "sector", "org_id", "org_name", "source_line"]
    by_id = sector_map[sector_map["account_id"].notna()].merge(
        accounts[ACCOUNT].drop_duplicates(), on=ACCOUNT)
    by_handle = sector_map[sector_map["account_id"].isna() & sector_map["handle_key"].notna()]
    by_handle = by_handle.drop(columns="account_id").merge(
        accounts[["platform", "handle_key", "account_id"]].drop_duplicates(),
        on=["platform", "handle_key"])
    assigned = pd.concat([by_id[keep], by_handle[keep]], ignore_index=True)
    _refuse_two_sectors(assigned, sector_map)
    return assigned


def _refuse_two_sectors(assigned: pd.DataFrame, sector_map: pd.DataFrame) -> None:
    """An account reached by two map rows (its id and its old handle) with two sectors."""
    sectors = assigned.groupby(ACCOUNT)["sector"].transform("nunique")
    problems = []
    for (platform, account_id), group in assigned[sectors > 1].groupby(ACCOUNT):
        lines = ", ".join(str(v) for v in group["source_line"])
        problems.append(problem(
            sector_map["source_file"].iloc[0], f"lines {lines} give {platform} account "
            f"{account_id} different sectors ({', '.join(group['sector'])})",
            column="sector", expected="one sector per account"))
    if problems:
        raise DataError(problems)


def _warn_unmatched(sector_map: pd.DataFrame, assigned: pd.DataFrame) -> None:
    names_account = sector_map["account_id"].notna() | sector_map["handle"].notna()
    unmatched = names_account & ~sector_map["source_line"].isin(assigned["source_line"])
    for _, row in sector_map[unmatched.to_numpy(dtype=bool)].iterrows():
        column, value = (("account_id", row["account_id"]) if pd.notna(row["account_id"])
                         else ("handle", row["handle"]))
        warnings.warn(SnapshotWarning(problem(
            row["source_file"], f"{value!r} matches no {row['platform']} account in the "
            "snapshots", line=int(row["source_line"]), column=column,
            expected="a handle or id found in the files (a typo? an account deleted before "
                     "the first snapshot?)")), stacklevel=3)


def _clash_problems(rows: pd.DataFrame) -> list[Problem]:
    return [problem(row["source_file"], f"the file says {row['sector']} but the sector map "
                    f"says {row['sector_map']} for {row['platform']} account {row['account_id']}",
                    line=None if pd.isna(row["source_line"]) else int(row["source_line"]),
                    column="sector", expected="the same sector in both, or none in the file")
            for _, row in rows.drop_duplicates(ACCOUNT).iterrows()]


# --- accounts without a sector ---

def unmapped_accounts(table: pd.DataFrame) -> pd.DataFrame:
    """Accounts with sector `unknown`: platform, account_id, last handle, snapshots,
    first and last snapshot. Empty when every account has a sector."""
    rows = table[table["sector"] == UNKNOWN].sort_values(["platform", "account_id",
                                                          "snapshot_at"])
    return (rows.groupby(ACCOUNT, as_index=False)
            .agg(handle=("handle", "last"), snapshots=("snapshot_at", "size"),
                 first_snapshot=("snapshot_at", "min"), last_snapshot=("snapshot_at", "max")))


_UNMAPPED_NOTE = {
    "en": "{n} of {total} accounts ({rows} snapshots) are not in the sector map: they are "
          "kept as 'unknown' and left out of the sector comparisons.",
    "fr": "{n} des {total} comptes ({rows} relevés) ne figurent pas dans la table des "
          "secteurs\u00a0: ils sont gardés comme «\u00a0inconnus\u00a0» et exclus des "
          "comparaisons entre secteurs.",
}


def unmapped_note(table: pd.DataFrame, language: str = "en") -> str | None:
    """The sentence to show beside any sector comparison, or None when all are mapped."""
    unknown = table["sector"] == UNKNOWN
    accounts = table[ACCOUNT].drop_duplicates()
    unmapped = table.loc[unknown.to_numpy(dtype=bool), ACCOUNT].drop_duplicates()
    return note_from_counts(len(unmapped), len(accounts), int(np.sum(unknown)), language)


def note_from_counts(unmapped: int, accounts: int, rows: int, language: str = "en"
                     ) -> str | None:
    """`unmapped_note` from counts (`unmapped_counts`), for archives read by an engine."""
    if not unmapped:
        return None
    return localised(_UNMAPPED_NOTE, language).format(n=unmapped, total=accounts, rows=rows)

