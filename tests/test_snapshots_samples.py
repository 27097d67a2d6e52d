"""Every real archived API file in ../shared/samples imports, with the numbers the files hold.

The reference values are read from the raw JSON by hand here (json.load, the
documented field names), independently of the importer.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from adoption.snapshots import load_snapshots
from adoption.snapshots.api_formats import ImportOptions
from adoption.snapshots.load import read_snapshot_file

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"
pytestmark = pytest.mark.skipif(
    not SAMPLES.is_dir(),
    reason=f"the real API samples are kept outside the project, in {SAMPLES} "
           "(absent in a fresh clone)")

TWARC_USERS = "twarc2_users_lookup__DocNow-twarc-csv__users.jsonl"
TWARC_TWEETS = "twarc2_tweet_page_with_includes_users__DocNow-twarc-csv__verified_type.jsonl"
V1_SEARCH = "twitter_v1.1_users_search__bear-python-twitter__get_users_search.json"
MASTODON_CASSETTE = "mastodon_account_vcr_cassette__halcy-Mastodon.py__test_entity_account.yaml"
BLUESKY_RAW = ("bluesky_getProfiles_raw__christopherkenny-bskyr__"
               "app.bsky.actor.getProfiles-f74ed2.json")
BLUESKY_CASSETTE = "bluesky_getProfiles_vcr_cassette__christopherkenny-bskyr__a_profile.yml"
NOW = pd.Timestamp("2026-06-01", tz="UTC")  # after every sample was recorded


def utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text).tz_convert("UTC")


def row_of(table: pd.DataFrame, handle: str) -> pd.Series:
    rows = table[table["handle"] == handle]
    assert len(rows) == 1, f"{handle}: {len(rows)} rows"
    return rows.iloc[0]


def cassette_bodies(name: str, tmp_path: Path) -> list[Path]:
    """The response bodies of a VCR recording, each saved as the JSON it is."""
    yaml = pytest.importorskip("yaml")
    recording = yaml.safe_load((SAMPLES / name).read_text(encoding="utf-8"))
    interactions = recording.get("interactions") or recording.get("http_interactions")
    paths = []
    for number, interaction in enumerate(interactions):
        path = tmp_path / f"{Path(name).stem}_body{number}.json"
        path.write_text(interaction["response"]["body"]["string"], encoding="utf-8")
        paths.append(path)
    return paths


# --- twarc2 users lookup: 96 user objects, 91 accounts, one snapshot ---

@pytest.fixture(scope="module")
def twarc_page() -> dict:
    return json.loads((SAMPLES / TWARC_USERS).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def twarc_table() -> pd.DataFrame:
    return load_snapshots([SAMPLES / TWARC_USERS], now=NOW)


def test_twarc_users_file_reads_96_user_objects(twarc_page):
    rows, problems = read_snapshot_file(SAMPLES / TWARC_USERS, ImportOptions())
    assert problems == []
    assert len(rows) == len(twarc_page["data"]) == 96


def test_twarc_users_become_one_row_per_account(twarc_table, twarc_page):
    distinct = {user["id"] for user in twarc_page["data"]}
    assert len(distinct) == 91
    assert len(twarc_table) == 91
    assert set(twarc_table["account_id"]) == distinct
    assert (twarc_table["platform"] == "twitter").all()


def test_twarc_snapshot_time_is_the_retrieval_time(twarc_table, twarc_page):
    assert twarc_page["__twarc"]["retrieved_at"] == "2021-10-23T19:36:18+00:00"
    assert (twarc_table["snapshot_at"] == utc("2021-10-23T19:36:18Z")).all()
    assert str(twarc_table["snapshot_at"].dtype) == "datetime64[us, UTC]"


@pytest.mark.parametrize("username", ["DoDirty78", "jduc_hoang", "GamestopCorners"])
def test_twarc_counters_match_the_raw_json(twarc_table, twarc_page, username):
    user = next(u for u in twarc_page["data"] if u["username"] == username)
    metrics = user["public_metrics"]
    row = row_of(twarc_table, username)
    assert row["account_id"] == user["id"]
    assert row["followers"] == metrics["followers_count"]
    assert row["following"] == metrics["following_count"]
    assert row["posts"] == metrics["tweet_count"]
    assert row["listed"] == metrics["listed_count"]
    assert row["created_at"] == utc(user["created_at"])


def test_twarc_named_account_exact_values(twarc_table):
    # Read by hand from the file: the first user object.
    row = row_of(twarc_table, "DoDirty78")
    assert (row["account_id"], row["followers"], row["following"], row["posts"],
            row["listed"]) == ("119369819", 580, 518, 55186, 12)
    assert row["created_at"] == pd.Timestamp("2010-03-03T12:49:24Z")
    assert row["created_at"].tz is not None


def test_repeated_user_keeps_first_provenance(twarc_table, twarc_page):
    ids = Counter(u["id"] for u in twarc_page["data"])
    assert ids["1167624470980435968"] == 3
    row = row_of(twarc_table, "GamestopCorners")
    first = next(i for i, u in enumerate(twarc_page["data"])
                 if u["id"] == "1167624470980435968")
    assert row["source_pointer"] == f"#/data/{first}"
    assert row["source_line"] == 1
    assert row["source_file"].endswith(TWARC_USERS)


def test_no_post_text_or_bio_is_kept(twarc_table):
    assert not {"text", "description", "pinned_tweet_id"} & set(twarc_table.columns)
    tweets = json.loads((SAMPLES / TWARC_USERS).read_text())["includes"]["tweets"]
    some_text = tweets[0]["text"]
    cells = [str(cell) for cell in twarc_table.to_numpy().ravel()]
    assert not any(some_text in cell for cell in cells)


def test_unmapped_accounts_are_unknown(twarc_table):
    assert (twarc_table["sector"] == "unknown").all()


# --- twarc2 tweet page: the account sits in includes.users ---

def test_tweet_page_user_from_includes():
    raw = json.loads((SAMPLES / TWARC_TWEETS).read_text(encoding="utf-8"))
    user = raw["includes"]["users"][0]
    table = load_snapshots([SAMPLES / TWARC_TWEETS], now=NOW)
    assert len(table) == 1
    row = table.iloc[0]
    assert (row["handle"], row["account_id"]) == ("TwitterDev", "2244994945")
    assert row["followers"] == user["public_metrics"]["followers_count"] == 556601
    assert row["listed"] == 2108
    assert row["verified"] is True or row["verified"] == True  # noqa: E712 (pandas boolean)
    assert row["snapshot_at"] == utc("2023-01-06T02:30:36Z")
    assert row["source_pointer"] == "#/includes/users/0"


# --- Twitter API v1.1: a bare array, no retrieval time ---

def test_v1_search_needs_a_snapshot_time():
    from adoption.problems import DataError

    with pytest.raises(DataError, match="does not say when the data were retrieved"):
        load_snapshots([SAMPLES / V1_SEARCH], now=NOW)


def test_v1_search_imports_with_snapshot_at():
    raw = json.loads((SAMPLES / V1_SEARCH).read_text(encoding="utf-8"))
    table = load_snapshots([SAMPLES / V1_SEARCH], snapshot_at="2015-11-20T12:00:00Z", now=NOW)
    assert len(raw) == 20
    assert len(table) == 20
    psf = row_of(table, "ThePSF")
    assert psf["account_id"] == "63873759"
    assert (psf["followers"], psf["following"], psf["posts"], psf["listed"]) == (
        92394, 120, 2640, 2467)
    assert psf["created_at"] == pd.Timestamp("2009-08-08T01:26:03Z")
    assert psf["snapshot_at"] == pd.Timestamp("2015-11-20T12:00:00Z")
    assert bool(psf["verified"]) is True


# --- Mastodon: two Account entities in a VCR recording ---

def test_mastodon_accounts_from_cassette(tmp_path):
    bodies = cassette_bodies(MASTODON_CASSETTE, tmp_path)
    table = load_snapshots(bodies, snapshot_at="2026-04-11T23:14:11Z", now=NOW)
    assert sorted(table["account_id"]) == ["halcy@icosahedron.website", "halcy@mastodon.social"]
    remote = table.set_index("account_id").loc["halcy@icosahedron.website"]
    assert (remote["followers"], remote["following"], remote["posts"]) == (3553, 540, 75076)
    assert remote["created_at"] == pd.Timestamp("2017-02-03T00:00:00Z")
    local = table.set_index("account_id").loc["halcy@mastodon.social"]
    assert (local["followers"], local["following"], local["posts"]) == (126, 35, 988)
    assert local["created_at"] == pd.Timestamp("2016-03-21T00:00:00Z")
    assert table["listed"].isna().all()  # Mastodon has no listed count: missing, not 0
    assert table["verified"].isna().all()


def test_mastodon_local_account_takes_the_server_option(tmp_path):
    yaml = pytest.importorskip("yaml")
    recording = yaml.safe_load((SAMPLES / MASTODON_CASSETTE).read_text(encoding="utf-8"))
    server = recording["interactions"][1]["request"]["uri"].split("/")[2]
    bodies = cassette_bodies(MASTODON_CASSETTE, tmp_path)
    table = load_snapshots(bodies[1:], snapshot_at="2026-04-11T23:14:12Z", server=server,
                           now=NOW)
    assert table["account_id"].tolist() == ["halcy@mastodon.social"]


# --- Bluesky getProfiles: a raw response (no createdAt) and a recording (with it) ---

def test_bluesky_missing_created_at_stays_missing():
    raw = json.loads((SAMPLES / BLUESKY_RAW).read_text(encoding="utf-8"))
    assert "createdAt" not in raw["profiles"][0]
    table = load_snapshots([SAMPLES / BLUESKY_RAW], snapshot_at="2023-09-20T15:00Z", now=NOW)
    row = table.iloc[0]
    assert row["platform"] == "bluesky"
    assert row["account_id"] == "did:plc:wpe35pganb6d4pg4ekmfy6u5"
    assert (row["followers"], row["following"], row["posts"]) == (10, 23, 0)
    assert pd.isna(row["created_at"])
    assert pd.isna(row["listed"])
    # indexedAt is when the profile was indexed, never the snapshot time.
    assert row["snapshot_at"] == pd.Timestamp("2023-09-20T15:00:00Z")


def test_bluesky_profile_from_cassette(tmp_path):
    (body,) = cassette_bodies(BLUESKY_CASSETTE, tmp_path)
    table = load_snapshots([body], snapshot_at="2025-05-19T17:41:25Z", now=NOW)
    row = table.iloc[0]
    assert row["handle"] == "chriskenny.bsky.social"
    assert (row["followers"], row["following"], row["posts"]) == (554, 296, 65)
    assert row["created_at"] == pd.Timestamp("2023-09-19T15:47:01.417Z")
    assert str(table["created_at"].dtype) == "datetime64[us, UTC]"


def test_the_same_bluesky_account_two_years_apart_is_two_snapshots(tmp_path):
    (body,) = cassette_bodies(BLUESKY_CASSETTE, tmp_path)
    early = load_snapshots([SAMPLES / BLUESKY_RAW], snapshot_at="2023-09-20T15:00Z", now=NOW)
    late = load_snapshots([body], snapshot_at="2025-05-19T17:41:25Z", now=NOW)
    both = pd.concat([early, late], ignore_index=True)
    assert both["account_id"].nunique() == 1
    assert both["followers"].tolist() == [10, 554]


def test_all_samples_import_together(tmp_path):
    bodies = cassette_bodies(MASTODON_CASSETTE, tmp_path)
    files = [SAMPLES / TWARC_USERS, SAMPLES / TWARC_TWEETS, SAMPLES / V1_SEARCH,
             SAMPLES / BLUESKY_RAW, *bodies]
    table = load_snapshots(files, snapshot_at="2023-09-20T15:00Z", now=NOW)
    counts = table.groupby("platform")["account_id"].nunique().to_dict()
    # TwitterDev and ThePSF are not among the 91 looked-up users: 91 + 1 + 20.
    assert counts == {"bluesky": 1, "mastodon": 2, "twitter": 112}


def test_a_gzipped_archive_is_validated_as_snapshots(tmp_path, capsys):
    """`.jsonl.gz` is JSON Lines under compression, not a table ("is gzip" before)."""
    import gzip

    from adoption.cli import main

    archive = tmp_path / "users.jsonl.gz"
    archive.write_bytes(gzip.compress((SAMPLES / TWARC_USERS).read_bytes()))
    assert main(["validate", str(archive)]) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1] == "no problems in 1 file"
