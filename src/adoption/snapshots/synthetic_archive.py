"""A synthetic, clearly labelled archive of monthly account snapshots, 2009-2014.

Invented organisations (every handle, name and id says `synthetic`), so the
whole import path, from twarc2-style JSON Lines through the sector map to the
metrics, runs end to end on data anyone may redistribute. The same seed gives
byte-identical files. The figures are plausible, not estimates of anything:

| | nonprofits | businesses |
|---|---|---|
| organisations in the panel | 320 | 320 |
| never adopt (no account by 2014) | 10% | 15% |
| account creation, logistic: midpoint, scale | 2010.0, 0.8 year | 2010.6, 0.8 year |
| follower potential, lognormal: median, sigma | 1,500, 1.3 | 3,000, 1.6 |
| posts per month, lognormal: median, sigma | 25, 0.9 | 30, 0.9 |
| go dormant (stop posting) at some point | 20% | 12% |

Followers approach each account's potential as 1 - exp(-age / 36 months),
with Poisson gains and 0.3% of followers lost each month; accounts followed
approach their own potential the same way (24 months). Across both sectors,
4% of accounts are renamed once and 4% deleted (they vanish from later
snapshots and appear in the page's `errors`, as twarc records them). 40 more
accounts, caught in the same harvest, are in no sector map: they stay `unknown`.

Files written (into the folder given):

- `snapshots_synthetic.csv`: the snapshot table's own layout, with sectors;
- `snapshots_synthetic_twarc2.jsonl.gz`: the same snapshots as `twarc2 users`
  pages (100 users a page, `__twarc.retrieved_at` as snapshot time, plus
  `"synthetic": true`, which real twarc never writes);
- `snapshots_synthetic_sector_map.csv`: the sector map for the JSONL (handles
  as of the last snapshot; organisations without an account have no handle).
"""

from __future__ import annotations

import gzip
import io
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from adoption.files import write_atomically

PLATFORM = "twitter"
FIRST_ROUND, LAST_ROUND = "2009-01-01", "2014-12-01"  # monthly, at noon UTC
PAGE_SIZE = 100  # the Twitter API v2 users lookup takes 100 ids a request
SECONDS_BETWEEN_PAGES = 7
MONTH_DAYS = 30.4375
TWITTER_LAUNCH = 2006.55  # July 2006: no account is older
NOTE = "SYNTHETIC: invented by `adoption synth`, not a real organisation"

CSV_NAME = "snapshots_synthetic.csv"
JSONL_NAME = "snapshots_synthetic_twarc2.jsonl.gz"
MAP_NAME = "snapshots_synthetic_sector_map.csv"


@dataclass(frozen=True)
class SectorPlan:
    code: str
    organisations: int
    never_adopt: float
    adoption_midpoint: float  # decimal year
    adoption_scale: float  # years
    follower_median: float
    follower_sigma: float
    posts_per_month: float
    dormant_share: float


PLANS = {
    "nonprofit": SectorPlan("np", 320, 0.10, 2010.0, 0.8, 1500, 1.3, 25, 0.20),
    "business": SectorPlan("bz", 320, 0.15, 2010.6, 0.8, 3000, 1.6, 30, 0.12),
    "unknown": SectorPlan("xx", 40, 0.0, 2010.3, 0.8, 800, 1.4, 20, 0.15),
}
RENAMED_SHARE = 0.04
DELETED_SHARE = 0.04
FOLLOWER_MONTHS, FOLLOWING_MONTHS = 36.0, 24.0
MONTHLY_UNFOLLOW = 0.003


