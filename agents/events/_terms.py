"""Find many folded phrases in folded text: word tokens and a first-word index.

Why not one big regex: a trie-shaped alternation of a few thousand names still makes ``re``
attempt a match at every character (the optional clitic prefix defeats its first-character
filter), ~1 ms per sentence here. Splitting the text into words once (one C-level
``findall``) and looking each word up in a dict keyed by the first word of every phrase costs
a few dict lookups per word instead, ~30x less. A cheap literal alternation of the first
words (``prefilter``) still answers "is any phrase possibly here?" for a whole article in one
``re`` pass.

Arabic writes some prepositions and conjunctions as clitics glued to the next word
(و "and", ف "so", ب "with/in", ل "to", ك "like"). Each entry says which clitics it accepts
(``Clitics``): verbs take only و/ف, names and titles و ف ب ك ل, common nouns also the article
ال. An entry starting with ال also matches after ل, which swallows the article's alef
("للمرشد" = ل + المرشد). An entry ending in ``*`` is a stem: its last word may continue
("اتصال*" finds اتصالات). With ``optional_space`` the words of a phrase may also be written
joined ("بشار اسد"/"بشاراسد").
"""

from __future__ import annotations

import bisect
import enum
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, NamedTuple, TypeVar

try:
    import ahocorasick  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # pragma: no cover - optional speed-up
    ahocorasick = None

__all__ = ["Clitics", "TermHit", "TermMatcher", "Words"]

T = TypeVar("T")

_ARABIC = re.compile(r"[\u0600-\u06ff]")
_TOKEN = re.compile(r"[^\W_]+|[^\w\s]")
_CLITIC_START = frozenset("وفبكلا")  # first letters of a clitic or of the article
_WORD_START = re.compile(r"[^\W_]")
_PREFIX = re.compile(r"[وف]?[بكل]?(?:ال|ل)?")  # glued clitics before a token core
_MAX_PREFIX = 4
_MAX_JOINED_WORDS = 5


class Clitics(enum.Enum):
    """Which glued Arabic clitics an entry accepts before it."""

    NONE = "none"  # none at all
    CONJ = "conj"  # و / ف only (verbs)
    ALL = "all"  # و ف ب ك ل (names, titles)
    NOUN = "noun"  # as ALL, and the article ال may precede (common nouns: "الاتصال")


class TermHit(NamedTuple, Generic[T]):
    """One match: span in the searched text, the clitic prefix found, and the entries' values.

    A named tuple rather than a frozen dataclass: a sentence makes ten or more, and a tuple is
    built ~3x faster (a frozen dataclass sets each field through ``object.__setattr__``).
    """

    start: int
    end: int
    prefix: str
    values: tuple[T, ...]


class Words:
    """A folded text split into word and punctuation tokens, with their character spans."""

    __slots__ = ("cores", "ends", "starts", "text", "words")

    def __init__(self, text: str) -> None:
        self.text = text
        self.words: list[str] = _TOKEN.findall(text)
        self.starts: list[int] = []
        self.ends: list[int] = []
        # Spans by ``find`` from the previous token's end: only blanks and "_" lie between
        # tokens and no token holds either, so the first occurrence is the token itself
        # (~2x cheaper than a match object per token).
        position, find = 0, text.find
        for word in self.words:
            position = find(word, position)
            self.starts.append(position)
            position += len(word)
            self.ends.append(position)
        # each word with its glued clitics taken off, computed once for every matcher
        self.cores: list[list[tuple[str, str]]] = [
            _splits(w) if w[0] in _CLITIC_START and len(w) > 3 else [("", w)] for w in self.words
        ]  # the same as ``_cores`` per word, inlined: this runs for every word of a sentence


@dataclass(frozen=True, slots=True)
class _Entry(Generic[T]):
    clitics: Clitics
    after_ll: bool  # the article-less form, valid only after ل
    value: T


