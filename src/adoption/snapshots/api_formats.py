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
`--server` when given, otherwise the host (and port) of the account's own
profile `url`.

Ids are kept exactly, as text: a Twitter id must be digits, and an id written
as a decimal number (`1234567890123456789.0`, `1.23457E+18`: a float
conversion or a spreadsheet went through it, and it may now name another
account) is an error, never rounded into someone else's id. Handles and
display names are kept as the API sent them, spaces included; an empty name
stays an empty name (missing means the object had none).

An empty page (a Twitter API v2 page with `meta.result_count` 0, a v1.1
cursor page with no users, an empty array from Mastodon) holds no account;
`find_accounts` says so (`Accounts.empty`), so that the caller can note it
rather than fail.

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
from adoption.snapshots.jsonfile import DEFAULT_MAX_DOCUMENT_MB, MB, Document
from adoption.snapshots.snapshot_table import ID_EXPECTED, id_problem

SHAPES_HELP = ("Twitter API v1.1 user objects, Twitter API v2 / twarc2 response pages, "
               "Mastodon Account entities or Bluesky getProfile(s) responses")
TWITTER_V1_TIME = "%a %b %d %H:%M:%S %z %Y"  # Sat Aug 08 01:26:03 +0000 2009
# Accounts sit at most a few arrays deep (an array of pages, each with a `data` array);
# deeper nesting is no API's output, and is not searched (nor recursed into).
MAX_ARRAY_DEPTH = 4
LARGEST_COUNT = 2**63 - 1  # what a Parquet int64 holds


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
    max_document_bytes: int = DEFAULT_MAX_DOCUMENT_MB * MB  # a JSONL line, or a JSON file


@dataclass(frozen=True)
class Accounts:
    """What one document holds: its account objects, the problems of its shape, and
    whether it is an empty page (no account, by the API's own account)."""

    found: list[Found]
    problems: list[Problem]
    empty: bool = False


def find_accounts(document: Document, path: Path) -> Accounts:
    """Every account object in one document, or a problem saying what shape it has."""
    found = _accounts_in(document.value, "#", document.line, None)
    if not found and is_empty_page(document.value):
        return Accounts([], [], empty=True)
    if found is None:
        return Accounts([], [problem(path, f"JSON of another shape: "
                                           f"{_describe(document.value)}",
                                     line=document.line, expected=SHAPES_HELP)])
    return Accounts(found, [])


def is_empty_page(value: object, depth: int = 0) -> bool:
    """An API answer with no account in it: `[]` (Mastodon, v1.1), a v1.1 cursor page
    `{"users": [], ...}`, search results or getProfiles with an empty list, a Twitter
    API v2 page with `meta.result_count` 0 and no data; or an array of such pages."""
    if isinstance(value, list):
        return depth < MAX_ARRAY_DEPTH and all(is_empty_page(v, depth + 1) for v in value)
    if not isinstance(value, dict) or account_format(value) is not None:
        return False
    if any(value.get(key) == [] for key in ("users", "accounts", "profiles")):
        return True
    meta = value.get("meta")
    no_count = not isinstance(meta, dict) or meta.get("result_count") == 0
    v2_page = _is_twitter_v2_page(value)
    has_users = bool(value.get("data")) or bool((value.get("includes") or {}).get("users"))
    return v2_page and no_count and not has_users and "errors" not in value


def _accounts_in(value: object, pointer: str, line: int | None, retrieved_at: object,
                 depth: int = 0) -> list[Found] | None:
    """Accounts in a JSON value, or None when the value is not a shape we know."""
    if isinstance(value, list):
        if depth >= MAX_ARRAY_DEPTH:
            return None
        return _accounts_in_list(value, pointer, line, retrieved_at, depth + 1)
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


def _accounts_in_list(values: list, pointer: str, line: int | None, retrieved_at: object,
                      depth: int = 1) -> list[Found] | None:
    found: list[Found] = []
    for position, item in enumerate(values):
        inner = _accounts_in(item, f"{pointer}/{position}", line, retrieved_at, depth)
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
    meta = value.get("meta")
    return "__twarc" in value or "includes" in value or (
        "data" in value and isinstance(value["data"], list | dict)) or (
        isinstance(meta, dict) and "result_count" in meta)


def _accounts_in_v2_page(page: dict, pointer: str, line: int | None) -> list[Found]:
    """Users in `data` (a lookup) and in `includes.users` (expanded from tweets).

    Tweets in `data` and `includes.tweets` are skipped: we keep no post text.
    """
    twarc = _object(page.get("__twarc"))
    retrieved_at, synthetic = twarc.get("retrieved_at"), twarc.get("synthetic") is True
    data = page.get("data")
    data_items = data if isinstance(data, list) else []
    items = [(f"{pointer}/data", data)] if isinstance(data, dict) else [
        (f"{pointer}/data/{i}", item) for i, item in enumerate(data_items)]
    users = _object(page.get("includes")).get("users") or []
    users = users if isinstance(users, list) else []
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
        if _array_depth(value) > MAX_ARRAY_DEPTH:
            return f"arrays nested more than {MAX_ARRAY_DEPTH} deep"
        first = next((v for v in value if not isinstance(v, list)), None)
        if first is None:
            return "an array of arrays" if value else "an array"
        return f"an array holding {_describe(first)}"
    return f"a bare {type(value).__name__} value"