def write_synthetic_archive(out_dir: Path, seed: int) -> list[Path]:
    """Write the synthetic snapshot archive into `out_dir`; return the files written."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    organisations = draw_organisations(np.random.default_rng(seed))
    snapshots = draw_snapshots(organisations, np.random.default_rng([seed, 1]))
    files = {
        out_dir / CSV_NAME: table_csv(snapshots).encode(),
        out_dir / JSONL_NAME: _gzip(twarc_pages(snapshots).encode(), JSONL_NAME[:-3]),
        out_dir / MAP_NAME: sector_map_csv(organisations, snapshots).encode(),
    }
    for path, content in files.items():
        write_atomically(path, lambda aside, content=content: aside.write_bytes(content))
    return list(files)


def draw_organisations(rng: np.random.Generator) -> pd.DataFrame:
    """One row per organisation: sector, ids, account creation (NaT: never adopts),
    potentials, posting rate, and the times it goes dormant, is renamed, is deleted."""
    parts = [_sector_organisations(sector, plan, rng) for sector, plan in PLANS.items()]
    organisations = pd.concat(parts, ignore_index=True)
    # Ids grow with creation time, as Twitter's do; organisations without an account get none.
    order = organisations["created_at"].rank(method="first").to_numpy()
    ids = 19_000_000 + order * 1000 + rng.integers(0, 1000, len(organisations))
    organisations["account_id"] = [None if np.isnan(i) else str(int(i)) for i in ids]
    return organisations


def _sector_organisations(sector: str, plan: SectorPlan, rng: np.random.Generator
                          ) -> pd.DataFrame:
    n = plan.organisations
    numbers = [f"{i:04d}" for i in range(1, n + 1)]
    adopted = rng.random(n) >= plan.never_adopt
    year = plan.adoption_midpoint + plan.adoption_scale * rng.logistic(size=n)
    year = np.where(year < TWITTER_LAUNCH, TWITTER_LAUNCH + rng.random(n), year)
    created = _decimal_year_to_time(year).where(adopted & (year < 2015))
    lifetime = _after(created, rng)
    title = {"np": "Nonprofit", "bz": "Business", "xx": "Other"}[plan.code]
    return pd.DataFrame({
        "sector": sector,
        "org_id": [None if sector == "unknown" else f"synthetic-{plan.code}-{k}"
                   for k in numbers],
        "org_name": [None if sector == "unknown" else f"Synthetic {title} {k}" for k in numbers],
        "handle": [f"synthetic_{plan.code}{k}" for k in numbers],
        "name": [f"Synthetic {title} {k}" for k in numbers],
        "created_at": created,
        "follower_potential": rng.lognormal(np.log(plan.follower_median),
                                            plan.follower_sigma, n),
        "following_potential": rng.lognormal(np.log(300), 1.0, n),
        "posts_per_month": rng.lognormal(np.log(plan.posts_per_month), 0.9, n),
        "listed_ratio": rng.uniform(0.002, 0.012, n),
        "dormant_from": lifetime(rng.random(n) < plan.dormant_share),
        "renamed_at": lifetime(rng.random(n) < RENAMED_SHARE),
        "deleted_at": lifetime(rng.random(n) < DELETED_SHARE),
    })


def _after(created: pd.Series, rng: np.random.Generator):
    """A function drawing, for the chosen accounts, a time between 3 months after
    creation and the end of 2014 (NaT for the others)."""
    end = pd.Timestamp("2015-01-01", tz="UTC")

    def draw(chosen: np.ndarray) -> pd.Series:
        start = created + pd.Timedelta(days=91)
        span = (end - start).dt.total_seconds()
        offsets = pd.to_timedelta(rng.random(len(created)) * span.fillna(0), unit="s")
        return (start + offsets).where(chosen & (span > 0)).dt.floor("s")
    return draw


def _decimal_year_to_time(year: np.ndarray) -> pd.Series:
    whole = np.floor(year).astype(int)
    starts = pd.to_datetime([f"{y}-01-01" for y in whole], utc=True)
    seconds = (year - whole) * 365.25 * 86400
    return pd.Series(starts + pd.to_timedelta(seconds, unit="s")).dt.floor("s")


def draw_snapshots(organisations: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Every account alive at each monthly snapshot, with its counters."""
    rounds = pd.date_range(FIRST_ROUND, LAST_ROUND, freq="MS", tz="UTC") + pd.Timedelta(hours=12)
    accounts = organisations[organisations["created_at"].notna()].reset_index(drop=True)
    times = _utc_numpy(rounds)[None, :]
    created = _utc_numpy(accounts["created_at"])[:, None]
    age_months = np.clip((times - created) / np.timedelta64(1, "D") / MONTH_DAYS, 0, None)
    followers = _growing_counts(accounts["follower_potential"].to_numpy(), age_months,
                                FOLLOWER_MONTHS, rng, unfollow=MONTHLY_UNFOLLOW)
    following = _growing_counts(accounts["following_potential"].to_numpy(), age_months,
                                FOLLOWING_MONTHS, rng, unfollow=0.0)
    posts = _posts(accounts, age_months, times, rng)
    listed = np.floor(followers * accounts["listed_ratio"].to_numpy()[:, None]).astype(int)
    alive = (age_months > 0) & _not_yet(accounts["deleted_at"], times)
    return _snapshot_rows(accounts, rounds, alive, followers, following, posts, listed, times)


