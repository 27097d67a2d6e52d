"""Account objects in archived API output, told apart by their shape, as snapshot rows.

What each format looks like, and what we take from it (public counters and
profile fields only: never post text, bios or anything else):

- Twitter API v1.1: a user object (`screen_name`), a bare array of them, or a
  cursor page `{"users": [...], "next_cursor": ...}`. account_id `id_str`;
  snapshot time `--snapshot-at`.
- Twitter API v2 / twarc2: a response page, users in `data` (an object or a
  list) and in `includes.users`; twarc adds `__twarc`, and a line may be an
  array of pages. account_id `id`; snapshot time `__twarc.retrieved_at`, else
  `--snapshot-at`.
- Mastodon: an Account entity (`acct`), single or a list, or search results
  `{"accounts": [...]}`. account_id `acct` with its server, `user@server`;
  snapshot time `--snapshot-at`.
- Bluesky: `getProfile` (`did` and `handle`) or `getProfiles`
  `{"profiles": [...]}`. account_id `did`; snapshot time `--snapshot-at`.

Bluesky's `indexedAt` is when the AppView indexed the profile, not when it was
retrieved, so it is never taken as the snapshot time. A Mastodon `acct` without
a domain is an account local to the server that answered: that server is
`--server` when given, otherwise the host of the account's own profile `url`.

Every row keeps a JSON pointer (RFC 6901, in its URI-fragment form, e.g.
`#/data/17`) to the object it came from, so any number can be traced back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd

from adoption.problems import Problem, problem
from adoption.snapshots.jsonfile import Document

SHAPES_HELP = ("Twitter API v1.1 user objects, Twitter API v2 / twarc2 response pages, "
               "Mastodon Account entities or Bluesky getProfile(s) responses")
TWITTER_V1_TIME = "%a %b %d %H:%M:%S %z %Y"  # Sat Aug 08 01:26:03 +0000 2009


@dataclass(frozen=True)
class Found:
    """An account object found in a document, and what its format is."""

    format: str
    account: dict
    pointer: str
    line: int | None
    retrieved_at: object = None  # the page's own retrieval time (twarc), when it has one
    synthetic: bool = False  # the page says it was invented by `adoption synth`


@dataclass(frozen=True)
class ImportOptions:
    """What the files themselves may not say."""

    snapshot_at: pd.Timestamp | None = None
    server: str | None = None


def find_accounts(document: Document, path: Path) -> tuple[list[Found], list[Problem]]:
    """Every account object in one document, or a problem saying what shape it has."""
    found = _accounts_in(document.value, "#", document.line, None)
    if found is None:
        return [], [problem(path, f"JSON of another shape: {_describe(document.value)}",
                            line=document.line, expected=SHAPES_HELP)]
    return found, []


def _accounts_in(value: object, pointer: str, line: int | None, retrieved_at: object
                 ) -> list[Found] | None:
    """Accounts in a JSON value, or None when the value is not a shape we know."""
    if isinstance(value, list):
        return _accounts_in_list(value, pointer, line, retrieved_at)
    if not isinstance(value, dict):
        return None
    kind = account_format(value)
    if kind is not None:
        return [Found(kind, value, pointer, line, retrieved_at)]
    if _is_twitter_v2_page(value):
        return _accounts_in_v2_page(value, pointer, line)
    for key, kind in (("profiles", "bluesky"), ("users", "twitter_v1"), ("accounts", "mastodon")):
        if isinstance(value.get(key), list):
            return _accounts_of_kind(value[key], kind, f"{pointer}/{key}", line, retrieved_at)
    return None


def _accounts_in_list(values: list, pointer: str, line: int | None, retrieved_at: object
                      ) -> list[Found] | None:
    found: list[Found] = []
    for position, item in enumerate(values):
        inner = _accounts_in(item, f"{pointer}/{position}", line, retrieved_at)
        if inner is None:
            return None
        found += inner
    return found


def _accounts_of_kind(values: list, kind: str, pointer: str, line: int | None,
                      retrieved_at: object) -> list[Found] | None:
    found = _accounts_in_list(values, pointer, line, retrieved_at)
    if found is None or any(f.format != kind for f in found):
        return None
    return found


def account_format(value: dict) -> str | None:
    """Which platform's account object this is, from the fields only that one has."""
    if "acct" in value and "username" in value:
        return "mastodon"
    if "did" in value and "handle" in value:
        return "bluesky"
    if "screen_name" in value and ("id_str" in value or "id" in value):
        return "twitter_v1"
    if "username" in value and "id" in value and "text" not in value:
        return "twitter_v2"
    return None


