"""The actor knowledge base: people, their offices over time, organisations and countries.

Loaded once from versioned YAML files (``data/actors.yaml``, ``data/countries.yaml``) and
passed to ``extract_events``; nothing here reads the clock or the environment. Every name
variant (any script) is folded with ``agents.normalize.text.fold`` and compiled into one
``TermMatcher``, so finding all known people, organisations, countries and cities in a
sentence is a single regex scan.

Country names: the curated file covers the countries news in this region names most, with
Arabic and Persian names and adjectives; pycountry's English names are added for every other
ISO 3166-1 country (its Arabic/Persian gettext catalogs hold formal names only, no
adjectives, and short names that are ordinary words, so they are not used).
"""

from __future__ import annotations

import calendar
import enum
import logging
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from agents.events._terms import Clitics, TermHit, TermMatcher, Words
from agents.normalize.text import fold
from streams.errors import ConfigError
from streams.records import Role

__all__ = [
    "DEFAULT_ACTORS_PATH",
    "DEFAULT_COUNTRIES_PATH",
    "HEAD_OF_STATE_OFFICES",
    "Country",
    "KnowledgeBase",
    "NameKind",
    "NameRef",
    "Office",
    "Org",
    "Person",
    "role_of",
]

logger = logging.getLogger(__name__)

_DATA = Path(__file__).resolve().parent / "data"
DEFAULT_ACTORS_PATH = _DATA / "actors.yaml"
DEFAULT_COUNTRIES_PATH = _DATA / "countries.yaml"

HEAD_OF_STATE_OFFICES = ("president", "king", "emir", "sultan", "leader")
"""Offices that make someone a head of state; a role-only "the Qatari ruler" tries each."""

_ROLE_OF = {
    "president": Role.PRESIDENT,
    "prime_minister": Role.PRIME_MINISTER,
    "foreign_minister": Role.FOREIGN_MINISTER,
    "high_representative": Role.FOREIGN_MINISTER,
    "supreme_leader": Role.SUPREME_LEADER,
    "parliament_speaker": Role.PARLIAMENT_SPEAKER,
    "security_council_secretary": Role.SECURITY_COUNCIL_SECRETARY,
    "political_bureau_chief": Role.POLITICAL_BUREAU_CHIEF,
    "secretary_general": Role.SECRETARY_GENERAL,
    "commission_president": Role.PRESIDENT,
    "council_president": Role.PRESIDENT,
    "spokesperson": Role.SPOKESPERSON,
}


def role_of(office: str) -> Role:
    """The record-level ``Role`` of a knowledge-base office key (``minister_*`` is MINISTER)."""
    if office in _ROLE_OF:
        return _ROLE_OF[office]
    if office.startswith("minister"):
        return Role.MINISTER
    return Role.OTHER


@dataclass(frozen=True, slots=True)
class Office:
    """One term in one office: ``where`` is an ISO 3166-1 alpha-3 code or an organisation id."""

    office: str
    where: str
    start: date
    end: date | None

    def held_on(self, day: date) -> bool:
        """True when the term covers ``day`` (both ends inclusive)."""
        return self.start <= day and (self.end is None or day <= self.end)

    def overlap_days(self, first: date, last: date) -> int:
        """Days of ``[first, last]`` this term covers."""
        lo = max(first, self.start)
        hi = min(last, self.end) if self.end is not None else last
        return max(0, (hi - lo).days + 1)


@dataclass(frozen=True, slots=True)
class Person:
    """A known official: stable ``id``, canonical English ``name`` and offices in start order."""

    id: str
    name: str
    offices: tuple[Office, ...]

    def offices_on(self, day: date) -> tuple[Office, ...]:
        """Offices held on ``day``."""
        return tuple(o for o in self.offices if o.held_on(day))

    def career(self) -> tuple[date, date | None]:
        """First start and last end (``None`` = still in office) over all offices."""
        ends = [o.end for o in self.offices]
        last = None if any(e is None for e in ends) else max(e for e in ends if e is not None)
        return min(o.start for o in self.offices), last