class _Node(Generic[T]):
    """A word-trie node: phrases ending here, stems of a last word, and longer phrases."""

    __slots__ = ("_admitted", "here", "next", "stem_sizes", "stems")

    def __init__(self) -> None:
        self.next: dict[str, _Node[T]] = {}
        self.here: list[_Entry[T]] = []
        self.stems: dict[str, list[_Entry[T]]] = {}
        self.stem_sizes: tuple[int, ...] = ()
        self._admitted: dict[str, tuple[T, ...]] = {}

    def admitted(self, prefix: str) -> tuple[T, ...]:
        """``_admitted(self.here, prefix)``, remembered per prefix: a node is matched again
        and again (names, titles) and only a few dozen prefixes exist (see ``_splits``)."""
        values = self._admitted.get(prefix)
        if values is None:
            values = self._admitted[prefix] = _admitted(self.here, prefix)
        return values


class TermMatcher(Generic[T]):
    """A set of folded phrases, each carrying values of type ``T``.

    ``entries`` are ``(folded phrase, clitics policy, value)``; the same phrase may carry
    several values (a surname shared by two people). ``finditer`` yields non-overlapping hits
    left to right, each the longest phrase at its position whose clitic policy admits the
    prefix found (and, among equal lengths, the reading with the shortest prefix: "بشار" is
    a name, not ب + شار).
    """

    def __init__(
        self, entries: Iterable[tuple[str, Clitics, T]], *, optional_space: bool = False
    ) -> None:
        self._root: _Node[T] = _Node()
        firsts: set[str] = set()
        stem_firsts: set[str] = set()
        for phrase, clitics, value in entries:
            stem = phrase.rstrip().endswith("*")
            words = _TOKEN.findall(phrase.replace("*", " "))
            if not words:
                continue
            forms = _forms(words, clitics, optional_space)
            if stem and _ARABIC.match(words[-1]) and words[-1][-1] in "هء":
                # before a suffix taa marbuta is written taa ("زيارته") and a final hamza sits
                # on ya or waw ("لقائه", "لقاؤه", folded ي / و)
                ends = "ت" if words[-1][-1] == "ه" else "يو"
                forms += [([*f[:-1], f[-1][:-1] + e], a) for f, a in forms for e in ends]
            for form, after_ll in forms:
                entry = _Entry(clitics, after_ll, value)
                node = self._root
                for word in form[:-1]:
                    node = node.next.setdefault(word, _Node())
                if stem:
                    node.stems.setdefault(form[-1], []).append(entry)
                else:
                    node = node.next.setdefault(form[-1], _Node())
                    node.here.append(entry)
                (stem_firsts if stem and len(form) == 1 else firsts).add(form[0])
        self._finish(self._root)
        self._inner = _Inner.of(self._root)
        root_stems = self._root.stems
        self._stem_heads = frozenset(k[:3] for k in root_stems)
        self.prefilter = re.compile(_trie_pattern(firsts | stem_firsts) or "(?!)")
        self._firsts = _FirstWords(firsts, stem_firsts)

    def _finish(self, node: _Node[T]) -> None:
        node.stem_sizes = tuple(sorted({len(k) for k in node.stems}, reverse=True))
        for child in node.next.values():
            self._finish(child)

    def search(self, text: str) -> bool:
        """True when a phrase may occur in ``text`` (its first word occurs): a cheap pre-filter."""
        if self._firsts.available:
            return bool(self._firsts.starts(text))
        return self.prefilter.search(text) is not None

    def candidates(self, text: str) -> list[int]:
        """Sorted positions in ``text`` where a phrase may start (a superset of the hits of
        ``finditer`` on any stretch of ``text`` cut at token boundaries)."""
        if self._firsts.available:
            return self._firsts.starts(text)
        return [m.start() for m in self.prefilter.finditer(text)]

    def may_contain(self, word: str) -> bool:
        """True when some hit of ``finditer`` may cover the token ``word`` (as any word of a
        phrase, with or without glued clitics, or as a stem's continuation); ``False`` proves
        that no hit covers it, so a scan may be cut there."""
        inner = self._inner
        for _, core in _cores(word):
            if core in inner.words or any(core[:size] in inner.stems for size in inner.sizes):
                return True
        return False

    def starts_phrase(self, word: str) -> bool:
        """True when some phrase may start with ``word`` (ignoring clitics and stems)."""
        return word in self._root.next

    @property
    def first_words(self) -> Iterable[str]:
        """The first word of every phrase (after its clitics; stems excluded)."""
        return self._root.next.keys()

    @property
    def stem_heads(self) -> frozenset[str]:
        """The first three letters of every one-word stem: a word whose clitic-free form
        starts with none of them starts no stem phrase."""
        return self._stem_heads

    def finditer(
        self, text: str | Words, start: int = 0, end: int | None = None
    ) -> Iterator[TermHit[T]]:
        """Hits within characters ``[start, end)`` of the text, left to right."""
        words = text if isinstance(text, Words) else Words(text)
        stop = len(words.text) if end is None else end
        tokens, starts, ends = words.words, words.starts, words.ends
        first, heads = self._root.next, self._stem_heads
        if not first and not heads:
            return
        cores = words.cores
        index, count = bisect.bisect_left(starts, start), len(tokens)
        while index < count:
            if ends[index] > stop:
                return
            # fast reject: most words start no phrase, with or without their clitics
            for _, core in cores[index]:
                if core in first or core[:3] in heads:
                    break
            else:
                index += 1
                continue
            best = self.match_at(words, index, stop)
            if best is None:
                index += 1
                continue
            yield best
            index += bisect.bisect_left(starts, best.end) - index

    def match_at(self, words: Words, index: int, stop: int | None = None) -> TermHit[T] | None:
        """The longest admitted phrase starting at token ``index``, or ``None``."""
        tokens, ends = words.words, words.ends
        # tokens ending by ``stop`` (``ends`` ascends): the phrase may use those only
        count = len(tokens) if stop is None else bisect.bisect_right(ends, stop)
        # the best so far: size in tokens (0: none), prefix, values; a later reading or a
        # longer phrase replaces it only when strictly longer
        best_size, best_prefix = 0, ""
        best_values: tuple[T, ...] = ()
        for prefix, core in words.cores[index]:
            node = self._root
            position, word = index, core
            while position < count:
                size = position - index + 1
                if node.stem_sizes:
                    for stem_size in node.stem_sizes:
                        if stem_size <= len(word):
                            found = node.stems.get(word[:stem_size])
                            if found is not None and size > best_size:
                                values = _admitted(found, prefix)
                                if values:
                                    best_size, best_prefix, best_values = size, prefix, values
                                    break
                child = node.next.get(word)
                if child is None:
                    break
                node = child
                if node.here and size > best_size:
                    values = node.admitted(prefix)
                    if values:
                        best_size, best_prefix, best_values = size, prefix, values
                position += 1
                if position < count:
                    word = tokens[position]
        if not best_size:
            return None
        return TermHit(words.starts[index], ends[index + best_size - 1], best_prefix, best_values)


