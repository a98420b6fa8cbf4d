"""How a number in a sentence becomes a figure: its category, qualifier, subject and place.

1. It must be able to count people (``_sentence.not_a_count``: not a date, year, age, time,
   duration, percentage, ordinal, sum of money, phone number or count of things).
2. A category word follows it, possibly after the people it counts: "9400 قتيل",
   "۲۰ نفر کشته", "15 people were killed", past an aside ("10,000 people, including 4,000
   children, have been killed") or, in Persian, a prepositional phrase. Or
3. a category word precedes it, with at most ``max_gap_words`` (per lexicon) unknown words
   between (the agent in Arabic verb-first clauses: "أسر مقاتلو حماس ما لا يقل عن 239
   شخصا"), links ("عدد القتلى"), dates and a qualifier; a "reach" word right before the
   count ("rose to", "إلى") lets a toll noun stand further back. What follows the count must
   then be people or the end of a clause, so "killed ... 500 fighters" six words away or
   "استهدف 2500 موقع" are not figures.

A qualifier is read right before the number ("أكثر من", "دست کم", "at least") or right after
its noun ("على الأقل"). In "ما لا يقل عن 9400 قتيل و24000 جريح" the second count, joined by
"و" alone, takes the first's qualifier: the hedge governs the whole coordination. A count
joined that way with people but no category of its own takes the previous category too
("بينهم 3760 طفلا و2326 سيدة"). Counts of captives being freed are not counts of people held,
and rates ("91 Americans a day") are not tolls.
"""

from __future__ import annotations

from typing import NamedTuple

from agents.figures._context import location
from agents.figures._lexicon import Role, bit
from agents.figures._numbers import NumberSpan
from agents.figures._sentence import Sentence, not_a_count
from streams.records import FigureCategory, Qualifier

__all__ = ["FoundFigure", "find_figures"]

_CONJUNCTIONS = frozenset({"و", "and", ",", "&"})
_ASIDES = frozenset({",", "-", "("})
_CLAUSE_MARKS = frozenset({".", ";", ":", "!", "?"})
# Function words that are never the one adjective skipped after a count.
_NOT_ADJECTIVES = frozenset(
    {
        "و",
        "and",
        "or",
        "but",
        "while",
        "then",
        "as",
        "او",
        "ثم",
        "بينما",
        "لكن",
        "ولكن",
        "اما",
        "يا",
        "كما",
        "ولي",
    }
)
_HELD = frozenset({"hostages", "arrested"})
_CAT_AFTER = bit(Role.CAT_AFTER)
_SUBJECT_ROLES = bit(Role.PEOPLE, Role.GROUP, Role.NATIONALITY, Role.OTHERS)
_SUBJECT_OR_CATEGORY = _SUBJECT_ROLES | _CAT_AFTER
_PARTITIVE = bit(Role.PARTITIVE)
_AUX = bit(Role.AUX)
_PREPOSITION = bit(Role.PREPOSITION)
_RATE = bit(Role.RATE)
_RELEASE = bit(Role.RELEASE)
# Enum lookups by value: calling ``FigureCategory(value)`` costs ~1.5 µs, a dict ~0.05 µs.
_CATEGORIES = {c.value: c for c in FigureCategory}
_QUALIFIERS = {q.value: q for q in Qualifier}
# Words skipped free between a category word and its count; dates are adverbials there
# ("the number killed in the October 7 attack rose to 1,200").
_GAP_FREE = frozenset(
    {Role.LINK, Role.REACH, Role.LOCATION, Role.PREPOSITION, Role.QUAL_BEFORE, Role.MONTH}
)
# What may follow a count bound to a preceding category word: the end of a clause.
_CLAUSE_END = bit(
    Role.PREPOSITION, Role.ATTR_CUE, Role.QUAL_AFTER, Role.LINK, Role.CAT_BEFORE, Role.CAT_AFTER
)


class FoundFigure(NamedTuple):
    """A figure read from a sentence, before the article's fields are added.

    A named tuple, as ``Token``: built for every figure, and a frozen dataclass costs ~5 µs.
    """

    category: FigureCategory
    value: int
    qualifier: Qualifier
    subject: str | None
    location: str | None
    first: int  # token span of the number
    last: int
    end: int  # first token after the figure's own words (number, people, category)
    following: bool  # bound by a category word after the number


def find_figures(s: Sentence) -> list[FoundFigure]:
    """Every figure in the analysed sentence ``s``, left to right (module docstring)."""
    live: list[NumberSpan] = []
    live_tokens: set[int] = set()
    dead_tokens: set[int] = set()  # numbers never overlap: no token is both
    for n in s.numbers:
        if not_a_count(s, n) is None:
            live.append(n)
            tokens = live_tokens
        else:
            tokens = dead_tokens
        if n.first == n.last:  # most numbers are one token: no range to build
            tokens.add(n.first)
        else:
            tokens.update(range(n.first, n.last + 1))
    if not live:
        return []
    out: list[FoundFigure] = []
    for n in live:
        fig = _bind(s, n, live_tokens, dead_tokens, out[-1] if out else None)
        if fig is not None:
            out.append(fig)
    return out