@dataclass(frozen=True, slots=True)
class Org:
    """An organisation that is a party to contacts (Hamas, UN, EU...)."""

    id: str
    name: str
    leader_office: str | None


@dataclass(frozen=True, slots=True)
class Country:
    """A country: ISO 3166-1 alpha-3, English short name and adjective, main cities."""

    iso: str
    name: str
    adj: str
    cities: tuple[str, ...]


class NameKind(enum.Enum):
    """What a matched name refers to."""

    PERSON = "person"
    PERSON_WEAK = "person_weak"  # accepted only after the person was introduced by a full name
    ORG = "org"
    COUNTRY = "country"  # a country name ("Iran", "إيران")
    COUNTRY_ADJ = "country_adj"  # its adjective ("Iranian", "الإيراني")
    CITY = "city"


@dataclass(frozen=True, slots=True)
class NameRef:
    """One meaning of a matched name: its kind and the id it points to (person/org id, ISO
    code, or canonical city name). ``full`` marks a person's full-name variant."""

    kind: NameKind
    ref: str
    full: bool = False


_AR_ADJ_SUFFIXES = ("", "ه", "ين", "ون", "ان", "يين", "يون", "تين", "تان")
_AR_SCRIPT = re.compile(r"[\u0600-\u06ff]")


class KnowledgeBase:
    """People, offices, organisations and countries, with one matcher for all their names."""

    def __init__(
        self,
        *,
        version: int,
        persons: Mapping[str, Person],
        orgs: Mapping[str, Org],
        countries: Mapping[str, Country],
        city_country: Mapping[str, str],
        leader_offices: Mapping[str, str],
        name_entries: list[tuple[str, NameRef]],
    ) -> None:
        self.version = version
        self.persons = dict(persons)
        self.orgs = dict(orgs)
        self.countries = dict(countries)
        self.city_country = dict(city_country)
        self.leader_offices = dict(leader_offices)
        name_entries = list(dict.fromkeys(name_entries))
        self.names: TermMatcher[NameRef] = TermMatcher(
            ((text, Clitics.ALL, ref) for text, ref in name_entries), optional_space=True
        )
        self._by_name: dict[str, list[NameRef]] = {}
        for text, ref in name_entries:
            self._by_name.setdefault(text.replace(" ", ""), []).append(ref)
        self._holders: dict[tuple[str, str], list[tuple[Office, Person]]] = {}
        for person in self.persons.values():
            for office in person.offices:
                self._holders.setdefault((office.office, office.where), []).append((office, person))
        for terms in self._holders.values():
            terms.sort(key=lambda t: (t[0].start, t[1].id))

    @classmethod
    def from_path(
        cls, path: Path | str | None = None, *, countries_path: Path | str | None = None
    ) -> KnowledgeBase:
        """Load the actor file (default: the packaged ``data/actors.yaml``) and country file.

        Raises ``ConfigError`` naming the file and entry when the data is malformed.
        """
        actors_file = Path(path) if path is not None else DEFAULT_ACTORS_PATH
        countries_file = (
            Path(countries_path) if countries_path is not None else DEFAULT_COUNTRIES_PATH
        )
        actors = _read_yaml(actors_file)
        country_data = _read_yaml(countries_file)
        entries: list[tuple[str, NameRef]] = []
        countries, city_country = _load_countries(country_data, countries_file, entries)
        orgs = _load_orgs(actors, actors_file, entries)
        persons = _load_persons(actors, actors_file, entries, set(countries) | set(orgs))
        leader_offices = {str(k): str(v) for k, v in (actors.get("leader_offices") or {}).items()}
        kb = cls(
            version=int(actors["version"]),
            persons=persons,
            orgs=orgs,
            countries=countries,
            city_country=city_country,
            leader_offices=leader_offices,
            name_entries=entries,
        )
        logger.debug(
            "knowledge base loaded",
            extra={"persons": len(persons), "orgs": len(orgs), "countries": len(countries)},
        )
        return kb

    def scan(
        self, folded: str | Words, start: int = 0, end: int | None = None
    ) -> Iterator[TermHit[NameRef]]:
        """Known names in folded text, left to right (see ``TermMatcher.finditer``)."""
        return self.names.finditer(folded, start, end)

    def lookup(self, name: str) -> tuple[Person, ...]:
        """People any of whose name variants (full, short or weak) is ``name``, in any script."""
        refs = self._by_name.get(fold(name).replace(" ", ""), [])
        seen: dict[str, Person] = {}
        for ref in refs:
            if ref.kind in (NameKind.PERSON, NameKind.PERSON_WEAK) and ref.ref not in seen:
                seen[ref.ref] = self.persons[ref.ref]
        return tuple(seen.values())

    def terms(self, office: str, where: str) -> tuple[tuple[Office, Person], ...]:
        """Every term in ``office`` at ``where`` (ISO code or org id), oldest first."""
        return tuple(self._holders.get((office, where), ()))

    def holder(self, office: str | Role, where: str, on: date | None = None) -> Person | None:
        """Who held ``office`` at ``where`` on the day ``on``.

        With ``on=None`` this is the current holder as far as the base knows: the open-ended
        term with the latest start. It is ``None`` when the office is vacant, unknown, or the
        base's last known holder has left office (the base says "nobody known", not a guess).
        When two terms cover ``on`` (an acting holder overlapping), the later start wins.
        """
        key = office.value if isinstance(office, Role) else office
        terms = self._holders.get((key, where), ())
        if on is None:
            open_terms = [t for t in terms if t[0].end is None]
            return open_terms[-1][1] if open_terms else None
        covering = [t for t in terms if t[0].held_on(on)]
        return covering[-1][1] if covering else None


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(
            f"cannot read knowledge base file {path}: {exc}; fix or restore it"
        ) from exc
    if not isinstance(data, dict) or "version" not in data:
        raise ConfigError(f"{path} has no top-level 'version:'; it is not a knowledge base file")
    return data