def _array_depth(value: object) -> int:
    """How many arrays deep the first non-array item sits (stops past the limit)."""
    depth = 0
    while isinstance(value, list) and value and depth <= MAX_ARRAY_DEPTH:
        value, depth = value[0], depth + 1
    return depth


# --- one account object -> one row ---

def to_row(found: Found, path: Path, options: ImportOptions) -> tuple[dict, list[Problem]]:
    """The snapshot row for one account object, and the problems in its fields."""
    fields, created_format = _FIELDS[found.format](found.account, options)
    problems: list[Problem] = []
    say = _reporter(path, found, problems)
    platform = _PLATFORM[found.format]
    account_id = _account_id(fields["account_id"], platform, fields["keys"]["account_id"], say)
    id_reported = bool(problems)
    row = {
        "platform": platform,
        "account_id": account_id,
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
    if account_id is not None or id_reported:
        return row, problems
    if found.format == "mastodon" and found.account.get("acct"):
        say("acct", f"{found.account['acct']!r} is a local account and nothing says on which "
                    "server", "--server DOMAIN: the server the data were retrieved from")
    else:
        say(fields["keys"]["account_id"], "the account object has no id",
            "the platform's stable account id")
    return row, problems


def _account_id(value: object, platform: str, key: str, say: Reporter) -> str | None:
    """The id as exact text; a number only when written as a whole number (JSON
    integers are exact in Python). Anything else is reported and gives None."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    elif isinstance(value, str):
        text = value
    else:
        why = (f"{value!r} is an id written as a decimal number, which cannot hold a long id "
               "exactly" if isinstance(value, float) else f"{value!r} is not an id")
        say(key, why, ID_EXPECTED)
        return None
    why = id_problem(platform, text)
    if why is not None:
        say(key, why, ID_EXPECTED)
        return None
    return text


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
    if value > LARGEST_COUNT:
        say(source_key, f"{value} is too large to be a count", "a count of 0 or more")
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
        "account_id": _first_given(user.get("id_str"), user.get("id")),
        "handle": _text(user.get("screen_name")),
        "name": _text(user.get("name")),
        "created_at": user.get("created_at"),
        "verified": _flag(user.get("verified")),
        "followers": user.get("followers_count"),
        "following": user.get("friends_count"),
        "posts": user.get("statuses_count"),
        "listed": user.get("listed_count"),
        "keys": {"account_id": "id_str" if user.get("id_str") else "id",
                 "followers": "followers_count",
                 "following": "friends_count", "posts": "statuses_count",
                 "listed": "listed_count"},
    }, TWITTER_V1_TIME


def _twitter_v2(user: dict, options: ImportOptions) -> tuple[dict, str]:
    # public_metrics only comes when asked for (user.fields): absent means unknown.
    metrics = _object(user.get("public_metrics"))
    return {
        "account_id": user.get("id"),
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
    if not acct:
        return None
    acct = acct.lstrip("@")
    if "@" in acct:
        user, domain = acct.split("@", 1)
        return f"{user}@{domain.casefold()}"
    host = normalise_server(server) if server else _web_host(str(account.get("url") or ""))
    return f"{acct}@{host}" if host else None


def normalise_server(server: str) -> str:
    """'https://Mastodon.social/' -> 'mastodon.social'; a port is kept
    ('http://localhost:3000' -> 'localhost:3000'), unless it is the scheme's default."""
    text = server.strip()
    if "://" in text:
        return _web_host(text) or ""
    return text.strip("/").casefold()


def _web_host(url: str) -> str | None:
    """The host of a URL, with its port unless it is the scheme's default: the same
    server, whichever way its address was written."""
    parts = urlsplit(url)
    host = parts.hostname
    try:
        port = parts.port
    except ValueError:  # a port that is not a number
        port = None
    if not host:
        return None
    if port is None or port == _DEFAULT_PORTS.get(parts.scheme.casefold()):
        return host
    return f"{host}:{port}"


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _bluesky(profile: dict, options: ImportOptions) -> tuple[dict, str]:
    verification = profile.get("verification") or {}
    status = verification.get("verifiedStatus") if isinstance(verification, dict) else None
    return {
        "account_id": profile.get("did"),
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
    """A handle or a name as the API sent it: no space trimmed, an empty name kept
    empty. Only JSON null (or an absent field) is missing."""
    if value is None or isinstance(value, dict | list):
        return None
    return value if isinstance(value, str) else str(value)


def _first_given(*values: object) -> object:
    """The first value that is neither absent nor an empty string (v1.1: `id_str`,
    else `id`)."""
    return next((v for v in values if v is not None and v != ""), None)


def _object(value: object) -> dict:
    """A JSON object, or an empty one for anything else (absent, null, or a value
    of another type: what it holds is then unknown, never guessed)."""
    return value if isinstance(value, dict) else {}


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