class _Group(NamedTuple):
    """The words right after a number: the people it counts and maybe its category."""

    end: int
    category: str | None
    people: bool
    group: str | None
    nationality: str | None
    others: bool
    location: str | None


def _read_group(s: Sentence, n: NumberSpan) -> _Group:
    """Read the people and category after ``n``.

    Skipped on the way: a partitive ("297 من الفلسطينيين"), auxiliaries ("were", "را"), one
    unknown adjective before people or a category ("3 premature babies died"), and a
    prepositional phrase before a category word (Persian verb-final "۲۰ نفر در غزه کشته").
    """
    category = group = nationality = place = None
    people = others = adjective = False
    i = n.last + 1
    n_tokens = len(s.texts)
    for _ in range(MAX_GROUP_WORDS):
        if i >= n_tokens:
            break
        ms = s.starts[i]
        roles = s.masks[i]
        if roles & _CAT_AFTER:
            cat = ms[0]
            for cat in ms:  # the first of the role (the mask says there is one)
                if cat.role is Role.CAT_AFTER:
                    break
            if cat.prefix.startswith(("و", "ف")):
                break  # "43 شخصا وإصابة العشرات": the conjunction opens the next figure
            category, i = cat.value, i + cat.length
            break
        if roles & _PARTITIVE and s.roles(i + 1) & _SUBJECT_ROLES and i == n.last + 1:
            i += 1
            continue
        if roles & _SUBJECT_ROLES:
            for m in ms:
                if m.role is Role.GROUP and group is None:
                    group = m.value
                elif m.role is Role.NATIONALITY and nationality is None:
                    nationality = m.value
                people |= m.role is Role.PEOPLE
                others |= m.role is Role.OTHERS
            i += ms[0].length
            continue
        if roles & _AUX:
            i += ms[0].length
            continue
        if roles & _PREPOSITION:
            j = _phrase_to_category(s, i)
            loc = s.first(i + 1, Role.LOCATION)
            if loc is not None:
                place = loc.value
            if j is not None:
                i = j
                continue
            break  # "kills 3 in West Bank raid": the clause goes on without a category
        text = s.texts[i]
        if text in _ASIDES and (people or group or nationality):
            j = _after_aside(s, i)
            aside = s.first(j, Role.CAT_AFTER) if j is not None else None
            if aside is not None and j is not None:
                category, i = aside.value, j + aside.length
                break
        if not roles and not adjective and s.kinds[i] == "word" and text not in _NOT_ADJECTIVES:
            nxt = s.roles(i + 1)
            if nxt & _SUBJECT_OR_CATEGORY and (
                people or group or nationality or nxt & _SUBJECT_ROLES
            ):
                adjective = True
                i += 1
                continue
        break
    return tuple.__new__(_Group, (i, category, people, group, nationality, others, place))


def _after_aside(s: Sentence, i: int) -> int | None:
    """The category word right after an aside opened at token ``i`` ("," or "-"), if any."""
    texts = s.texts
    mark = texts[i]
    for j in range(i + 1, min(i + 1 + MAX_PARENTHESIS_WORDS, len(texts))):
        if texts[j] == mark:
            k = j + 1
            while k < len(texts) and s.roles(k) & _AUX:
                k += 1
            return k if s.roles(k) & _CAT_AFTER else None
        if texts[j] in _CLAUSE_MARKS:
            return None
    return None


def _phrase_to_category(s: Sentence, i: int) -> int | None:
    """Index of a category word within a prepositional phrase starting at token ``i``."""
    for j in range(i + 1, min(i + 1 + MAX_PHRASE_WORDS, len(s.texts))):
        if s.kinds[j] != "word":
            return None
        if s.masks[j] & _CAT_AFTER:
            return j
    return None


def _category_before(
    s: Sentence,
    n: NumberSpan,
    live_tokens: set[int],
    dead_tokens: set[int],
    prev: FoundFigure | None,
) -> str | None:
    """A category word to the left of ``n``, within the gap rules of the module docstring.

    A subset word ("بينهم", "including") in the gap gives the previous figure's category:
    "9400 شهيد، بينهم 3760 طفلا" counts killed children.
    """
    i = n.first - 1
    unknown = 0
    limit = s.lexicon.max_gap_words
    qualifier = s.ending(n.first, Role.QUAL_BEFORE)
    if s.ending(n.first - qualifier.length if qualifier else n.first, Role.REACH) is not None:
        # "the death toll from the quake rose to 2,000": a toll noun, then its verb.
        limit = max(limit, MAX_REACH_GAP_WORDS)
    texts, kinds, ends = s.texts, s.kinds, s.ends
    while i >= 0:
        if i in live_tokens:
            return None
        if kinds[i] == "punct":
            text = texts[i]
            if text == "'" or (text == "." and s.ending(i, Role.MONTH) is not None):
                i -= 1  # "Saturday's", "Oct. 7"
                continue
            return None
        ms = ends[i + 1]
        if ms:  # most words end no entry
            # One pass, in the rules' order of precedence: a category word, a subset word,
            # then the first (longest) entry skipped free.
            subset = False
            free = None
            for m in ms:
                role = m.role
                if role is Role.CAT_BEFORE:
                    return m.value
                if role is Role.SUBSET:
                    subset = True
                elif free is None and role in _GAP_FREE:
                    free = m
            if subset:
                return str(prev.category) if prev is not None else None
            if free is not None:
                i -= free.length  # the token before the entry
                continue
        if i in dead_tokens:
            i -= 1  # a date or a duration, not a count
            continue
        unknown += 1
        if unknown > limit:
            return None
        i -= 1
    return None


