"""Figure lexicons: loading the versioned YAML files and matching them against tokens.

Each language has one file (``data/lexicon_{ar,fa,en}.yaml``). Entries are folded with
``agents.normalize.text.fold`` when loaded, so they match folded text whatever spelling an
outlet uses. Matching is per token, with Arabic-script tokens also tried without their
clitics (و ف ب ل ك ال) and without an accusative alef, so "والجرحى", "لوزارة" and
"فلسطينيًا" find "جرحى", "وزارة" and "فلسطيني". Multi-word entries match token by token.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import compress, repeat
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from agents.figures._numbers import Token, tokenize
from agents.figures._prefilter import QuickFold, WordSet
from agents.normalize.text import code_units, fold
from streams.errors import ConfigError

__all__ = [
    "DEFAULT_LEXICON_DIR",
    "NO_HITS",
    "FigureLexicons",
    "Hit",
    "Lexicon",
    "Match",
    "Matches",
    "Role",
    "bit",
    "load_lexicons",
]


class Role(enum.IntEnum):
    """What a lexicon entry says about the words it matches.

    Each role is also a bit (``bit``): the roles of a word are one ``int``, so the rules ask
    "a month here?" with one ``&`` rather than building and hashing sets.
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


def bit(*roles: Role) -> int:
    """The bit mask of ``roles`` (a word's roles are the union of its entries' bits)."""
    out = 0
    for role in roles:
        out |= 1 << role
    return out


class Hit(NamedTuple):
    """A lexicon entry matched at some token, without the token: ``length`` words from it.

    Without a position one hit serves every sentence (``Lexicon`` builds each once), so
    matching a sentence builds nothing for the words that start an entry; a rule that
    finds a hit at token ``i`` knows it spans ``i`` to ``i + length``.
    """

    length: int
    role: Role
    value: str
    prefix: str  # the Arabic clitic stripped from the first word ("ل" in "لوزارة")


class Match(NamedTuple):
    """A lexicon entry found at tokens ``start``..``end - 1``; ``prefix`` is the stripped clitic."""

    start: int
    end: int
    role: Role
    value: str
    prefix: str


NO_HITS: tuple[Hit, ...] = ()
"""What a token where no entry starts (or ends) holds (shared, never changed)."""


class Matches(NamedTuple):
    """Every lexicon match of a sentence, indexed three ways (``Lexicon.match_texts``).

    ``starts[i]``: the longest hits starting at token ``i``; ``ends[j]``: the hits ending
    just before token ``j``, longest first; ``masks[i]``: the role bits of ``starts[i]``
    (0: none); ``hits``: the tokens where a match starts, ascending.
    """

    starts: list[tuple[Hit, ...]]
    ends: list[tuple[Hit, ...]]
    masks: list[int]
    hits: list[int]


@dataclass(frozen=True, slots=True)
class _Entry:
    tokens: tuple[str, ...]
    role: Role
    value: str


class _Pair(NamedTuple):
    """The entries that start with one pair of words (``Lexicon.pairs``)."""

    longer: tuple[tuple[tuple[str, ...], Hit], ...]  # (words, hit) of 3+ words, longest first
    two: tuple[Hit, ...]  # the two-word entries: they match wherever the pair is
    two_mask: int  # role bits of ``two``


