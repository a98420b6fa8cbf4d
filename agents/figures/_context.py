"""Where a figure happened and who reported it, read from its sentence.

Location: a known place after a locative preposition ("في غزة", "بغزة", "in the West Bank",
"در غزه"), preferring one right after the figure, then the nearest before it; a place that
is only the actor ("أطلقتها إسرائيل") does not count. Attribution: a known source after a cue
("according to", "بحسب", "به گزارش") or beside a verb of saying, with its adjective or place
("وزارة الصحة الفلسطينية" -> "Palestinian health ministry", "health ministry in Gaza" ->
"Gaza health ministry"). Both are canonical English names from the lexicons, so series keys
do not depend on the article's language.
"""

from __future__ import annotations

from typing import NamedTuple

from agents.figures._lexicon import Hit, Role, bit
from agents.figures._numbers import NumberSpan
from agents.figures._sentence import Sentence

__all__ = ["Source", "attribution", "location", "nearest_source"]

_CATEGORY_ROLES = frozenset({Role.CAT_BEFORE, Role.CAT_AFTER})
_CATEGORIES = bit(*_CATEGORY_ROLES)
_LOCATION = bit(Role.LOCATION)
_SOURCE = bit(Role.SOURCE)
_SAY = bit(Role.SAY)
_ATTR_CUE = bit(Role.ATTR_CUE)
_PREPOSITION = bit(Role.PREPOSITION)


def _located(s: Sentence, start: int, m: Hit) -> bool:
    """A place named after a locative preposition ("في غزة", "بغزة", "in the West Bank")."""
    if start > 0 and s.texts[start - 1] == "the":
        start -= 1
    return "ب" in m.prefix or s.ending(start, Role.PREPOSITION) is not None


def location(s: Sentence, n: NumberSpan, end: int) -> str | None:
    """Where the figure happened: a place after a preposition, nearest the number."""
    if not s.present & _LOCATION:
        return None
    places = s.places()
    for i, m in places:
        if end <= i <= end + NEAR_WORDS and _located(s, i, m):
            return m.value
    for i, m in reversed(places):
        if i + m.length <= n.first and _located(s, i, m):
            return m.value
    for i, m in places:
        if i >= end and _located(s, i, m):
            return m.value
    n_tokens = len(s.texts)
    for i, m in places:
        # A place bound to a toll word: "شهدای غزه", "Gaza death toll". (The place may end
        # the sentence: then no token follows it.)
        after = i + m.length
        if (after < n_tokens and s.masks[after] & _CATEGORIES) or any(
            x.role in _CATEGORY_ROLES for x in s.ends[i]
        ):
            return m.value
    return None


class Source(NamedTuple):
    """A source the sentence quotes, at token ``position``.

    A named tuple, as ``FoundFigure``: a frozen dataclass costs ~2 µs more to build.
    """

    position: int
    name: str
    place: str | None
    cued: bool  # introduced by "according to", "بحسب", "به گزارش"


def attribution(s: Sentence) -> list[Source]:
    """Every known source the sentence quotes, with its canonical English name.

    A source counts after a cue ("according to", "بحسب", "به گزارش") or beside a verb of
    saying ("the ministry said", "أعلنت وزارة الصحة"); elsewhere it is an actor.

    "وزارة الصحة الفلسطينية" -> "Palestinian health ministry", "health ministry in Gaza" ->
    "Gaza health ministry". Only sources in the lexicon are named: a free-text fallback
    ("a tally by news ...", "این وزارتخانه") would put unreadable, unstable strings into
    series points.
    """
    out: list[Source] = []
    if not s.present & _SOURCE:
        return out
    cues = s.present & _ATTR_CUE
    masks = s.masks
    for i in s.hits:
        if not masks[i] & _SOURCE:
            continue
        for m in s.starts[i]:
            if m.role is not Role.SOURCE:
                continue
            modifier, place = _source_modifiers(s, i, m)
            name = m.value
            if modifier and not name.startswith(modifier):
                name = f"{modifier} {name}"
            elif place and not modifier:
                name = f"{place} {name}"
            cued = bool(cues) and any(
                s.ending(j, Role.ATTR_CUE) is not None for j in range(max(i - SAY_WINDOW, 1), i + 1)
            )
            if cued or _speaking(s, i, m):
                out.append(tuple.__new__(Source, (i, name, place, cued)))
    return out


def _speaking(s: Sentence, start: int, m: Hit) -> bool:
    """A verb of saying just before the source (at token ``start``) or in its clause after it.

    After, the window is long because Persian puts the verb last ("وزارت بهداشت غزه روز
    یکشنبه ... اعلام کرد"); it stops at punctuation so a later clause's verb does not count.
    """
    if not s.present & _SAY:
        return False
    masks = s.masks
    if any(masks[k] & _SAY for k in range(max(start - SAY_WINDOW, 0), start)):
        return True
    kinds = s.kinds
    end = start + m.length
    for k in range(end, min(end + SAY_CLAUSE_WORDS, len(kinds))):
        if kinds[k] == "punct":
            return False
        if masks[k] & _SAY:
            return True
    return False


def _source_modifiers(s: Sentence, start: int, m: Hit) -> tuple[str | None, str | None]:
    """An adjective and a place qualifying a source (at token ``start``), on either side."""
    modifier = place = None
    end = start + m.length
    after = s.first(end, Role.MODIFIER)
    if after is not None:
        modifier = after.value
    elif end < len(s.texts) and s.kinds[end] == "word":
        modifier = s.lexicon.modifier(s.texts[end])
    texts = s.texts
    before = start - 1
    for _ in range(2):  # "Gaza's Hamas-run health ministry": a place, then an adjective
        while before >= 1 and texts[before] == "s" and texts[before - 1] == "'":
            before -= 2  # "Gaza's health ministry"
        if before < 0:
            break
        mod = s.ending(before + 1, Role.MODIFIER)
        loc = s.ending(before + 1, Role.LOCATION)
        if mod is not None and modifier is None:
            modifier = mod.value
        if loc is not None and place is None:
            place = loc.value
        hit = mod or loc
        if hit is None:
            break
        before -= hit.length  # the token before the hit
    loc_after = s.first(end, Role.LOCATION)
    if loc_after is None and s.roles(end) & _PREPOSITION:
        loc_after = s.first(end + 1, Role.LOCATION)
    if loc_after is None and after is not None:
        loc_after = s.first(end + after.length, Role.LOCATION)
    if loc_after is not None:
        place = place or loc_after.value
    return modifier, place


def nearest_source(sources: list[Source], position: int) -> tuple[str | None, str | None]:
    if not sources:
        return None, None
    if len(sources) == 1:  # the common case: no ranking to do
        return sources[0].name, sources[0].place
    # A source after an attribution cue speaks for the sentence; otherwise the nearest one.
    best = min(sources, key=lambda src: (not src.cued, abs(src.position - position), src.position))
    return best.name, best.place


NEAR_WORDS = 4
"""Words after a figure searched first for its place ("killed in clashes in Jenin")."""

SAY_WINDOW = 3
"""Words before a source searched for a cue or a verb of saying ("قالت وزارة الصحة")."""

SAY_CLAUSE_WORDS = 10
"""Words after a source searched for a verb of saying, up to punctuation."""