def _growing_counts(potential: np.ndarray, age_months: np.ndarray, months: float,
                    rng: np.random.Generator, unfollow: float) -> np.ndarray:
    """Counts that approach `potential` as 1 - exp(-age / months), with Poisson noise."""
    expected = potential[:, None] * (1 - np.exp(-age_months / months))
    gains = rng.poisson(np.diff(expected, axis=1, prepend=0.0).clip(0))
    counts = np.zeros_like(gains)
    running = np.zeros(len(potential), dtype=np.int64)
    for month in range(gains.shape[1]):  # losses depend on the count so far
        running = running + gains[:, month]
        running = running - rng.binomial(running, unfollow)
        counts[:, month] = running
    return counts


def _posts(accounts: pd.DataFrame, age_months: np.ndarray, times: np.ndarray,
           rng: np.random.Generator) -> np.ndarray:
    months_active = np.diff(age_months, axis=1, prepend=0.0)
    posting = _not_yet(accounts["dormant_from"], times)
    rate = accounts["posts_per_month"].to_numpy()[:, None] * months_active * posting
    return np.cumsum(rng.poisson(rate), axis=1)


def _not_yet(moments: pd.Series, times: np.ndarray) -> np.ndarray:
    """True where the moment (NaT: never) has not come by each snapshot time."""
    never = np.datetime64("2100-01-01T00:00:00", "us")
    return times < np.where(moments.isna(), never, _utc_numpy(moments))[:, None]


def _utc_numpy(times: pd.Series | pd.DatetimeIndex) -> np.ndarray:
    """UTC times as plain numpy datetime64[us] (numpy has no time zones)."""
    naive = times.dt.tz_convert(None) if isinstance(times, pd.Series) else times.tz_convert(None)
    return naive.to_numpy(dtype="datetime64[us]")


def _snapshot_rows(accounts: pd.DataFrame, rounds: pd.DatetimeIndex, alive: np.ndarray,
                   followers: np.ndarray, following: np.ndarray, posts: np.ndarray,
                   listed: np.ndarray, times: np.ndarray) -> pd.DataFrame:
    account, month = np.nonzero(alive)
    renamed = ~_not_yet(accounts["renamed_at"], times)[account, month]
    handles = accounts["handle"].to_numpy()[account]
    rows = pd.DataFrame({
        "round": month,
        "platform": PLATFORM,
        "account_id": accounts["account_id"].to_numpy()[account],
        "handle": np.where(renamed, pd.Series(handles) + "_renamed", handles),
        "name": accounts["name"].to_numpy()[account],
        "sector": accounts["sector"].to_numpy()[account],
        "org_id": accounts["org_id"].to_numpy()[account],
        "org_name": accounts["org_name"].to_numpy()[account],
        "round_start": rounds[month],
        "created_at": accounts["created_at"].to_numpy()[account],
        "followers": followers[account, month],
        "following": following[account, month],
        "posts": posts[account, month],
        "listed": listed[account, month],
        "verified": accounts["follower_potential"].to_numpy()[account] > 50_000,
    })
    rows = rows.sort_values(["round", "account_id"], ignore_index=True)
    # A harvest reads 100 accounts a page; each page is retrieved a few seconds later.
    page = rows.groupby("round").cumcount() // PAGE_SIZE
    rows["page"] = page
    rows["snapshot_at"] = rows["round_start"] + pd.to_timedelta(
        page * SECONDS_BETWEEN_PAGES, unit="s")
    return rows


# --- the three files ---

