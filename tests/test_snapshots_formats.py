"""Each archived shape is told from its content, and the table's own layout round-trips."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pandas as pd
import pytest

from adoption.problems import DataError
from adoption.snapshots import DTYPES, load_snapshots, write_table
from adoption.snapshots.snapshot_table import normalise_platforms

V1_USER = {"id": 63873759, "id_str": "63873759", "screen_name": "ThePSF",
           "name": "Python - The PSF", "followers_count": 92394, "friends_count": 120,
           "statuses_count": 2640, "listed_count": 2467, "verified": True,
           "created_at": "Sat Aug 08 01:26:03 +0000 2009",
           "status": {"text": "post text we must not keep"}}
V2_USER = {"id": "2244994945", "username": "TwitterDev", "name": "Twitter Dev",
           "created_at": "2013-12-14T04:35:55.000Z", "verified": True,
           "public_metrics": {"followers_count": 556601, "following_count": 1961,
                              "tweet_count": 4053, "listed_count": 2108}}
TWARC = {"retrieved_at": "2023-01-06T02:30:36+00:00", "url": "https://api.twitter.com/2/users",
         "version": "2.13.0"}
MASTODON = {"id": "1", "username": "croixrouge", "acct": "croixrouge@mastodon.example",
            "display_name": "Croix-Rouge", "created_at": "2022-11-07T00:00:00.000Z",
            "followers_count": 1200, "following_count": 50, "statuses_count": 300,
            "note": "<p>bio we must not keep</p>"}
BLUESKY = {"did": "did:plc:abc", "handle": "org.bsky.social", "displayName": "Org",
           "followersCount": 5, "followsCount": 6, "postsCount": 7,
           "createdAt": "2024-02-01T10:00:00.000Z", "indexedAt": "2024-03-01T00:00:00.000Z"}
WHEN = "2024-06-01T12:00:00Z"


def write(tmp_path: Path, name: str, value: object) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(value), encoding="utf-8")
    return path


def load_one(path: Path, **options) -> pd.DataFrame:
    return load_snapshots([path], **options)


def test_v1_cursor_page(tmp_path):
    path = write(tmp_path, "followers.json",
                 {"users": [V1_USER], "next_cursor": 0, "previous_cursor": 0})
    row = load_one(path, snapshot_at=WHEN).iloc[0]
    assert (row["account_id"], row["handle"], row["followers"], row["following"],
            row["posts"], row["listed"]) == ("63873759", "ThePSF", 92394, 120, 2640, 2467)
    assert row["source_pointer"] == "#/users/0"


def test_v1_single_user_object(tmp_path):
    path = write(tmp_path, "show.json", V1_USER)
    assert load_one(path, snapshot_at=WHEN)["created_at"].tolist() == [
        pd.Timestamp("2009-08-08T01:26:03Z")]


def test_v2_single_user_lookup_has_data_as_an_object(tmp_path):
    path = write(tmp_path, "user.json", {"data": V2_USER})
    row = load_one(path, snapshot_at=WHEN).iloc[0]
    assert (row["handle"], row["followers"], row["source_pointer"]) == (
        "TwitterDev", 556601, "#/data")


def test_v2_without_public_metrics_keeps_counters_missing(tmp_path):
    bare = {"id": "1", "username": "org", "name": "Org"}  # the API's default fields
    path = write(tmp_path, "bare.json", {"data": [bare], "__twarc": TWARC})
    table = load_one(path)
    assert table[["followers", "following", "posts", "listed"]].isna().all().all()
    assert str(table["followers"].dtype) == "Int64"


def test_twarc_line_holding_an_array_of_pages(tmp_path):
    pages = [{"data": [V2_USER], "__twarc": TWARC},
             {"data": [{**V2_USER, "id": "9", "username": "other"}],
              "__twarc": {**TWARC, "retrieved_at": "2023-01-06T02:31:00+00:00"}}]
    path = tmp_path / "user.jsonl"
    path.write_text(json.dumps(pages) + "\n" + json.dumps(pages[0]) + "\n")
    table = load_one(path)
    assert sorted(table["account_id"]) == ["2244994945", "9"]
    other = table[table["account_id"] == "9"].iloc[0]
    assert other["snapshot_at"] == pd.Timestamp("2023-01-06T02:31:00Z")
    assert other["source_pointer"] == "#/1/data/0"


def test_retrieval_time_in_the_file_wins_over_the_option(tmp_path):
    path = write(tmp_path, "page.json", {"data": [V2_USER], "__twarc": TWARC})
    table = load_one(path, snapshot_at=WHEN)
    assert table["snapshot_at"].tolist() == [pd.Timestamp(TWARC["retrieved_at"])]


def test_gzip_jsonl_told_by_content_whatever_its_name(tmp_path):
    path = tmp_path / "harvest.data"
    path.write_bytes(gzip.compress((json.dumps({"data": [V2_USER], "__twarc": TWARC}) + "\n")
                                   .encode()))
    assert load_one(path)["handle"].tolist() == ["TwitterDev"]


def test_mastodon_list_and_search_results(tmp_path):
    listed = write(tmp_path, "accounts.json", [MASTODON])
    search = write(tmp_path, "search.json",
                   {"accounts": [MASTODON], "statuses": [], "hashtags": []})
    for path in (listed, search):
        row = load_one(path, snapshot_at=WHEN).iloc[0]
        assert row["account_id"] == "croixrouge@mastodon.example"
        assert (row["followers"], row["following"], row["posts"]) == (1200, 50, 300)
        assert pd.isna(row["listed"])


def test_mastodon_local_account_server_from_its_profile_url(tmp_path):
    local = {**MASTODON, "acct": "croixrouge", "url": "https://Mastodon.Example/@croixrouge"}
    path = write(tmp_path, "me.json", local)
    assert load_one(path, snapshot_at=WHEN)["account_id"].tolist() == [
        "croixrouge@mastodon.example"]


def test_bluesky_get_profile(tmp_path):
    path = write(tmp_path, "profile.json", BLUESKY)
    row = load_one(path, snapshot_at=WHEN).iloc[0]
    assert (row["account_id"], row["followers"], row["following"], row["posts"]) == (
        "did:plc:abc", 5, 6, 7)
    assert row["snapshot_at"] == pd.Timestamp(WHEN)  # not indexedAt


def test_profile_text_is_never_kept(tmp_path):
    files = [write(tmp_path, "v1.json", [V1_USER]), write(tmp_path, "m.json", MASTODON)]
    table = load_snapshots(files, snapshot_at=WHEN)
    cells = " ".join(str(v) for v in table.to_numpy().ravel())
    assert "must not keep" not in cells


def test_table_dtypes(tmp_path):
    table = load_one(write(tmp_path, "p.json", BLUESKY), snapshot_at=WHEN)
    assert {name: str(dtype) for name, dtype in table.dtypes.items()} == DTYPES


# --- the table's own layout ---

def test_csv_layout_with_french_words_and_semicolons(tmp_path):
    path = tmp_path / "releves.csv"
    path.write_text("Platform;Account ID;Snapshot at;Sector;Followers;Verified\n"
                    "X;42;2014-06-01 12:00;OBNL;1\u00a0200;oui\n"
                    "twitter;43;2014-06-01T12:00:00Z;;;non\n", encoding="cp1252")
    table = load_one(path)
    assert table["platform"].tolist() == ["twitter", "twitter"]
    assert table["sector"].tolist() == ["nonprofit", "unknown"]
    assert table["verified"].tolist() == [True, False]
    assert pd.isna(table["followers"].iloc[1])
    assert table["source_line"].tolist() == [2, 3]


def test_platforms_are_normalised_label_by_label():
    labels = pd.Series(["Twitter", " X ", None, "  ", "bsky", "Mastodon", "twitter", "X"],
                       dtype=object)
    assert normalise_platforms(labels).tolist() == [
        "twitter", "twitter", pd.NA, pd.NA, "bluesky", "mastodon", "twitter", "twitter"]
    assert str(normalise_platforms(labels).dtype) == "string"


def test_csv_layout_reports_every_bad_cell(tmp_path):
    path = tmp_path / "table.csv"
    path.write_text("platform,account_id,snapshot_at,sector,folowers\n"
                    "twitter,1,not a time,charity,3\n"
                    "twitter,2,2014-01-01,government,3\n")
    with pytest.raises(DataError) as error:
        load_one(path)
    text = str(error.value)
    assert "table.csv:1: column 'folowers': unknown column, probably a typo of 'followers'" in text
    assert "table.csv:2: column 'snapshot_at': 'not a time' is not a date and time" in text
    assert "table.csv:3: column 'sector': 'government' is not a sector label" in text


def test_csv_layout_without_snapshot_column_takes_the_option(tmp_path):
    path = tmp_path / "table.csv"
    path.write_text("platform,account_id,followers\nmastodon,org@example.org,3\n")
    with pytest.raises(DataError, match="snapshot_at"):
        load_one(path)
    assert load_one(path, snapshot_at=WHEN)["snapshot_at"].tolist() == [pd.Timestamp(WHEN)]


def test_parquet_round_trip_keeps_provenance(tmp_path):
    source = write(tmp_path, "page.json", {"data": [V2_USER], "__twarc": TWARC})
    first = load_one(source)
    out = write_table(first, tmp_path / "table.parquet")
    disguised = tmp_path / "table.bin"
    disguised.write_bytes(out.read_bytes())  # Parquet told by content, not by name
    again = load_one(disguised)
    pd.testing.assert_frame_equal(first, again)
    assert again["source_file"].tolist() == [str(source)]


def test_round_trip_of_a_multiline_json_keeps_its_missing_line(tmp_path):
    source = tmp_path / "profiles.json"
    source.write_text(json.dumps({"profiles": [BLUESKY]}, indent=2))
    first = load_one(source, snapshot_at=WHEN)
    assert pd.isna(first["source_line"].iloc[0])
    again = load_one(write_table(first, tmp_path / "table.parquet"))
    pd.testing.assert_frame_equal(first, again)


def test_csv_output_round_trip(tmp_path):
    source = write(tmp_path, "page.json", {"data": [V2_USER], "__twarc": TWARC})
    first = load_one(source)
    again = load_one(write_table(first, tmp_path / "table.csv"))
    pd.testing.assert_frame_equal(first, again)