def _is_twitter_v2_page(value: dict) -> bool:
    return "__twarc" in value or "includes" in value or (
        "data" in value and isinstance(value["data"], list | dict))


def _accounts_in_v2_page(page: dict, pointer: str, line: int | None) -> list[Found]:
    """Users in `data` (a lookup) and in `includes.users` (expanded from tweets).

    Tweets in `data` and `includes.tweets` are skipped: we keep no post text.
    """
    twarc = page.get("__twarc") or {}
    retrieved_at, synthetic = twarc.get("retrieved_at"), twarc.get("synthetic") is True
    data = page.get("data")
    items = [(f"{pointer}/data", data)] if isinstance(data, dict) else [
        (f"{pointer}/data/{i}", item) for i, item in enumerate(data or [])]
    users = (page.get("includes") or {}).get("users") or []
    items += [(f"{pointer}/includes/users/{i}", item) for i, item in enumerate(users)]
    return [Found("twitter_v2", item, where, line, retrieved_at, synthetic)
            for where, item in items
            if isinstance(item, dict) and account_format(item) == "twitter_v2"]


def _describe(value: object) -> str:
    if isinstance(value, dict):
        keys = ", ".join(repr(k) for k in list(value)[:6])
        more = ", ..." if len(value) > 6 else ""
        if "user" in value and ("text" in value or "full_text" in value):
            return "a tweet, not an account object (its embedded user dates from the tweet)"
        return f"an object with keys {keys}{more}"
    if isinstance(value, list):
        first = next((v for v in value if not isinstance(v, list)), None)
        return f"an array holding {_describe(first)}" if first is not None else "an array"
    return f"a bare {type(value).__name__} value"


# --- one account object -> one row ---

def to_row(found: Found, path: Path, options: ImportOptions) -> tuple[dict, list[Problem]]:
    """The snapshot row for one account object, and the problems in its fields."""
    fields, created_format = _FIELDS[found.format](found.account, options)
    problems: list[Problem] = []
    say = _reporter(path, found, problems)
    row = {
        "platform": _PLATFORM[found.format],
        "account_id": fields["account_id"],
        "handle": fields["handle"],
        "name": fields["name"],
        "created_at": _time(fields["created_at"], created_format, "created_at", say),
        "verified": fields["verified"],
        "snapshot_at": _snapshot_time(found, options, say),
        "synthetic": found.synthetic,
        "source_file": str(path),
        "source_line": found.line,
        "source_pointer": found.pointer,
    }
    for name in ("followers", "following", "posts", "listed"):
        row[name] = _count(fields[name], fields["keys"][name], say)
    if row["account_id"] is None and found.format == "mastodon" and found.account.get("acct"):
        say("acct", f"{found.account['acct']!r} is a local account and nothing says on which "
                    "server", "--server DOMAIN: the server the data were retrieved from")
    elif row["account_id"] is None:
        say(fields["keys"]["account_id"], "the account object has no id",
            "the platform's stable account id")
    return row, problems


Reporter = Callable[[str, str, str], None]


def _reporter(path: Path, found: Found, problems: list[Problem]) -> Reporter:
    def say(column: str, message: str, expected: str) -> None:
        problems.append(problem(path, f"at {found.pointer}: {message}", line=found.line,
                                column=column, expected=expected))
    return say


def _count(value: object, source_key: str, say: Reporter) -> int | None:
    """A counter as given; absent stays missing (None), never 0."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        say(source_key, f"{value!r} is not a whole number", "a count of 0 or more")
        return None
    return value  # negative values are kept here and reported by the table's checks


def _time(text: object, time_format: str, column: str, say: Reporter) -> pd.Timestamp | None:
    if text is None or text == "":
        return None
    stamp = _parse_time(str(text), time_format)
    if stamp is None:
        example = ("Sat Aug 08 01:26:03 +0000 2009" if time_format == TWITTER_V1_TIME
                   else "2009-08-08T01:26:03.000Z")
        say(column, f"{text!r} is not a date and time", f"a time such as {example}")
    return stamp


@lru_cache(maxsize=1 << 16)
def _parse_time(text: str, time_format: str) -> pd.Timestamp | None:
    """Parsed once per distinct text: an archive repeats each account's creation
    date in every snapshot and each page's retrieval time for every user."""
    try:
        return pd.to_datetime(text, format=time_format, utc=True)
    except (ValueError, TypeError):
        return None


