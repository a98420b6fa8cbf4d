"""Event lexicons: contact words, titles, cues, sources and date words per language.

One versioned YAML file per language (``data/lexicon_{ar,fa,en}.yaml``). Every entry is
folded with ``agents.normalize.text.fold`` when loaded and compiled into a few
``TermMatcher`` regexes: ``triggers`` (the contact words; its ``search`` is the one-pass
pre-filter over a whole article), ``terms`` (titles, news agencies, institutions, media,
honorifics), ``cues`` (markers such as "with"/"مع"/"با", negation and irrealis words,
attribution verbs) and ``dates`` (weekdays, months, relative days).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from agents.events._folding import Folder
from agents.events._scanner import Scanner
from agents.events._terms import Clitics, TermMatcher
from agents.normalize.text import fold
from streams.errors import ConfigError
from streams.records import Article

__all__ = [
    "DEFAULT_LEXICON_DIR",
    "LANGUAGES",
    "Cue",
    "DateWord",
    "DateWordKind",
    "Lexicon",
    "Lexicons",
    "Term",
    "TermKind",
    "TriggerSpec",
]

DEFAULT_LEXICON_DIR = Path(__file__).resolve().parent / "data"
LANGUAGES = ("ar", "fa", "en")
_TYPES = ("phone_call", "meeting", "visit", "talk")
_VOICES = ("active", "receive", "mutual")
_ARABIC_LETTERS = re.compile(r"[\u0600-\u06ff]")
_LATIN_LETTERS = re.compile(r"[A-Za-z]")


@dataclass(frozen=True, slots=True)
class TriggerSpec:
    """A contact word. ``type`` ``talk`` becomes a call with a phone cue, else a meeting.

    ``strength`` 2: the word itself says who called ("اتصل", "phoned"); 1 otherwise.
    ``direct``: the verb takes its object without a preposition ("met X", "زار طهران").
    ``needs_object``: only a contact when a party follows at once ("called X", not "called for").
    """

    text: str
    type: str
    pos: str
    voice: str
    strength: int
    direct: bool
    needs_object: bool


class TermKind(enum.Enum):
    """What a lexicon term is."""

    TITLE = "title"
    AGENCY = "agency"
    INSTITUTION = "institution"
    MEDIA = "media"
    HONORIFIC = "honorific"
    COUNTRY_WORD = "country_word"
    AGENCY_CUE = "agency_cue"


@dataclass(frozen=True, slots=True)
class Term:
    """A title (``value`` = office key), a source (``value`` = canonical English name), etc.

    ``where`` fixes the country/org a title implies ("المرشد" is Iran's); ``plural`` titles
    distribute over a following list of countries; ``needs_cue`` agencies are ordinary words
    too and count only right after "agency"/"وكالة"/"خبرگزاری".
    """

    kind: TermKind
    value: str
    where: str | None = None
    plural: bool = False
    needs_cue: bool = False


class Cue(enum.Enum):
    """Marker words, each a closed category."""

    WITH = "with"
    BETWEEN = "between"
    FROM = "from"
    INITIATOR = "initiator"
    RECEIVE = "receive"
    COUNTERPART = "counterpart"
    THIS_COUNTRY = "this_country"
    LOCATION = "location"
    DESTINATION = "destination"
    COORDINATION = "coordination"
    DEFINITE = "definite"
    PREPOSITION = "preposition"
    PHONE = "phone"
    IRREALIS_BEFORE = "irrealis_before"
    NEGATION_NEAR = "negation_near"
    IRREALIS_AFTER = "irrealis_after"
    PLUPERFECT_BEFORE = "pluperfect_before"
    PLUPERFECT_AFTER = "pluperfect_after"
    ATTRIBUTION = "attribution"


class DateWordKind(enum.Enum):
    """Kinds of date words."""

    WEEKDAY = "weekday"  # value: 0 = Monday
    MONTH = "month"  # value: 1-12, Gregorian
    SOLAR_MONTH = "solar_month"  # value: 1-12, Solar Hijri
    RELATIVE = "relative"  # value: day offset from publication
    PAST = "past"  # "الماضي", "last": the previous such weekday
    VAGUE = "vague"  # "قبل أيام", "recently": no resolvable day
    YEAR_WORD = "year_word"  # "عام", "سال" before a year


@dataclass(frozen=True, slots=True)
class DateWord:
    """One date word and its value (see ``DateWordKind``)."""

    kind: DateWordKind
    value: int = 0


class Lexicon:
    """The compiled lexicon of one language."""

    def __init__(self, data: Mapping[str, Any], path: Path) -> None:
        self.path = path
        self.lang = str(data.get("lang", ""))
        self.version = int(data["version"])
        arabic = self.lang == "ar"
        noun_clitics = Clitics.ALL if arabic else Clitics.NONE
        verb_clitics = Clitics.CONJ if arabic else Clitics.NONE
        triggers = []
        for raw in data.get("triggers") or []:
            spec = _trigger(raw, path)
            clitics = (
                verb_clitics if spec.pos == "verb" else (Clitics.NOUN if arabic else Clitics.NONE)
            )
            triggers.append((fold(spec.text), clitics, spec))
        self.triggers: TermMatcher[TriggerSpec] = TermMatcher(triggers)
        self.blockers: TermMatcher[str] = TermMatcher(
            (fold(str(b)), Clitics.NONE, str(b)) for b in data.get("blockers") or []
        )
        self.terms: TermMatcher[Term] = TermMatcher(
            _terms(data, path, noun_clitics), optional_space=True
        )
        self.cues: TermMatcher[Cue] = TermMatcher(
            _cues(data, Clitics.NOUN if arabic else Clitics.NONE)
        )
        self.dates: TermMatcher[DateWord] = TermMatcher(_date_words(data, noun_clitics))
        self.with_clitic = str((data.get("markers") or {}).get("with_clitic") or "")
        self._scanner: Scanner | None = None

    def scanner(self, names: TermMatcher[Any]) -> Scanner:
        """The one-pass scanner of a sentence: triggers, blockers, ``names`` (the knowledge
        base's), terms, cues and dates, in that order. Built on first use, since the names
        come from the knowledge base, and again only when other names are passed."""
        if self._scanner is None or self._scanner.matchers[2] is not names:
            self._scanner = Scanner(
                [self.triggers, self.blockers, names, self.terms, self.cues, self.dates]
            )
        return self._scanner

    def __repr__(self) -> str:
        return f"Lexicon(lang={self.lang!r}, version={self.version}, path={str(self.path)!r})"


class Lexicons:
    """The lexicons of every supported language (``ar``, ``fa``, ``en``)."""

    def __init__(self, by_lang: Mapping[str, Lexicon], folder: Folder | None = None) -> None:
        self.by_lang = dict(by_lang)
        self.folder = folder if folder is not None else Folder()

    @classmethod
    def from_path(cls, directory: Path | str | None = None) -> Lexicons:
        """Load ``lexicon_{ar,fa,en}.yaml`` from ``directory`` (default: the packaged data).

        Raises ``ConfigError`` naming the file when one is missing or malformed.
        """
        folder = Path(directory) if directory is not None else DEFAULT_LEXICON_DIR
        by_lang = {}
        for lang in LANGUAGES:
            path = folder / f"lexicon_{lang}.yaml"
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8"))
            except (OSError, yaml.YAMLError) as exc:
                raise ConfigError(f"cannot read events lexicon {path}: {exc}") from exc
            if not isinstance(data, dict) or "version" not in data:
                raise ConfigError(
                    f"{path} has no top-level 'version:'; it is not an events lexicon"
                )
            by_lang[lang] = Lexicon(data, path)
        return cls(by_lang)

    def for_article(self, article: Article) -> Lexicon:
        """The lexicon of the article's language; by script when the language is another."""
        if article.lang in self.by_lang:
            return self.by_lang[article.lang]
        sample = article.text[:600]
        arabic = len(_ARABIC_LETTERS.findall(sample))
        latin = len(_LATIN_LETTERS.findall(sample))
        if arabic > latin:
            persian = sum(sample.count(c) for c in "پچژگی")
            return self.by_lang["fa" if persian > 3 else "ar"]
        return self.by_lang["en"]


def _trigger(raw: Mapping[str, Any], path: Path) -> TriggerSpec:
    text = str(raw.get("text", ""))
    kind = str(raw.get("type", ""))
    voice = str(raw.get("voice", "active"))
    if not text or kind not in _TYPES or voice not in _VOICES:
        raise ConfigError(
            f"{path}: trigger {dict(raw)!r} needs text, type in {_TYPES}, voice in {_VOICES}"
        )
    return TriggerSpec(
        text=text,
        type=kind,
        pos=str(raw.get("pos", "noun")),
        voice=voice,
        strength=2 if raw.get("strength") == "strong" else 1,
        direct=bool(raw.get("direct", False)),
        needs_object=bool(raw.get("needs_object", False)),
    )


def _terms(
    data: Mapping[str, Any], path: Path, clitics: Clitics
) -> list[tuple[str, Clitics, Term]]:
    out: list[tuple[str, Clitics, Term]] = []
    for office, entries in (data.get("titles") or {}).items():
        for entry in entries or []:
            if isinstance(entry, dict):
                where = entry.get("country") or entry.get("org")
                term = Term(TermKind.TITLE, str(office), where, bool(entry.get("plural", False)))
                out.append((fold(str(entry["text"])), clitics, term))
            else:
                out.append((fold(str(entry)), clitics, Term(TermKind.TITLE, str(office))))
    sources = data.get("sources") or {}
    cue_words = tuple(fold(str(c)) for c in sources.get("agency_cues") or [])
    for name, entry in (sources.get("agencies") or {}).items():
        ambiguous = isinstance(entry, dict) and bool(entry.get("needs_cue"))
        names = entry.get("names", []) if isinstance(entry, dict) else entry
        for text in names:
            folded = fold(str(text))
            needs_cue = ambiguous and not folded.startswith(cue_words)  # "وكالة الأنباء السعودية"
            out.append((folded, clitics, Term(TermKind.AGENCY, str(name), needs_cue=needs_cue)))
    for name, entries in (sources.get("institutions") or {}).items():
        for text in entries:
            out.append((fold(str(text)), clitics, Term(TermKind.INSTITUTION, str(name))))
    for text in sources.get("agency_cues") or []:
        out.append((fold(str(text)), clitics, Term(TermKind.AGENCY_CUE, str(text))))
    for text in (data.get("cues") or {}).get("media") or []:
        out.append((fold(str(text)), clitics, Term(TermKind.MEDIA, str(text))))
    for text in data.get("honorifics") or []:
        out.append((fold(str(text)), clitics, Term(TermKind.HONORIFIC, str(text))))
    for iso, words in (data.get("country_words") or {}).items():
        for text in words:
            out.append((fold(str(text)), clitics, Term(TermKind.COUNTRY_WORD, str(iso))))
    if not out:
        raise ConfigError(f"{path} defines no titles or sources")
    return out


_MARKER_CUES = {
    "with": Cue.WITH,
    "between": Cue.BETWEEN,
    "from": Cue.FROM,
    "initiator": Cue.INITIATOR,
    "receive": Cue.RECEIVE,
    "counterpart": Cue.COUNTERPART,
    "this_country": Cue.THIS_COUNTRY,
    "location": Cue.LOCATION,
    "destination": Cue.DESTINATION,
    "coordination": Cue.COORDINATION,
    "definite": Cue.DEFINITE,
    "prepositions": Cue.PREPOSITION,
}
_CUE_LISTS = {
    "irrealis_before": Cue.IRREALIS_BEFORE,
    "negation_near": Cue.NEGATION_NEAR,
    "irrealis_after": Cue.IRREALIS_AFTER,
    "pluperfect_before": Cue.PLUPERFECT_BEFORE,
    "pluperfect_after": Cue.PLUPERFECT_AFTER,
    "attribution": Cue.ATTRIBUTION,
}


def _cues(data: Mapping[str, Any], clitics: Clitics) -> list[tuple[str, Clitics, Cue]]:
    out: list[tuple[str, Clitics, Cue]] = []
    markers = data.get("markers") or {}
    for key, cue in _MARKER_CUES.items():
        out.extend((fold(str(t)), clitics, cue) for t in markers.get(key) or [])
    cues = data.get("cues") or {}
    for key, cue in _CUE_LISTS.items():
        out.extend((fold(str(t)), clitics, cue) for t in cues.get(key) or [])
    out.extend((fold(str(t)), clitics, Cue.PHONE) for t in data.get("phone_cues") or [])
    return out


def _date_words(data: Mapping[str, Any], clitics: Clitics) -> list[tuple[str, Clitics, DateWord]]:
    dates = data.get("dates") or {}
    out: list[tuple[str, Clitics, DateWord]] = []
    for key, kind in (
        ("weekdays", DateWordKind.WEEKDAY),
        ("months", DateWordKind.MONTH),
        ("solar_months", DateWordKind.SOLAR_MONTH),
        ("relative_days", DateWordKind.RELATIVE),
    ):
        for value, words in (dates.get(key) or {}).items():
            out.extend((fold(str(w)), clitics, DateWord(kind, int(value))) for w in words)
    for key, kind in (
        ("past", DateWordKind.PAST),
        ("vague", DateWordKind.VAGUE),
        ("year_words", DateWordKind.YEAR_WORD),
    ):
        out.extend((fold(str(w)), clitics, DateWord(kind)) for w in dates.get(key) or [])
    return out
