"""Figure lexicons: loading the versioned YAML files and matching them against tokens.

Each language has one file (``data/lexicon_{ar,fa,en}.yaml``). Entries are folded with
``agents.normalize.text.fold`` when loaded, so they match folded text whatever spelling an
outlet uses. Matching is per token, with Arabic-script tokens also tried without their
clitics (و ف ب ل ك ال) and without an accusative alef, so "والجرحى", "لوزارة" and
"فلسطينيًا" find "جرحى", "وزارة" and "فلسطيني". Multi-word entries match token by token.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import compress
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from agents.figures._numbers import Token, tokenize
from agents.figures._prefilter import QuickFold
from agents.normalize.text import fold
from streams.errors import ConfigError

__all__ = [
    "DEFAULT_LEXICON_DIR",
    "NO_MATCHES",
    "NO_ROLES",
    "FigureLexicons",
    "Lexicon",
    "Match",
    "Matches",
    "Role",
    "load_lexicons",
]


class Role(enum.IntEnum):
    """What a lexicon entry says about the words it matches.

    An ``IntEnum`` because roles are hashed into sets for every word of a sentence and
    ``Enum.__hash__`` is Python code, ``int.__hash__`` is not.
    """

    CAT_AFTER = enum.auto()  # value: category
    CAT_BEFORE = enum.auto()
    QUAL_BEFORE = enum.auto()  # value: qualifier
    QUAL_AFTER = enum.auto()
    PEOPLE = enum.auto()
    OTHERS = enum.auto()
    PARTITIVE = enum.auto()
    SUBSET = enum.auto()  # "بينهم", "including": a part of the figure before
    RELEASE = enum.auto()  # "released", "الإفراج عن": freed captives are no longer held
    GROUP = enum.auto()  # value: canonical subject
    NATIONALITY = enum.auto()
    LINK = enum.auto()
    REACH = enum.auto()  # "rose to", "إلى", "به": the verb of a toll noun, right before the count
    AUX = enum.auto()
    PREPOSITION = enum.auto()
    TIME = enum.auto()
    MONTH = enum.auto()
    MONTH_WEAK = enum.auto()
    MONEY = enum.auto()
    PERCENT = enum.auto()
    THING = enum.auto()
    AGE = enum.auto()
    CLOCK_BEFORE = enum.auto()
    CLOCK_AFTER = enum.auto()
    RATE = enum.auto()  # "a day", "يوميا": the count is a rate, not a toll
    LOCATION = enum.auto()  # value: canonical place
    ATTR_CUE = enum.auto()
    SAY = enum.auto()  # "said", "أعلنت", "اعلام کرد": a source beside one is speaking
    SOURCE = enum.auto()  # value: canonical source
    MODIFIER = enum.auto()  # value: canonical adjective


class Match(NamedTuple):
    """A lexicon entry found at tokens ``start``..``end - 1``; ``prefix`` is the stripped clitic.

    A named tuple for the same reason as ``Token``: many are built per sentence.
    """

    start: int
    end: int
    role: Role
    value: str
    prefix: str


NO_MATCHES: tuple[Match, ...] = ()
"""What ``Lexicon.match`` gives a token where no entry starts (shared, never changed)."""

NO_ROLES: frozenset[Role] = frozenset()


class Matches(NamedTuple):
    """Every lexicon match of a sentence, indexed three ways (``Lexicon.match_texts``).

    ``starts[i]``: the longest matches starting at token ``i``; ``ends[j]``: the matches
    ending just before token ``j``, longest first; ``role_sets[i]``: the roles of
    ``starts[i]``; ``hits``: the tokens where a match starts, ascending.
    """

    starts: list[Sequence[Match]]
    ends: list[Sequence[Match]]
    role_sets: list[frozenset[Role]]
    hits: list[int]


@dataclass(frozen=True, slots=True)
class _Entry:
    tokens: tuple[str, ...]
    role: Role
    value: str


_WordEntries = tuple[
    Mapping[str, tuple[tuple[_Entry, str], ...]] | None,
    tuple[tuple[_Entry, str], ...],
    frozenset[Role],
]


@dataclass(frozen=True, slots=True)
class Lexicon:
    """One language's compiled lexicon (or several merged, for text of unknown language).

    ``forms`` maps every written form of a one-word entry (with Arabic clitics and an
    accusative alef added) to its entries, and ``phrases`` the first two words of longer
    entries, so matching a sentence costs two dictionary lookups per word. ``triggers``
    holds the forms of one word of every category entry: a sentence without any of them
    holds no figure.
    """

    langs: tuple[str, ...]
    versions: tuple[int, ...]
    forms: Mapping[str, tuple[tuple[_Entry, str], ...]]  # one-word entries
    # Every word that starts an entry: the phrases it starts (``phrases[word]`` or None),
    # its one-word entries (``forms[word]``) and their roles, for one lookup a word.
    words: Mapping[str, _WordEntries]
    phrases: Mapping[str, Mapping[str, tuple[tuple[_Entry, str], ...]]]  # first -> second word
    modifier_stems: tuple[tuple[str, str], ...]  # "فلسطين*" -> (stem, canonical adjective)
    triggers: frozenset[str]
    max_gap_words: int  # unknown words allowed between a "before" category word and its count
    starts: frozenset[str]  # every word that starts an entry (keys of forms and phrases)

    def match(self, tokens: list[Token]) -> list[Sequence[Match]]:
        """Matches starting at each token; only the longest at each start (ties all kept)."""
        return self.match_texts([t[0] for t in tokens]).starts

    def match_texts(self, texts: list[str]) -> Matches:
        """``match`` on the tokens' texts, with the same matches by end and their roles.

        Most words of a sentence start no entry: one C-level pass (``map``) looks every word
        up, and the others share empty values (``NO_MATCHES``, ``NO_ROLES``).
        """
        n_tokens = len(texts)
        new = tuple.__new__
        starts: list[Sequence[Match]] = [NO_MATCHES] * n_tokens
        ends: list[Sequence[Match]] = [NO_MATCHES] * (n_tokens + 1)
        role_sets = [NO_ROLES] * n_tokens
        hits: list[int] = []
        found = list(map(self.words.get, texts))
        for i in compress(range(n_tokens), found):
            seconds, singles, roles = found[i]  # type: ignore[misc]
            best: list[Match] = []
            if seconds is not None and i + 1 < n_tokens:
                second = texts[i + 1]
                cands = seconds.get(second)
                if cands is None and second.startswith("ال"):
                    cands = seconds.get(second[2:])  # "عناصر الشرطة"
                longest = 0
                for entry, prefix in cands or ():
                    n = len(entry.tokens)
                    if n < longest:
                        break
                    if n == 2 or (
                        i + n <= n_tokens
                        and all(_same(texts[i + k], entry.tokens[k]) for k in range(2, n))
                    ):
                        longest = n
                        best.append(new(Match, (i, i + n, entry.role, entry.value, prefix)))
            if best:
                roles = frozenset([m.role for m in best])
                end = i + longest
            elif len(singles) == 1:
                entry, prefix = singles[0]
                best = [new(Match, (i, i + 1, entry.role, entry.value, prefix))]
                end = i + 1
            elif singles:
                best = [new(Match, (i, i + 1, e.role, e.value, p)) for e, p in singles]
                end = i + 1
            else:
                continue  # the first word of phrases none of which is here
            starts[i] = best
            role_sets[i] = roles
            hits.append(i)
            # In start order, so each ends[j] is longest first. ``best`` is never changed
            # again; a later match ending at the same token makes a new list.
            before = ends[end]
            ends[end] = best if before is NO_MATCHES else [*before, *best]
        return Matches(starts, ends, role_sets, hits)

    def modifier(self, word: str) -> str | None:
        """The adjective a "stem*" modifier entry gives ``word`` ("الفلسطينية" -> Palestinian)."""
        for prefix in ("", "ال", "وال", "بال", "لل"):
            if prefix and not word.startswith(prefix):
                continue
            rest = word[len(prefix) :]
            for stem, value in self.modifier_stems:
                if rest.startswith(stem):
                    return value
        return None

    def is_candidate(self, words: Iterable[str]) -> bool:
        """True when any of ``words`` may belong to a category entry (the fast pre-filter)."""
        return not self.triggers.isdisjoint(words)


def _same(text: str, word: str) -> bool:
    """A later word of a phrase: as written, or with the article ("عناصر الشرطة")."""
    return text == word or (text.startswith("ال") and text[2:] == word)


@dataclass(frozen=True, slots=True)
class FigureLexicons:
    """The lexicons of every language, and their union for text of another language."""

    by_lang: Mapping[str, Lexicon]
    merged: Lexicon
    quick_fold: QuickFold

    def for_lang(self, lang: str) -> Lexicon:
        """The lexicon for ``lang``; the union of all when the language has none of its own."""
        return self.by_lang.get(lang, self.merged)

    @classmethod
    def from_path(cls, directory: Path | str | None = None) -> FigureLexicons:
        """Load every ``lexicon_*.yaml`` in ``directory`` (default: the packaged ones)."""
        if directory is None:
            return load_lexicons()
        paths = sorted(Path(directory).glob("lexicon_*.yaml"))
        if not paths:
            raise ConfigError(
                f"figures lexicons: no lexicon_*.yaml in {directory}; point to a folder"
                f" like {DEFAULT_LEXICON_DIR} or leave it unset for the packaged lexicons"
            )
        return load_lexicons(paths)


# Arabic clitics written onto a word: conjunction, then preposition, then article
# ("والجرحى", "لوزارة", "للقتلى" is ل + ال with the alef dropped).
_CLITICS = tuple(
    sorted(
        {
            p1 + ("لل" if p2 == "ل" and p3 else p2 + p3)
            for p1 in ("", "و", "ف")
            for p2 in ("", "ب", "ل", "ك")
            for p3 in ("", "ال")
        },
        key=len,
    )
)


def _is_arabic_script(word: str) -> bool:
    return any("\u0600" <= c <= "\u06ff" for c in word)


def _forms(word: str) -> list[tuple[str, str]]:
    """The written forms of a lexicon word: with clitics and accusative alef (Arabic script)."""
    if not _is_arabic_script(word):
        return [(word, "")]
    out = []
    for prefix in _CLITICS:
        out.append((prefix + word, prefix))
        if not word.endswith("ا"):
            out.append((prefix + word + "ا", prefix))  # فلسطينيًا, شخصًا
    return out


def _phrase(text: str) -> tuple[str, ...]:
    return tuple(t.text for t in tokenize(fold(text)))


def _strings(node: Any, where: str) -> list[str]:
    if node is None:
        return []
    if not isinstance(node, list) or not all(isinstance(x, str) for x in node):
        raise ConfigError(f"figures lexicon: {where} must be a list of strings, got {node!r}")
    return node


def _mapping(node: Any, where: str) -> Mapping[str, Any]:
    if node is None:
        return {}
    if not isinstance(node, dict):
        raise ConfigError(f"figures lexicon: {where} must be a mapping, got {type(node).__name__}")
    return node


def _entries(data: Mapping[str, Any]) -> Iterable[tuple[str, Role, str]]:
    """(text, role, value) for every entry of one parsed lexicon file."""
    for category, sides in _mapping(data.get("categories"), "categories").items():
        sides = _mapping(sides, f"categories.{category}")
        for text in _strings(sides.get("after"), f"categories.{category}.after"):
            yield text, Role.CAT_AFTER, category
        for text in _strings(sides.get("before"), f"categories.{category}.before"):
            yield text, Role.CAT_BEFORE, category
    for qualifier, sides in _mapping(data.get("qualifiers"), "qualifiers").items():
        sides = _mapping(sides, f"qualifiers.{qualifier}")
        for text in _strings(sides.get("before"), f"qualifiers.{qualifier}.before"):
            yield text, Role.QUAL_BEFORE, qualifier
        for text in _strings(sides.get("after"), f"qualifiers.{qualifier}.after"):
            yield text, Role.QUAL_AFTER, qualifier
    for key, role in (
        ("people", Role.PEOPLE),
        ("others", Role.OTHERS),
        ("partitive", Role.PARTITIVE),
        ("subset", Role.SUBSET),
        ("released", Role.RELEASE),
        ("links", Role.LINK),
        ("reach", Role.REACH),
        ("aux", Role.AUX),
        ("prepositions", Role.PREPOSITION),
    ):
        for text in _strings(data.get(key), key):
            yield text, role, ""
    subjects = _mapping(data.get("subjects"), "subjects")
    for key, role in (("groups", Role.GROUP), ("nationalities", Role.NATIONALITY)):
        for name, texts in _mapping(subjects.get(key), f"subjects.{key}").items():
            for text in _strings(texts, f"subjects.{key}.{name}"):
                yield text, role, name
    not_people = _mapping(data.get("not_people"), "not_people")
    for key, words in not_people.items():
        listed = _NOT_PEOPLE.get(key)
        if listed is None:
            raise ConfigError(
                f"figures lexicon: not_people.{key} is not a known list; use one of"
                f" {', '.join(_NOT_PEOPLE)}"
            )
        for text in _strings(words, f"not_people.{key}"):
            yield text, listed, ""
    for name, texts in _mapping(data.get("locations"), "locations").items():
        for text in _strings(texts, f"locations.{name}"):
            yield text, Role.LOCATION, name
    attribution = _mapping(data.get("attribution"), "attribution")
    for text in _strings(attribution.get("cues"), "attribution.cues"):
        yield text, Role.ATTR_CUE, ""
    for text in _strings(attribution.get("verbs"), "attribution.verbs"):
        yield text, Role.SAY, ""
    for key, role in (("sources", Role.SOURCE), ("modifiers", Role.MODIFIER)):
        for name, texts in _mapping(attribution.get(key), f"attribution.{key}").items():
            for text in _strings(texts, f"attribution.{key}.{name}"):
                yield text, role, name


_NOT_PEOPLE = {
    "time": Role.TIME,
    "month": Role.MONTH,
    "month_weak": Role.MONTH_WEAK,
    "money": Role.MONEY,
    "percent": Role.PERCENT,
    "things": Role.THING,
    "age": Role.AGE,
    "clock_before": Role.CLOCK_BEFORE,
    "clock_after": Role.CLOCK_AFTER,
    "rate": Role.RATE,
}


def _compile(files: list[tuple[str, int, Mapping[str, Any]]], quick: QuickFold) -> Lexicon:
    table: dict[str, list[tuple[_Entry, str]]] = {}
    pairs: dict[str, dict[str, list[tuple[_Entry, str]]]] = {}
    stems: list[tuple[str, str]] = []
    triggers: set[str] = set()
    for _, _, data in files:
        for text, role, value in _entries(data):
            if text.endswith("*"):
                if role is not Role.MODIFIER:
                    raise ConfigError(f"figures lexicon: {text!r}: only modifiers may end in *")
                stems.append((fold(text[:-1]).strip(), value))
                continue
            tokens = _phrase(text)
            if not tokens:
                continue
            entry = _Entry(tokens, role, value)
            for form, prefix in _forms(tokens[0]):
                if len(tokens) == 1:
                    table.setdefault(form, []).append((entry, prefix))
                else:
                    pairs.setdefault(form, {}).setdefault(tokens[1], []).append((entry, prefix))
            if role in (Role.CAT_AFTER, Role.CAT_BEFORE):
                # The longest word is the rarest: "به گروگان" triggers on "گروگان", not "به".
                key = max(reversed(tokens), key=len)
                triggers.update(quick(form) for form, _ in _forms(key))
    forms = {k: tuple(v) for k, v in sorted(table.items())}
    phrases = {
        k: {w: tuple(sorted(v, key=lambda ep: -len(ep[0].tokens))) for w, v in seconds.items()}
        for k, seconds in sorted(pairs.items())
    }
    return Lexicon(
        langs=tuple(lang for lang, _, _ in files),
        versions=tuple(version for _, version, _ in files),
        forms=forms,
        words=_word_entries(forms, phrases),
        phrases=phrases,
        modifier_stems=tuple(stems),
        triggers=frozenset(triggers),
        max_gap_words=max(_gap(data) for _, _, data in files),
        starts=frozenset(forms) | frozenset(phrases),
    )


def _word_entries(
    forms: Mapping[str, tuple[tuple[_Entry, str], ...]],
    phrases: Mapping[str, Mapping[str, tuple[tuple[_Entry, str], ...]]],
) -> dict[str, _WordEntries]:
    """``Lexicon.words``: per word, its phrases, its one-word entries and their roles."""
    shared: dict[frozenset[Role], frozenset[Role]] = {}  # one object per set of roles
    out: dict[str, _WordEntries] = {}
    for word, entries in forms.items():
        roles = frozenset([e.role for e, _ in entries])
        out[word] = (phrases.get(word), entries, shared.setdefault(roles, roles))
    for word, seconds in phrases.items():
        if word not in out:
            out[word] = (seconds, (), NO_ROLES)
    return out


def _gap(data: Mapping[str, Any]) -> int:
    gap = data.get("max_gap_words", DEFAULT_MAX_GAP_WORDS)
    if not isinstance(gap, int) or gap < 0:
        raise ConfigError(
            f"figures lexicon: max_gap_words must be a whole number >= 0, got {gap!r}"
        )
    return gap


def _read(path: Path) -> tuple[str, int, Mapping[str, Any]]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(
            f"figures lexicon {path}: cannot be read ({exc}); fix or restore it"
        ) from exc
    if not isinstance(data, dict) or not isinstance(data.get("version"), int):
        raise ConfigError(
            f"figures lexicon {path}: needs a top-level mapping with an integer 'version:'"
        )
    lang = data.get("lang")
    if not isinstance(lang, str):
        raise ConfigError(f"figures lexicon {path}: needs 'lang:' (ar, fa, en, ...)")
    return lang, data["version"], data


def load_lexicons(paths: Iterable[Path] | None = None) -> FigureLexicons:
    """Load and compile figure lexicons; by default the packaged Arabic, Persian and English ones.

    Raises ``ConfigError`` naming the file and the entry when a file is malformed. Load once
    and pass the result to every ``extract_figures`` call: compiling takes milliseconds.
    """
    files = [_read(Path(p)) for p in (paths if paths is not None else _default_paths())]
    quick = QuickFold.from_fold()
    by_lang = {f[0]: _compile([f], quick) for f in files}
    return FigureLexicons(by_lang=by_lang, merged=_compile(files, quick), quick_fold=quick)


def _default_paths() -> list[Path]:
    return [DEFAULT_LEXICON_DIR / f"lexicon_{lang}.yaml" for lang in DEFAULT_LANGS]


DEFAULT_LEXICON_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_LANGS = ("ar", "fa", "en")
DEFAULT_MAX_GAP_WORDS = 1