def _snapshot_time(found: Found, options: ImportOptions, say: Reporter) -> pd.Timestamp | None:
    if found.retrieved_at is None:
        return options.snapshot_at  # None is reported once per file by the loader
    return _time(found.retrieved_at, "ISO8601", "__twarc.retrieved_at", say)


def _twitter_v1(user: dict, options: ImportOptions) -> tuple[dict, str]:
    return {
        "account_id": _text(user.get("id_str") or user.get("id")),
        "handle": _text(user.get("screen_name")),
        "name": _text(user.get("name")),
        "created_at": user.get("created_at"),
        "verified": _flag(user.get("verified")),
        "followers": user.get("followers_count"),
        "following": user.get("friends_count"),
        "posts": user.get("statuses_count"),
        "listed": user.get("listed_count"),
        "keys": {"account_id": "id_str", "followers": "followers_count",
                 "following": "friends_count", "posts": "statuses_count",
                 "listed": "listed_count"},
    }, TWITTER_V1_TIME


def _twitter_v2(user: dict, options: ImportOptions) -> tuple[dict, str]:
    # public_metrics only comes when asked for (user.fields): absent means unknown.
    metrics = user.get("public_metrics") or {}
    return {
        "account_id": _text(user.get("id")),
        "handle": _text(user.get("username")),
        "name": _text(user.get("name")),
        "created_at": user.get("created_at"),
        "verified": _flag(user.get("verified")),
        "followers": metrics.get("followers_count"),
        "following": metrics.get("following_count"),
        "posts": metrics.get("tweet_count"),
        "listed": metrics.get("listed_count"),
        "keys": {"account_id": "id", "followers": "public_metrics.followers_count",
                 "following": "public_metrics.following_count",
                 "posts": "public_metrics.tweet_count",
                 "listed": "public_metrics.listed_count"},
    }, "ISO8601"


def _mastodon(account: dict, options: ImportOptions) -> tuple[dict, str]:
    acct = mastodon_account_id(account, options.server)
    return {
        "account_id": acct,
        "handle": acct,
        "name": _text(account.get("display_name")),
        "created_at": account.get("created_at"),  # midnight-rounded since Mastodon 3.4
        "verified": None,  # Mastodon has no verified badge (link verification is per field)
        "followers": account.get("followers_count"),
        "following": account.get("following_count"),
        "posts": account.get("statuses_count"),
        "listed": None,
        "keys": {"account_id": "acct", "followers": "followers_count",
                 "following": "following_count", "posts": "statuses_count",
                 "listed": "listed_count"},
    }, "ISO8601"


def mastodon_account_id(account: dict, server: str | None) -> str | None:
    """`user@domain`: a remote account's `acct` as is; a local one with its server.

    The server is `server` when given (use the domain that appears in handles),
    otherwise the host of the account's own profile `url`.
    """
    acct = _text(account.get("acct"))
    if acct is None:
        return None
    acct = acct.lstrip("@")
    if "@" in acct:
        user, domain = acct.split("@", 1)
        return f"{user}@{domain.casefold()}"
    host = normalise_server(server) if server else urlsplit(str(account.get("url") or "")).hostname
    return f"{acct}@{host}" if host else None


def normalise_server(server: str) -> str:
    """'https://Mastodon.social/' -> 'mastodon.social'."""
    text = server.strip()
    if "://" in text:
        text = urlsplit(text).hostname or ""
    return text.strip("/").casefold()


def _bluesky(profile: dict, options: ImportOptions) -> tuple[dict, str]:
    verification = profile.get("verification") or {}
    status = verification.get("verifiedStatus") if isinstance(verification, dict) else None
    return {
        "account_id": _text(profile.get("did")),
        "handle": _text(profile.get("handle")),
        "name": _text(profile.get("displayName")),
        "created_at": profile.get("createdAt"),  # optional in profileViewDetailed
        "verified": None if status is None else status == "valid",
        "followers": profile.get("followersCount"),
        "following": profile.get("followsCount"),
        "posts": profile.get("postsCount"),
        "listed": None,
        "keys": {"account_id": "did", "followers": "followersCount",
                 "following": "followsCount", "posts": "postsCount", "listed": "listed"},
    }, "ISO8601"


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _flag(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


_FIELDS: dict[str, Callable[[dict, ImportOptions], tuple[dict, str]]] = {
    "twitter_v1": _twitter_v1,
    "twitter_v2": _twitter_v2,
    "mastodon": _mastodon,
    "bluesky": _bluesky,
}
_PLATFORM = {"twitter_v1": "twitter", "twitter_v2": "twitter", "mastodon": "mastodon",
             "bluesky": "bluesky"}
