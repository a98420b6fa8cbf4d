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

from dataclasses import dataclass

from agents.figures._lexicon import Match, Role
from agents.figures._numbers import NumberSpan
from agents.figures._sentence import Sentence

__all__ = ["Source", "attribution", "location", "nearest_source"]

_CATEGORY_ROLES = frozenset({Role.CAT_BEFORE, Role.CAT_AFTER})


def _located(s: Sentence, m: Match) -> bool:
    """A place named after a locative preposition ("في غزة", "بغزة", "in the West Bank")."""
    start = m.start
    if start > 0 and s.tokens[start - 1].text == "the":
        start -= 1
    return "ب" in m.prefix or s.ending(start, Role.PREPOSITION) is not None


def location(s: Sentence, n: NumberSpan, end: int) -> str | None:
    """Where the figure happened: a place after a preposition, nearest the number."""
    if Role.LOCATION not in s.present:
        return None
    places = s.places()
    after = [m for m in places if m.start >= end and m.start - end <= NEAR_WORDS]
    for m in after:
        if _located(s, m):
            return m.value
    before = [m for m in places if m.end <= n.first]
    for m in reversed(before):
        if _located(s, m):
            return m.value
    for m in places:
        if m.start >= end and _located(s, m):
            return m.value
    for m in places:
        # A place bound to a toll word: "شهدای غزه", "Gaza death toll". (The place may end
        # the sentence: then no token follows it.)
        if (m.end < len(s.tokens) and not _CATEGORY_ROLES.isdisjoint(s.role_sets[m.end])) or any(
            x.role in _CATEGORY_ROLES for x in s.ends[m.start]
        ):
            return m.value
    return None


@dataclass(frozen=True, slots=True)
class Source:
    """A source the sentence quotes, at token ``position``."""

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
    if Role.SOURCE not in s.present:
        return out
    for i in s.hits:
        for m in s.starts[i]:
            if m.role is not Role.SOURCE:
                continue
            modifier, place = _source_modifiers(s, m)
            name = m.value
            if modifier and not name.startswith(modifier):
                name = f"{modifier} {name}"
            elif place and not modifier:
                name = f"{place} {name}"
            cued = any(
                s.ending(j, Role.ATTR_CUE) is not None
                for j in range(max(m.start - SAY_WINDOW, 1), m.start + 1)
            )
            if cued or _speaking(s, m):
                out.append(Source(m.start, name, place, cued))
    return out


def _speaking(s: Sentence, m: Match) -> bool:
    """A verb of saying just before the source or in its clause after it.

    After, the window is long because Persian puts the verb last ("وزارت بهداشت غزه روز
    یکشنبه ... اعلام کرد"); it stops at punctuation so a later clause's verb does not count.
    """
    if any(Role.SAY in s.roles(k) for k in range(max(m.start - SAY_WINDOW, 0), m.start)):
        return True
    for k in range(m.end, min(m.end + SAY_CLAUSE_WORDS, len(s.tokens))):
        if s.tokens[k].kind == "punct":
            return False
        if Role.SAY in s.roles(k):
            return True
    return False


def _source_modifiers(s: Sentence, m: Match) -> tuple[str | None, str | None]:
    """An adjective and a place qualifying a source, on either side of it."""
    modifier = place = None
    after = s.first(m.end, Role.MODIFIER)
    if after is not None:
        modifier = after.value
    elif m.end < len(s.tokens) and s.tokens[m.end].kind == "word":
        modifier = s.lexicon.modifier(s.tokens[m.end].text)
    before = m.start - 1
    for _ in range(2):  # "Gaza's Hamas-run health ministry": a place, then an adjective
        while before >= 1 and s.tokens[before].text == "s" and s.tokens[before - 1].text == "'":
            before -= 2  # "Gaza's health ministry"
        if before < 0:
            break
        ms = s.ends[before + 1]
        mod = next((x for x in ms if x.role is Role.MODIFIER), None)
        loc = next((x for x in ms if x.role is Role.LOCATION), None)
        if mod is not None and modifier is None:
            modifier = mod.value
        if loc is not None and place is None:
            place = loc.value
        hit = mod or loc
        if hit is None:
            break
        before = hit.start - 1
    loc_after = s.first(m.end, Role.LOCATION)
    if loc_after is None and Role.PREPOSITION in s.roles(m.end):
        loc_after = s.first(m.end + 1, Role.LOCATION)
    if loc_after is None and after is not None:
        loc_after = s.first(after.end, Role.LOCATION)
    if loc_after is not None:
        place = place or loc_after.value
    return modifier, place


def nearest_source(sources: list[Source], position: int) -> tuple[str | None, str | None]:
    if not sources:
        return None, None
    # A source after an attribution cue speaks for the sentence; otherwise the nearest one.
    best = min(sources, key=lambda src: (not src.cued, abs(src.position - position), src.position))
    return best.name, best.place


NEAR_WORDS = 4
"""Words after a figure searched first for its place ("killed in clashes in Jenin")."""

SAY_WINDOW = 3
"""Words before a source searched for a cue or a verb of saying ("قالت وزارة الصحة")."""

SAY_CLAUSE_WORDS = 10
"""Words after a source searched for a verb of saying, up to punctuation."""