@dataclass(frozen=True, slots=True)
class _Inner:
    """Every word and stem of a word trie, whatever its position (for ``may_contain``)."""

    words: frozenset[str]
    stems: frozenset[str]
    sizes: tuple[int, ...]

    @classmethod
    def of(cls, root: _Node[Any]) -> _Inner:
        words: set[str] = set()
        stems: set[str] = set()
        pending = [root]
        while pending:
            node = pending.pop()
            words.update(node.next)
            stems.update(node.stems)
            pending.extend(node.next.values())
        return cls(frozenset(words), frozenset(stems), tuple(sorted({len(s) for s in stems})))


class _FirstWords:
    """Where a phrase may start in a whole text: its first word at the start of a token, after
    any glued clitics (see ``_splits``), and ending with the token unless it is a stem.

    Every position ``finditer`` can match is found (a phrase's first word is a token core:
    the token after a prefix of the form ``[وف]?[بكل]?(ال|ل)?``), and the token anchors keep
    "زار" from firing inside "وزارة". The substrings are found by an Aho-Corasick automaton
    (``pyahocorasick``, C), ~2x faster than the ``re`` alternation; without it the
    alternation is used unanchored (more false candidates, the same hits in the end).
    """

    def __init__(self, words: set[str], stems: set[str]) -> None:
        self._automaton = None
        if ahocorasick is None:
            return
        automaton = ahocorasick.Automaton()
        for word in words | stems:
            automaton.add_word(word, (len(word), word in stems, _WORD_START.match(word) is None))
        if words or stems:
            automaton.make_automaton()
            self._automaton = automaton

    @property
    def available(self) -> bool:
        return self._automaton is not None

    def starts(self, text: str) -> list[int]:
        assert self._automaton is not None
        out = set()
        for last, (size, stem, loose) in self._automaton.iter(text):
            start = last - size + 1
            if not loose:
                if not stem and last + 1 < len(text) and text[last + 1].isalnum():
                    continue
                token = start
                while token > 0 and start - token <= _MAX_PREFIX and text[token - 1].isalnum():
                    token -= 1
                if token > 0 and text[token - 1].isalnum():
                    continue  # inside a longer word
                if token != start and not _PREFIX.fullmatch(text, token, start):
                    continue
                start = token
            out.add(start)
        return sorted(out)