def _ends_clause(s: Sentence, i: int) -> bool:
    if i >= len(s.texts) or s.kinds[i] == "punct" or s.texts[i] in _CONJUNCTIONS:
        return True
    if s.masks[i] & _CLAUSE_END:
        return True
    return any(m.prefix.startswith("و") for m in s.starts[i])  # "9400 وإصابة ..."


def _bind(
    s: Sentence,
    n: NumberSpan,
    live_tokens: set[int],
    dead_tokens: set[int],
    prev: FoundFigure | None,
) -> FoundFigure | None:
    g = _read_group(s, n)
    if s.present & _RATE and any(s.roles(k) & _RATE for k in range(n.last + 1, g.end + 1)):
        return None  # "kills 91 Americans a day", "۵۰ نفر در روز کشته": a rate
    following = g.category is not None
    category = g.category
    if category is None:
        has_people = g.people or g.group or g.nationality or g.others
        if not has_people and not _ends_clause(s, g.end):
            return None
        if prev is not None and has_people and _coordinated(s, prev, n):
            category = str(prev.category)  # "3760 طفلا و2326 سيدة"
        else:
            category = _category_before(s, n, live_tokens, dead_tokens, prev)
        if category is None:
            return None
    if category in _HELD and s.present & _RELEASE and _released(s, n, g.end):
        return None  # "الإفراج عن 24 رهينة": freed, no longer held
    subject = g.group or g.nationality
    if g.others and prev is not None and subject is None:
        subject = prev.subject
    figure = (
        _CATEGORIES.get(category) or FigureCategory(category),
        int(n.value),
        _qualifier(s, n, g.end, prev),
        subject,
        g.location or location(s, n, g.end),
        n.first,
        n.last,
        g.end,
        following,
    )
    return tuple.__new__(FoundFigure, figure)


def _released(s: Sentence, n: NumberSpan, end: int) -> bool:
    """A release word shortly before the count or after its words, in the same clause.

    Before: "released 4 hostages", "الإفراج عن 24 رهينة"; after: "4 hostages were
    released", "۲۴ گروگان را آزاد کرد" (Persian puts the verb last).
    """
    texts = s.texts
    for i in range(n.first - 1, max(n.first - 1 - MAX_GROUP_WORDS, -1), -1):
        if texts[i] in _CLAUSE_MARKS:
            break
        if any(m.role is Role.RELEASE for m in s.ends[i + 1]):
            return True
    for i in range(end, min(end + MAX_GROUP_WORDS, len(texts))):
        if texts[i] in _CLAUSE_MARKS:
            break
        if s.masks[i] & _RELEASE:
            return True
    return False


def _coordinated(s: Sentence, prev: FoundFigure, n: NumberSpan) -> bool:
    """Only a conjunction ("و", "and", a comma) separates the previous figure from ``n``."""
    return prev.end < n.first and all(s.texts[k] in _CONJUNCTIONS for k in range(prev.end, n.first))


def _qualifier(s: Sentence, n: NumberSpan, end: int, prev: FoundFigure | None) -> Qualifier:
    before = s.ending(n.first, Role.QUAL_BEFORE)
    if before is not None:
        return _QUALIFIERS.get(before.value) or Qualifier(before.value)
    after = s.first(end, Role.QUAL_AFTER) or s.first(n.last + 1, Role.QUAL_AFTER)
    if after is not None:
        return _QUALIFIERS.get(after.value) or Qualifier(after.value)
    if prev is not None and _coordinated(s, prev, n):
        return prev.qualifier  # "ما لا يقل عن 9400 قتيل و24000 جريح"
    return Qualifier.EXACT


MAX_GROUP_WORDS = 4
"""Words read after a number for its people and category ("15 people have been killed")."""

MAX_REACH_GAP_WORDS = 6
"""Unknown words allowed after a toll word when a "reach" word ("rose to", "إلى") ends the gap."""

MAX_PARENTHESIS_WORDS = 8
"""Words of an aside skipped between a count and its category ("10,000 people, including
4,000 children, have been killed")."""

MAX_PHRASE_WORDS = 8
"""Words of a prepositional phrase skipped before a category word (Persian, verb last)."""
