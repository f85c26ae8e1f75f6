"""Country groups (EU, ASEAN, BRICS, G7, G20, RCEP, OECD, and a store's own) with the dates
each member belonged.

The shipped groups are in ``tradestat/data/groups.toml`` with their sources; a store may add
or replace groups in ``<store>/groups.toml`` (same layout). A member counts in a period (a
month or a year) when it was a member on the period's last day: the United Kingdom is in the
EU's January 2020 but not in its year 2020; Croatia is in the EU's year 2013.

    >>> eu = find("EU27")
    >>> len(eu.on("2019-06-30")), len(eu.on("2020-06-30")), "HRV" in eu.on("2013-06-30")
    (28, 27, False)
    >>> find("brics").in_period(2024)[-4:]
    ['EGY', 'ETH', 'IRN', 'ARE']
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from tradestat.errors import InputError
from tradestat.reference import countries

#: "CODE", "CODE from YYYY-MM-DD", "CODE until YYYY-MM-DD" or both.
MEMBER = re.compile(r"^\s*(?P<code>\S+)(?:\s+from\s+(?P<since>\d{4}-\d{2}-\d{2}))?"
                    r"(?:\s+until\s+(?P<until>\d{4}-\d{2}-\d{2}))?\s*$")
USER_FILE = "groups.toml"


@dataclass(frozen=True)
class Member:
    code: str
    since: dt.date | None = None
    until: dt.date | None = None

    def member_on(self, day: dt.date) -> bool:
        return (self.since is None or self.since <= day) and (
            self.until is None or day <= self.until)

    def to_dict(self) -> dict:
        return {"code": self.code, "name": countries.resolve(self.code).name
                if countries.resolve(self.code) else self.code,
                "since": self.since.isoformat() if self.since else None,
                "until": self.until.isoformat() if self.until else None}


@dataclass(frozen=True)
class Group:
    code: str
    name: str
    members: tuple[Member, ...]
    source: str = ""
    note: str = ""
    aliases: tuple[str, ...] = ()
    #: where it was defined: "tradestat" or the store's groups.toml path
    defined_in: str = "tradestat"
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def on(self, day: str | dt.date) -> list[str]:
        """The members on ``day`` (a date or YYYY-MM-DD), in the order written."""
        when = _date(day, "--on")
        return [m.code for m in self.members if m.member_on(when)]

    def in_period(self, period: int | str) -> list[str]:
        """The members that count in a period: a year (2024) or a month (202401, "2024-01"):
        those members on its last day."""
        return self.on(last_day(period))

    def ever(self) -> list[str]:
        return list(dict.fromkeys(m.code for m in self.members))

    def to_dict(self, on: str | None = None) -> dict:
        out = {"code": self.code, "name": self.name, "aliases": list(self.aliases),
               "source": self.source, "note": self.note, "defined_in": self.defined_in,
               "members": [m.to_dict() for m in self.members]}
        if on is not None:
            out["on"] = _date(on, "--on").isoformat()
            out["members_on"] = self.on(on)
        return out


def last_day(period: int | str) -> dt.date:
    """The last day of a year (2024) or a month (202401 or "2024-01")."""
    text = str(period).strip().replace("-", "")
    if re.fullmatch(r"\d{4}", text):
        return dt.date(int(text), 12, 31)
    if re.fullmatch(r"\d{6}", text) and 1 <= int(text[4:]) <= 12:
        year, month = int(text[:4]), int(text[4:])
        first_next = dt.date(year + month // 12, month % 12 + 1, 1)
        return first_next - dt.timedelta(days=1)
    raise InputError(f"period {period!r}: use a year YYYY or a month YYYY-MM", value=str(period))


def _date(day: str | dt.date, option: str) -> dt.date:
    if isinstance(day, dt.date):
        return day
    try:
        return dt.date.fromisoformat(str(day).strip())
    except ValueError:
        raise InputError(f"{option} {day!r}: use a date YYYY-MM-DD", value=str(day)) from None


def _member(text: str, where: str) -> Member:
    found = MEMBER.match(str(text))
    if not found:
        raise InputError(f"{where}: member {text!r}: write CODE, 'CODE from YYYY-MM-DD' or "
                         "'CODE from YYYY-MM-DD until YYYY-MM-DD'", value=str(text))
    country = countries.resolve(found["code"])
    if country is None:
        raise InputError(f"{where}: member {found['code']!r} is not a known country code",
                         value=found["code"])
    since = _date(found["since"], where) if found["since"] else None
    until = _date(found["until"], where) if found["until"] else None
    if since and until and until < since:
        raise InputError(f"{where}: member {text!r} leaves before it joins", value=str(text))
    return Member(country.code, since, until)


def parse(doc: dict, defined_in: str) -> dict[str, Group]:
    """Groups from a parsed groups.toml (one table per group)."""
    out = {}
    for code, spec in doc.items():
        where = f"{defined_in} [{code}]"
        if not isinstance(spec, dict) or not isinstance(spec.get("members"), list):
            raise InputError(f"{where}: a group needs a list 'members'", value=code)
        since = spec.get("since")
        members = tuple(_member(f"{m} from {since}" if since and " from " not in m else m,
                                where) for m in spec["members"])
        out[code.upper()] = Group(code.upper(), str(spec.get("name", code)), members,
                                  str(spec.get("source", "")), str(spec.get("note", "")),
                                  tuple(spec.get("aliases", ())), defined_in)
    return out


@cache
def shipped() -> dict[str, Group]:
    text = resources.files("tradestat.data").joinpath("groups.toml").read_text("utf-8")
    return parse(tomllib.loads(text), "tradestat")


def load(store_root: str | Path | None = None) -> dict[str, Group]:
    """The shipped groups, with those of ``<store_root>/groups.toml`` added (a group of the
    same code replaces the shipped one)."""
    groups = dict(shipped())
    if store_root is not None:
        path = Path(store_root) / USER_FILE
        if path.is_file():
            try:
                doc = tomllib.loads(path.read_text("utf-8"))
            except tomllib.TOMLDecodeError as exc:
                raise InputError(f"{path}: not valid TOML ({exc})", path=str(path)) from None
            groups.update(parse(doc, str(path)))
    return groups


def _key(text: str) -> str:
    return re.sub(r"[\s_-]+", "", str(text)).upper()


def find(text: str, store_root: str | Path | None = None) -> Group:
    """The group named ``text`` (its code or an alias, any case); an error naming the
    groups there are otherwise."""
    groups = load(store_root)
    key = _key(text)
    for group in groups.values():
        if key in {_key(group.code), *(_key(a) for a in group.aliases)}:
            return group
    raise InputError(f"no country group {text!r}; groups: {', '.join(sorted(groups))}",
                     value=str(text))


def is_group(text: str, store_root: str | Path | None = None) -> bool:
    try:
        find(text, store_root)
    except InputError:
        return False
    return True