def _trie_pattern(words: Iterable[str]) -> str:
    """A regex alternation of ``words`` factored by common prefix (``re`` then tries one
    branch per next character instead of every word at every position)."""
    root: dict[str, dict] = {}  # type: ignore[type-arg]
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def render(node: dict[str, dict]) -> str:  # type: ignore[type-arg]
        if "" in node:
            return ""  # a shorter word already matches: a pre-filter needs no more
        parts = [re.escape(char) + render(child) for char, child in sorted(node.items())]
        return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"

    return render(root) if root else ""


def _cores(word: str) -> list[tuple[str, str]]:
    """``Words.cores`` of one word: its clitic readings, or the word alone."""
    return _splits(word) if word[0] in _CLITIC_START and len(word) > 3 else [("", word)]


def _splits(word: str) -> list[tuple[str, str]]:
    """The word, then without a glued و/ف, ب/ك/ل and the article ال (Arabic script only).

    ل + ال is written لل: "للاجتماع" splits as ("لل", "اجتماع").
    """
    out = [("", word)]
    if len(word) < 4 or not "\u0600" <= word[0] <= "\u06ff":  # ``_ARABIC``, without a call
        return out
    prefix, core = "", word
    if core[0] in "وف" and len(core) > 3:
        prefix, core = core[0], core[1:]
        out.append((prefix, core))
    if core[0] in "بكل" and len(core) > 3:
        prefix, core = prefix + core[0], core[1:]
        out.append((prefix, core))
        if prefix.endswith("ل") and core.startswith("ل") and len(core) > 3:
            out.append((prefix + "ل", core[1:]))
    if core.startswith("ال") and len(core) > 4:
        out.append((prefix + "ال", core[2:]))
    return out


def _admitted(entries: list[_Entry[T]], prefix: str) -> tuple[T, ...]:
    kept: list[T] = []
    article = prefix.endswith(("ال", "لل"))
    for entry in entries:
        if article and entry.clitics is not Clitics.NOUN:
            continue
        if entry.after_ll and not prefix.endswith("ل"):
            continue
        if prefix and entry.clitics is Clitics.NONE:
            continue
        if entry.clitics is Clitics.CONJ and prefix not in ("", "و", "ف"):
            continue
        if entry.value not in kept:
            kept.append(entry.value)
    return tuple(kept)


def _forms(
    words: list[str], clitics: Clitics, optional_space: bool
) -> list[tuple[list[str], bool]]:
    """Word sequences an entry matches: definite forms, joined forms, the form after ل."""
    bases = [words]
    arabic = _ARABIC.match(words[0]) is not None
    if clitics is Clitics.NOUN and arabic and len(words) > 1:
        # the article on the first word is read as a clitic (see ``_splits``); later words
        # agree with it: "المحادثة الهاتفية"
        bases.append([w if w.startswith("ال") else "ال" + w for w in words])
    if optional_space and 1 < len(words) <= _MAX_JOINED_WORDS:
        joined = []
        for base in bases:
            for cuts in itertools.product((False, True), repeat=len(base) - 1):
                form = [base[0]]
                for word, join in zip(base[1:], cuts, strict=True):
                    if join:
                        form[-1] += word
                    else:
                        form.append(word)
                joined.append(form)
        bases += joined
    out: list[tuple[list[str], bool]] = []
    seen: set[tuple[str, ...]] = set()
    for base in bases:
        if tuple(base) not in seen:
            seen.add(tuple(base))
            out.append((base, False))
        if clitics is not Clitics.NONE and arabic and base[0].startswith("ال") and len(base[0]) > 3:
            after = [base[0][1:], *base[1:]]
            if tuple(after) not in seen:
                seen.add(tuple(after))
                out.append((after, True))
    return out