@dataclass(frozen=True, slots=True)
class Lexicon:
    """One language's compiled lexicon (or several merged, for text of unknown language).

    ``singles`` maps every written form of a one-word entry (with Arabic clitics and an
    accusative alef added) to its hits and ``masks`` to their role bits; ``pairs`` maps
    the first two words of longer entries to them (a second word is also keyed with the
    article, "عناصر الشرطة"), so matching a sentence is two C-level lookups per word and
    a little Python per word in ``heads``. ``triggers`` holds the forms of one word of
    every category entry: a sentence without any of them holds no figure.
    """

    langs: tuple[str, ...]
    versions: tuple[int, ...]
    singles: Mapping[str, tuple[Hit, ...]]  # one-word entries
    masks: Mapping[str, int]  # role bits of ``singles[word]``
    pairs: Mapping[tuple[str, str], _Pair]  # (first word, second word) -> entries
    heads: frozenset[str]  # first words of ``pairs``
    modifier_stems: tuple[tuple[str, str], ...]  # "فلسطين*" -> (stem, canonical adjective)
    triggers: frozenset[str]
    max_gap_words: int  # unknown words allowed between a "before" category word and its count
    starts: frozenset[str]  # every word that starts an entry
    trigger_finder: WordSet | None = field(default=None, compare=False, repr=False)
    modifier_starts: tuple[str, ...] = field(init=False, compare=False, repr=False)
    """Every way a word can start that ``modifier`` reads (article + stem): one C-level
    ``startswith`` answers most words, which start with none."""

    def __post_init__(self) -> None:
        starts = tuple(p + stem for p in _MODIFIER_PREFIXES for stem, _ in self.modifier_stems)
        object.__setattr__(self, "modifier_starts", starts)

    def match(self, tokens: list[Token]) -> list[list[Match]]:
        """Matches starting at each token; only the longest at each start (ties all kept)."""
        starts = self.match_texts([t[0] for t in tokens]).starts
        return [
            [Match(i, i + h.length, h.role, h.value, h.prefix) for h in hs]
            for i, hs in enumerate(starts)
        ]

    def match_texts(self, texts: list[str]) -> Matches:
        """``match`` on the tokens' texts, as shared hits, with the hits by end and role bits.

        One-word entries are looked up for every word in C-level passes (``map``); only the
        few words that start a longer entry are read in Python, and where one matches it
        replaces the word's one-word hits (the longest match wins). Hits are shared, built
        with the lexicon: matching builds no object per hit.
        """
        n_tokens = len(texts)
        starts = list(map(self.singles.get, texts, repeat(NO_HITS, n_tokens)))
        masks = list(map(self.masks.get, texts, repeat(0, n_tokens)))
        phrased: list[tuple[int, int]] = []  # (start, length) of each phrase found
        heads = self.heads.intersection(texts)
        for i in compress(range(n_tokens - 1), map(heads.__contains__, texts) if heads else ()):
            pair = self.pairs.get((texts[i], texts[i + 1]))
            if pair is None:
                continue
            longer, two, two_mask = pair
            best: list[Hit] = []
            longest = 0
            for words, hit in longer:
                n = hit.length
                if n < longest:
                    break
                if i + n <= n_tokens and all(_same(texts[i + k], words[k]) for k in range(2, n)):
                    longest = n
                    best.append(hit)
            if best:
                starts[i] = tuple(best)
                masks[i] = bit(*[h.role for h in best])
            elif two:
                starts[i], masks[i], longest = two, two_mask, 2
            else:
                continue
            phrased.append((i, longest))
        # Each one-word hit ends at the next token; a phrase ends further on, and its hits
        # come before those of later starts (longest first).
        ends = [NO_HITS, *starts]
        for i, _ in phrased:
            ends[i + 1] = NO_HITS
        for i, n in reversed(phrased):
            ends[i + n] = (*starts[i], *ends[i + n])
        hits = list(compress(range(n_tokens), masks))
        return Matches(starts, ends, masks, hits)

    def modifier(self, word: str) -> str | None:
        """The adjective a "stem*" modifier entry gives ``word`` ("الفلسطينية" -> Palestinian)."""
        if not word.startswith(self.modifier_starts):
            return None
        for prefix in _MODIFIER_PREFIXES:
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

    def trigger_positions(self, quick: str) -> list[int]:
        """Where the words of a quick-folded text (``QuickFold``: words apart by spaces and
        line breaks) that are triggers end (index of their last character), in order.

        Most articles mention no casualty word; splitting their text into ~500 words to
        ask the trigger set cost ~25-45 us. One compiled pass over the text (``WordSet``)
        costs ~5 and also says which lines to read.
        """
        if self.trigger_finder is not None:
            units = code_units(quick)
            if units.size == len(quick):  # else a character beyond the BMP: split the text
                return self.trigger_finder.ends(units)
        out, start = [], 0
        for word in quick.replace("\n", " ").split(" "):
            if word in self.triggers:
                out.append(start + len(word) - 1)
            start += len(word) + 1
        return out


_MODIFIER_PREFIXES = ("", "ال", "وال", "بال", "لل")  # before a modifier's stem


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
    singles = {
        form: tuple(Hit(1, e.role, e.value, prefix) for e, prefix in entries)
        for form, entries in sorted(table.items())
    }
    return Lexicon(
        langs=tuple(lang for lang, _, _ in files),
        versions=tuple(version for _, version, _ in files),
        singles=singles,
        masks={form: bit(*[h.role for h in hits]) for form, hits in singles.items()},
        pairs=_pairs(pairs),
        heads=frozenset(pairs),
        modifier_stems=tuple(stems),
        triggers=frozenset(triggers),
        max_gap_words=max(_gap(data) for _, _, data in files),
        starts=frozenset(singles) | frozenset(pairs),
        trigger_finder=WordSet.of(triggers),
    )


def _pairs(
    firsts: Mapping[str, Mapping[str, list[tuple[_Entry, str]]]],
) -> dict[tuple[str, str], _Pair]:
    """``Lexicon.pairs``: the entries of 2+ words by their first two words.

    A second word is also keyed with the article ("الشرطة" for "عناصر شرطة" entries) unless
    that spelling has entries of its own, which then win (as they would written out).
    """
    out: dict[tuple[str, str], _Pair] = {}
    for first, seconds in sorted(firsts.items()):
        for second, entries in seconds.items():
            ordered = sorted(entries, key=lambda ep: -len(ep[0].tokens))
            hits = [(e.tokens, Hit(len(e.tokens), e.role, e.value, p)) for e, p in ordered]
            two = tuple(hit for _, hit in hits if hit.length == 2)
            longer = tuple(wh for wh in hits if wh[1].length > 2)
            out[(first, second)] = _Pair(longer, two, bit(*[h.role for h in two]))
    for first, seconds in sorted(firsts.items()):
        for second in seconds:
            out.setdefault((first, "ال" + second), out[(first, second)])
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