TABLE_COLUMNS = ["platform", "account_id", "handle", "name", "sector", "org_id", "org_name",
                 "snapshot_at", "created_at", "followers", "following", "posts", "listed",
                 "verified", "synthetic"]


def table_csv(snapshots: pd.DataFrame) -> str:
    table = snapshots.assign(synthetic=True)[TABLE_COLUMNS].copy()
    for name in ("snapshot_at", "created_at"):
        table[name] = table[name].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    for name in ("verified", "synthetic"):
        table[name] = table[name].map({True: "true", False: "false"})
    return table.to_csv(index=False, lineterminator="\n")


def twarc_pages(snapshots: pd.DataFrame) -> str:
    """One JSON line per page, as `twarc2 users` writes them."""
    deleted_in_round = _deleted_by_round(snapshots)
    rows = snapshots.assign(
        created_text=snapshots["created_at"].dt.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        retrieved_text=snapshots["snapshot_at"].dt.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
        last_page=snapshots.groupby("round")["page"].transform("max") == snapshots["page"],
    ).to_dict("records")
    pages: dict[tuple[int, int], list[dict]] = {}
    for row in rows:  # already in harvest order: round, then page
        pages.setdefault((row["round"], row["page"]), []).append(row)
    lines = []
    for (round_number, _), users in pages.items():
        gone = deleted_in_round.get(round_number, []) if users[0]["last_page"] else []
        lines.append(json.dumps(_page(users, gone)))
    return "\n".join(lines) + "\n"


def _page(users: list[dict], deleted_ids: list[str]) -> dict:
    page: dict = {"data": [_user(row) for row in users]}
    if deleted_ids:
        page["errors"] = [_not_found(account_id) for account_id in deleted_ids]
    page["__twarc"] = {
        "url": "https://api.twitter.com/2/users?user.fields=created_at%2Cdescription"
               "%2Cpublic_metrics%2Cverified&ids=...",
        "version": "synthetic (adoption synth)",
        "retrieved_at": users[0]["retrieved_text"],
        "synthetic": True,
    }
    return page


def _user(row: dict) -> dict:
    return {
        "id": row["account_id"],
        "name": row["name"],
        "username": row["handle"],
        "created_at": row["created_text"],
        "description": NOTE,
        "verified": bool(row["verified"]),
        "public_metrics": {"followers_count": int(row["followers"]),
                           "following_count": int(row["following"]),
                           "tweet_count": int(row["posts"]),
                           "listed_count": int(row["listed"])},
    }


def _not_found(account_id: str) -> dict:
    return {"value": account_id, "detail": f"Could not find user with ids: [{account_id}].",
            "title": "Not Found Error", "resource_type": "user", "parameter": "ids",
            "resource_id": account_id,
            "type": "https://api.twitter.com/2/problems/resource-not-found"}


def _deleted_by_round(snapshots: pd.DataFrame) -> dict[int, list[str]]:
    """The accounts seen in a round but gone in the next: asked for, not found."""
    last_round = snapshots.groupby("account_id")["round"].max()
    gone = last_round[last_round < snapshots["round"].max()]
    by_round: dict[int, list[str]] = {}
    for account_id, seen_last in sorted(gone.items()):
        by_round.setdefault(int(seen_last) + 1, []).append(account_id)
    return by_round


def sector_map_csv(organisations: pd.DataFrame, snapshots: pd.DataFrame) -> str:
    """The panel: every organisation of a known sector, with its last handle if it has
    an account (as an analyst copies handles today), none if it never adopted."""
    last_handle = snapshots.groupby("account_id")["handle"].last()
    panel = organisations[organisations["sector"] != "unknown"]
    handles = panel["account_id"].map(last_handle)
    rows = pd.DataFrame({"platform": PLATFORM, "handle": handles, "sector": panel["sector"],
                         "org_id": panel["org_id"], "org_name": panel["org_name"]})
    return rows.to_csv(index=False, lineterminator="\n")


def _gzip(data: bytes, name: str) -> bytes:
    """Gzip with a zero time stamp, so the bytes are reproducible; the header keeps the
    original file name, which also labels the compressed file as synthetic."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename=name, mode="wb", fileobj=buffer, mtime=0,
                       compresslevel=6) as out:
        out.write(data)
    return buffer.getvalue()