def _as_date(value: object, *, end: bool, where: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value
    text = str(value)
    match = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", text)
    if match is None:
        raise ConfigError(f"{where}: date {text!r} is not YYYY-MM-DD or YYYY-MM")
    year, month = int(match.group(1)), int(match.group(2))
    if match.group(3):
        return date(year, month, int(match.group(3)))
    return date(year, month, calendar.monthrange(year, month)[1] if end else 1)


def _variants(name: str) -> list[str]:
    """Folded forms of one written name, adding the article-less Arabic form of later words."""
    folded = " ".join(fold(name).split())
    forms = [folded]
    words = folded.split(" ")
    if _AR_SCRIPT.search(folded) and len(words) > 1:
        stripped = [words[0]] + [
            w[2:] if w.startswith("ال") and len(w) > 4 else w for w in words[1:]
        ]
        alt = " ".join(stripped)
        if alt != folded:
            forms.append(alt)
    return forms


def _arabic_adjective_forms(adj: str) -> list[str]:
    base = " ".join(fold(adj).split())
    if base.startswith("ال"):
        base = base[2:]
    forms = []
    for suffix in _AR_ADJ_SUFFIXES:
        word = base + suffix
        forms.extend([word, "ال" + word])
    return forms


def _load_countries(
    data: dict[str, Any], path: Path, entries: list[tuple[str, NameRef]]
) -> tuple[dict[str, Country], dict[str, str]]:
    countries: dict[str, Country] = {}
    city_country: dict[str, str] = {}
    for raw in data.get("countries") or []:
        iso = str(raw["iso"])
        cities = raw.get("cities") or {}
        countries[iso] = Country(
            iso=iso, name=str(raw["name"]), adj=str(raw["adj"]), cities=tuple(cities)
        )
        for key in ("en", "ar", "fa"):
            for name in raw.get(key) or []:
                entries.extend(
                    (form, NameRef(NameKind.COUNTRY, iso)) for form in _variants(str(name))
                )
        for name in raw.get("en_adj") or []:
            entries.append((fold(str(name)), NameRef(NameKind.COUNTRY_ADJ, iso)))
        for name in raw.get("ar_adj") or []:
            entries.extend(
                (f, NameRef(NameKind.COUNTRY_ADJ, iso)) for f in _arabic_adjective_forms(str(name))
            )
        for name in raw.get("fa_adj") or []:
            entries.append((" ".join(fold(str(name)).split()), NameRef(NameKind.COUNTRY_ADJ, iso)))
        for city, variants in cities.items():
            city_country[str(city)] = iso
            for name in [city, *variants]:
                entries.extend(
                    (form, NameRef(NameKind.CITY, str(city))) for form in _variants(str(name))
                )
    _add_pycountry_names(countries, entries)
    if not countries:
        raise ConfigError(f"{path} lists no countries")
    return countries, city_country


def _add_pycountry_names(countries: dict[str, Country], entries: list[tuple[str, NameRef]]) -> None:
    """English names of the ISO 3166-1 countries the curated file does not list."""
    import pycountry

    for record in pycountry.countries:
        iso = str(record.alpha_3)
        if iso in countries:
            continue
        name = str(getattr(record, "common_name", None) or record.name)
        if "," in name:  # "Korea, Republic of": only the curated file names such countries
            continue
        countries[iso] = Country(iso=iso, name=name, adj=name, cities=())
        entries.append((fold(name), NameRef(NameKind.COUNTRY, iso)))


def _load_orgs(
    data: dict[str, Any], path: Path, entries: list[tuple[str, NameRef]]
) -> dict[str, Org]:
    orgs: dict[str, Org] = {}
    for raw in data.get("orgs") or []:
        org = Org(id=str(raw["id"]), name=str(raw["name"]), leader_office=raw.get("leader_office"))
        orgs[org.id] = org
        for name in raw.get("names") or []:
            entries.extend((form, NameRef(NameKind.ORG, org.id)) for form in _variants(str(name)))
        for name in raw.get("adjs") or []:
            forms = (
                _arabic_adjective_forms(str(name))
                if _AR_SCRIPT.search(str(name))
                else [fold(str(name))]
            )
            entries.extend((f, NameRef(NameKind.ORG, org.id)) for f in forms)
    if not orgs:
        raise ConfigError(f"{path} lists no organisations under 'orgs:'")
    return orgs


def _load_persons(
    data: dict[str, Any], path: Path, entries: list[tuple[str, NameRef]], places: set[str]
) -> dict[str, Person]:
    persons: dict[str, Person] = {}
    for raw in data.get("persons") or []:
        pid = str(raw.get("id", ""))
        where = f"{path}: person {pid or raw!r}"
        if not pid or not raw.get("name") or not raw.get("offices"):
            raise ConfigError(f"{where}: needs id, name and offices")
        if pid in persons:
            raise ConfigError(f"{where}: duplicate id; ids must be unique")
        offices = []
        for term in raw["offices"]:
            office, place, start, end = term
            if place not in places:
                raise ConfigError(f"{where}: unknown country/org {place!r}; add it to the files")
            first = _as_date(start, end=False, where=where)
            assert first is not None
            offices.append(
                Office(str(office), str(place), first, _as_date(end, end=True, where=where))
            )
        offices.sort(key=lambda o: o.start)
        persons[pid] = Person(id=pid, name=str(raw["name"]), offices=tuple(offices))
        for name in raw.get("full") or []:
            entries.extend(
                (f, NameRef(NameKind.PERSON, pid, full=True)) for f in _variants(str(name))
            )
        for name in raw.get("short") or []:
            entries.extend((f, NameRef(NameKind.PERSON, pid)) for f in _variants(str(name)))
        for name in raw.get("weak") or []:
            entries.extend((f, NameRef(NameKind.PERSON_WEAK, pid)) for f in _variants(str(name)))
    return persons
