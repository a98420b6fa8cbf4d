"""Candidate sentences of a folded article: the ones holding a contact word.

Sentences are cut on the folded text (same rule as ``agents.normalize.text.split_sentences``:
after . ! ? followed by a space, at line breaks, but not inside numbers like 1.5), only
around the positions where the contact-word pre-filter fired, so an article costs one
pre-filter pass plus one boundary pass. A line that ends in "?" and is short is a headline
or a related-link teaser ("...ما الرسالة؟"), not a report, and is skipped whole.

Unlike ``split_sentences``, a dot closing initials ("U.S.", "U.N.") or a title abbreviation
("Gen.", "Dr.") does not end a sentence: "spoke with U.S. Secretary of State Blinken" is
one sentence (the folded text has lost the capital that would tell "the U.S. The minister"
apart, and joining two sentences costs less than cutting a contact from its counterpart).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agents.events.lexicon import Lexicon

__all__ = ["QUESTION_WORDS", "Segment", "candidate_sentences", "paragraph_span"]

QUESTION_WORDS = 25  # a line ending in "?" with at most this many words is a headline
_INITIALS = re.compile(r"(?:[a-z]\.){2,}")
_TITLE_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "gen",
        "lt",
        "col",
        "maj",
        "capt",
        "adm",
        "sgt",
        "sen",
        "rep",
        "gov",
        "prof",
        "amb",
    ]
)


@dataclass(frozen=True, slots=True)
class Segment:
    """A sentence: folded span ``[start, end)``, its line (paragraph) and order in the article."""

    start: int
    end: int
    paragraph: int
    index: int


def candidate_sentences(folded: str, lexicon: Lexicon) -> list[Segment]:
    """Sentences of ``folded`` that may hold a contact word, in order."""
    hits = lexicon.triggers.candidates(folded)
    if not hits:
        return []
    segments: list[Segment] = []
    last_end = -1
    counted, order, paragraph = 0, 0, 0
    for hit in hits:
        if hit < last_end:
            continue
        start, end = _sentence_start(folded, hit), _sentence_end(folded, hit)
        last_end = end
        while start < end and folded[start] == " ":
            start += 1
        while end > start and folded[end - 1] == " ":
            end -= 1
        line_start = folded.rfind("\n", 0, start) + 1
        line_end = folded.find("\n", end)
        line = folded[line_start : len(folded) if line_end < 0 else line_end]
        if _is_question(folded[start:end]) or _is_question(line):
            continue
        paragraph += folded.count("\n", counted, start)
        order += _order(folded, counted, start)
        counted = start
        segments.append(Segment(start, end, paragraph, order))
    return segments


def _is_boundary(text: str, index: int) -> bool:
    """Whether a sentence ends right after ``text[index]`` (see ``_END``)."""
    char = text[index]
    if char == "\n":
        return True
    after = text[index + 1] if index + 1 < len(text) else " "
    if after.isspace():
        if char != ".":
            return True
        before = text[index - 1] if index else " "
        return not before.isdigit() and not (before.isalpha() and _abbreviation(text, index))
    if char == "." and after.isalpha() and _abbreviation(text, index):
        return False
    return char in ".?!" and not after.isdigit() and after not in ".\"')]"


def _abbreviation(text: str, dot: int) -> bool:
    """Whether the dot at ``dot`` is inside initials ("u.s.") or ends a title ("gen.")."""
    lo, hi = dot, dot + 1
    while lo > 0 and dot - lo < 12 and (text[lo - 1].isalpha() or text[lo - 1] == "."):
        lo -= 1
    while hi < len(text) and hi - dot < 12 and (text[hi].isalpha() or text[hi] == "."):
        hi += 1
    word = text[lo:hi]
    if _INITIALS.fullmatch(word):
        return True
    return hi == dot + 1 and word[:-1] in _TITLE_ABBREVIATIONS


def _sentence_start(text: str, pos: int) -> int:
    index = pos - 1
    while index >= 0:
        index = _last_stop(text, index)
        if index < 0:
            return 0
        if _is_boundary(text, index):
            return index + 1
        index -= 1
    return 0


def _sentence_end(text: str, pos: int) -> int:
    index = pos
    while index < len(text):
        index = _next_stop(text, index)
        if index == len(text):
            return index
        if _is_boundary(text, index):
            return index if text[index] == "\n" else index + 1
        index += 1
    return len(text)


# "!" and "?" are rare: looking for them through the whole article (the nearest one, when
# there is none, is at an end of it) cost more than all else here, so they are looked for
# only between ``index`` and the nearest "." or line break.
def _last_stop(text: str, index: int) -> int:
    """The last of ``.!?`` and line breaks at or before ``index`` (-1 if none)."""
    last = max(text.rfind(".", 0, index + 1), text.rfind("\n", 0, index + 1))
    for char in "!?":
        last = max(last, text.rfind(char, last + 1, index + 1))
    return last


def _next_stop(text: str, index: int) -> int:
    """The first of ``.!?`` and line breaks at or after ``index`` (``len(text)`` if none)."""
    found = [i for i in (text.find(".", index), text.find("\n", index)) if i >= 0]
    first = min(found) if found else len(text)
    for char in "!?":
        at = text.find(char, index, first)
        if at >= 0:
            first = at
    return first


def _order(text: str, start: int, end: int) -> int:
    """Approximate number of sentence ends in ``text[start:end]`` (for "within N sentences"
    distances)."""
    ends = text.count("\n", start, end) + text.count(". ", start, end)
    for mark in "?!":  # rare: a one-character search (fast) rules most out
        if text.find(mark, start, end) >= 0:
            ends += text.count(mark + " ", start, end)
    return ends


def paragraph_span(folded: str, paragraph: int) -> tuple[int, int]:
    """Folded span of line number ``paragraph``."""
    start = 0
    for _ in range(paragraph):
        start = folded.index("\n", start) + 1
    end = folded.find("\n", start)
    return start, len(folded) if end < 0 else end


def _is_question(text: str) -> bool:
    text = text.rstrip(" \"'")
    return text.endswith("?") and len(text.split()) <= QUESTION_WORDS
