"""Figure stage core: reported counts of people (killed, wounded, hostages, ...) in one article.

Pure: article and lexicons in, mentions out; no clock, no I/O. Matching runs on folded text
(``agents.normalize.text.fold``) and every mention quotes the original sentence.

How a number becomes a figure (``_bind``):

1. It must be able to count people (``_sentence.not_a_count``: not a date, year, age, time,
   duration, percentage, ordinal, sum of money, phone number or count of things).
2. A category word follows it, possibly after the people it counts: "9400 قتيل",
   "۲۰ نفر کشته", "15 people were killed". Or
3. a category word precedes it, with at most ``max_gap_words`` (per lexicon) unknown words between
   (the agent in Arabic verb-first clauses: "أسر مقاتلو حماس ما لا يقل عن 239 شخصا"), links
   ("عدد القتلى إلى", "death toll rose to") and a qualifier, and what follows the number is
   people, the end of a clause, or nothing that could be a thing being counted
   ("استهدف 2500 موقع" has no category word; "killed ... 500 fighters" six words away is too far).

A qualifier is read right before the number ("أكثر من", "دست کم", "at least") or right after
its noun ("على الأقل"). In "ما لا يقل عن 9400 قتيل و24000 جريح" the second count, joined by
"و" alone, takes the first's qualifier: the hedge governs the whole coordination.

Speed: only lines whose words include a category trigger are split into sentences and
folded (``_prefilter``), and only sentences with a trigger and a number are analysed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from agents.figures._lexicon import FigureLexicons, Lexicon, Match, Role, load_lexicons
from agents.figures._numbers import NumberSpan
from agents.figures._prefilter import QuickFold
from agents.figures._sentence import Sentence, not_a_count
from agents.normalize.text import fold, split_sentences
from streams.records import Article, FigureCategory, FigureMention, Qualifier

__all__ = ["FigureLexicons", "extract_figures", "load_lexicons", "series_key"]

_NUMBER_LANGS = frozenset({"ar", "fa", "en"})
_CONJUNCTIONS = frozenset({"و", "and", ",", "&"})
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
_CATEGORY_ROLES = frozenset({Role.CAT_BEFORE, Role.CAT_AFTER})
_SUBJECT_ROLES = frozenset({Role.PEOPLE, Role.GROUP, Role.NATIONALITY, Role.OTHERS})
# Words skipped free between a category word and its count; dates are adverbials there
# ("the number killed in the October 7 attack rose to 1,200").
_GAP_FREE = frozenset({Role.LINK, Role.LOCATION, Role.PREPOSITION, Role.QUAL_BEFORE, Role.MONTH})
# What may follow a count bound to a preceding category word: the end of a clause.
_CLAUSE_END = frozenset(
    {Role.PREPOSITION, Role.ATTR_CUE, Role.QUAL_AFTER, Role.LINK, Role.CAT_BEFORE, Role.CAT_AFTER}
)


@dataclass(frozen=True, slots=True)
class _Figure:
    category: FigureCategory
    value: int
    qualifier: Qualifier
    subject: str | None
    location: str | None
    first: int  # token span of the number
    last: int
    end: int  # first token after the figure's own words (number, people, category)
    following: bool  # bound by a category word after the number


def series_key(category: FigureCategory | str, location: str | None, subject: str | None) -> str:
    """The series a figure belongs to: ``category|location|subject``, lower-case, ASCII names.

    Location and subject are the canonical English names from the lexicons, so the same toll
    reported in Arabic, Persian and English lands in one series (``killed|gaza|palestinians``).
    """
    parts = (str(category), location or "", subject or "")
    return "|".join(p.strip().lower().replace(" ", "-") for p in parts)


def extract_figures(article: Article, lexicons: FigureLexicons) -> list[FigureMention]:
    """Every count of people ``article`` reports, in text order, each once per article.

    The same (series, value) reported twice in one article is returned once (the first
    sentence is the evidence). Text in a language without a lexicon is read with all of them.
    """
    lexicon = lexicons.for_lang(article.lang)
    lang = article.lang if article.lang in _NUMBER_LANGS else None
    text = article.text
    if article.title and not text.startswith(article.title):
        text = f"{article.title}\n{text}"
    out: list[FigureMention] = []
    seen: set[tuple[str, int]] = set()
    for sentence in _candidate_sentences(text, lexicon, lexicons.quick_fold):
        analysed = Sentence.from_folded(fold(sentence), lexicon, lang)
        if analysed is None:
            continue
        figures = _figures(analysed)
        attribution = _attribution(analysed) if figures else []
        for fig in figures:
            source, source_place = _nearest(attribution, fig.first)
            location = fig.location or source_place
            key = series_key(fig.category, location, fig.subject)
            if (key, fig.value) in seen:
                continue
            seen.add((key, fig.value))
            out.append(
                FigureMention(
                    series_key=key,
                    doc=article.doc,
                    category=fig.category,
                    value=fig.value,
                    qualifier=fig.qualifier,
                    evidence=sentence,
                    subject=fig.subject,
                    location=location,
                    attributed_to=source,
                    published=article.published,
                    fetched_at=article.fetched_at,
                    url=article.url,
                    lang=article.lang,
                )
            )
    return out


def _candidate_sentences(text: str, lexicon: Lexicon, quick_fold: QuickFold) -> Iterator[str]:
    """Sentences of the lines whose words include a category trigger (see ``_prefilter``).

    ``split_sentences`` splits at line breaks too, so splitting line by line gives the same
    sentences as splitting the whole text.
    """
    quick = quick_fold(text)
    if not lexicon.is_candidate(quick.split()):
        return
    for line, quick_line in zip(text.split("\n"), quick.split("\n"), strict=True):
        if lexicon.is_candidate(quick_line.split()):
            yield from split_sentences(line)


def _figures(s: Sentence) -> list[_Figure]:
    live = [n for n in s.numbers if not_a_count(s, n) is None]
    live_tokens = {i for n in live for i in range(n.first, n.last + 1)}
    dead_tokens = {i for n in s.numbers for i in range(n.first, n.last + 1)} - live_tokens
    out: list[_Figure] = []
    for n in live:
        fig = _bind(s, n, live_tokens, dead_tokens, out[-1] if out else None)
        if fig is not None:
            out.append(fig)
    return out


@dataclass(slots=True)
class _Group:
    """The words right after a number: the people it counts and maybe its category."""

    end: int
    category: str | None = None
    people: bool = False
    group: str | None = None
    nationality: str | None = None
    others: bool = False
    location: str | None = None


def _read_group(s: Sentence, n: NumberSpan) -> _Group:
    """Read the people and category after ``n``.

    Skipped on the way: a partitive ("297 من الفلسطينيين"), auxiliaries ("were", "را"), one
    unknown adjective before people or a category ("3 premature babies died"), and a
    prepositional phrase before a category word (Persian verb-final "۲۰ نفر در غزه کشته").
    """
    g = _Group(end=n.last + 1)
    i = n.last + 1
    adjective = False
    for _ in range(MAX_GROUP_WORDS):
        if i >= len(s.tokens):
            break
        ms = s.starts[i]
        roles = {m.role for m in ms}
        if Role.CAT_AFTER in roles:
            cat = next(m for m in ms if m.role is Role.CAT_AFTER)
            if cat.prefix.startswith(("و", "ف")):
                break  # "43 شخصا وإصابة العشرات": the conjunction opens the next figure
            g.category, i = cat.value, cat.end
            break
        if Role.PARTITIVE in roles and s.roles(i + 1) & _SUBJECT_ROLES and i == n.last + 1:
            i += 1
            continue
        if roles & _SUBJECT_ROLES:
            for m in ms:
                if m.role is Role.GROUP and g.group is None:
                    g.group = m.value
                elif m.role is Role.NATIONALITY and g.nationality is None:
                    g.nationality = m.value
                g.people |= m.role is Role.PEOPLE
                g.others |= m.role is Role.OTHERS
            i = ms[0].end
            continue
        if Role.AUX in roles and i > n.last + 1:
            i = ms[0].end
            continue
        if Role.PREPOSITION in roles:
            j = _phrase_to_category(s, i)
            loc = s.first(i + 1, Role.LOCATION)
            if loc is not None:
                g.location = loc.value
            if j is not None:
                i = j
                continue
            if loc is not None:
                i = loc.end
                continue
        word = s.tokens[i]
        if not roles and not adjective and word.kind == "word" and word.text not in _NOT_ADJECTIVES:
            nxt = s.roles(i + 1)
            if nxt & (_SUBJECT_ROLES | {Role.CAT_AFTER}) and (
                g.people or g.group or g.nationality or nxt & _SUBJECT_ROLES
            ):
                adjective = True
                i += 1
                continue
        break
    g.end = i
    return g


def _phrase_to_category(s: Sentence, i: int) -> int | None:
    """Index of a category word within a prepositional phrase starting at token ``i``."""
    for j in range(i + 1, min(i + 1 + MAX_PHRASE_WORDS, len(s.tokens))):
        if s.tokens[j].kind != "word":
            return None
        if Role.CAT_AFTER in s.roles(j):
            return j
    return None


def _category_before(
    s: Sentence, n: NumberSpan, live_tokens: set[int], dead_tokens: set[int], prev: _Figure | None
) -> str | None:
    """A category word to the left of ``n``, within the gap rules of the module docstring.

    A subset word ("بينهم", "including") in the gap gives the previous figure's category:
    "9400 شهيد، بينهم 3760 طفلا" counts killed children.
    """
    i = n.first - 1
    unknown = 0
    while i >= 0:
        if s.tokens[i].kind == "punct" or i in live_tokens:
            return None
        ms = s.ends[i + 1]
        cat = next((m for m in ms if m.role is Role.CAT_BEFORE), None)
        if cat is not None:
            return cat.value
        if any(m.role is Role.SUBSET for m in ms):
            return str(prev.category) if prev is not None else None
        free = next((m for m in ms if m.role in _GAP_FREE), None)
        if free is not None:
            i = free.start - 1
            continue
        if i in dead_tokens:
            i -= 1  # a date or a duration, not a count
            continue
        unknown += 1
        if unknown > s.lexicon.max_gap_words:
            return None
        i -= 1
    return None


def _ends_clause(s: Sentence, i: int) -> bool:
    if i >= len(s.tokens) or s.tokens[i].kind == "punct" or s.tokens[i].text in _CONJUNCTIONS:
        return True
    ms = s.starts[i]
    if any(m.role in _CLAUSE_END for m in ms):
        return True
    return any(m.prefix.startswith("و") for m in ms)  # "9400 وإصابة ..."


def _bind(
    s: Sentence, n: NumberSpan, live_tokens: set[int], dead_tokens: set[int], prev: _Figure | None
) -> _Figure | None:
    g = _read_group(s, n)
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
    subject = g.group or g.nationality
    if g.others and prev is not None and subject is None:
        subject = prev.subject
    return _Figure(
        category=FigureCategory(category),
        value=int(n.value),
        qualifier=_qualifier(s, n, g.end, prev),
        subject=subject,
        location=g.location or _location(s, n, g.end),
        first=n.first,
        last=n.last,
        end=g.end,
        following=following,
    )


def _coordinated(s: Sentence, prev: _Figure, n: NumberSpan) -> bool:
    """Only a conjunction ("و", "and", a comma) separates the previous figure from ``n``."""
    return prev.end < n.first and all(
        s.tokens[k].text in _CONJUNCTIONS for k in range(prev.end, n.first)
    )


def _qualifier(s: Sentence, n: NumberSpan, end: int, prev: _Figure | None) -> Qualifier:
    before = s.ending(n.first, Role.QUAL_BEFORE)
    if before is not None:
        return Qualifier(before.value)
    after = s.first(end, Role.QUAL_AFTER) or s.first(n.last + 1, Role.QUAL_AFTER)
    if after is not None:
        return Qualifier(after.value)
    if prev is not None and _coordinated(s, prev, n):
        return prev.qualifier  # "ما لا يقل عن 9400 قتيل و24000 جريح"
    return Qualifier.EXACT


def _located(s: Sentence, m: Match) -> bool:
    """A place named after a locative preposition ("في غزة", "بغزة", "in the West Bank")."""
    start = m.start
    if start > 0 and s.tokens[start - 1].text == "the":
        start -= 1
    return "ب" in m.prefix or s.ending(start, Role.PREPOSITION) is not None


def _location(s: Sentence, n: NumberSpan, end: int) -> str | None:
    """Where the figure happened: a place after a preposition, nearest the number."""
    places = [m for ms in s.starts for m in ms if m.role is Role.LOCATION]
    if not places:
        return None
    after = [m for m in places if m.start >= end and m.start - end <= MAX_GROUP_WORDS]
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
        # A place bound to a toll word: "شهدای غزه", "Gaza death toll".
        if any(x.role in _CATEGORY_ROLES for x in s.starts[m.end] if m.end < len(s.tokens)) or any(
            x.role in _CATEGORY_ROLES for x in s.ends[m.start]
        ):
            return m.value
    return None


@dataclass(frozen=True, slots=True)
class _Source:
    position: int
    name: str
    place: str | None
    cued: bool  # introduced by "according to", "بحسب", "به گزارش"


def _attribution(s: Sentence) -> list[_Source]:
    """Every known source named in the sentence, with its canonical English name.

    "وزارة الصحة الفلسطينية" -> "Palestinian health ministry", "health ministry in Gaza" ->
    "Gaza health ministry". Only sources in the lexicon are named: a free-text fallback
    ("a tally by news ...", "این وزارتخانه") would put unreadable, unstable strings into
    series points.
    """
    out: list[_Source] = []
    for ms in s.starts:
        for m in ms:
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
                for j in range(max(m.start - 1, 1), m.start + 1)
            )
            out.append(_Source(m.start, name, place, cued))
    return out


def _source_modifiers(s: Sentence, m: Match) -> tuple[str | None, str | None]:
    """An adjective and a place qualifying a source, on either side of it."""
    modifier = place = None
    after = s.first(m.end, Role.MODIFIER)
    if after is not None:
        modifier = after.value
    elif m.end < len(s.tokens) and s.tokens[m.end].kind == "word":
        modifier = s.lexicon.modifier(s.tokens[m.end].text)
    before = m.start - 1
    while before >= 1 and s.tokens[before].text == "s" and s.tokens[before - 1].text == "'":
        before -= 2  # "Gaza's health ministry"
    if before >= 0:
        ms = s.ends[before + 1]
        mod = next((x for x in ms if x.role is Role.MODIFIER), None)
        loc = next((x for x in ms if x.role is Role.LOCATION), None)
        if mod is not None and modifier is None:
            modifier = mod.value
        if loc is not None:
            place = loc.value
    loc_after = s.first(m.end, Role.LOCATION)
    if loc_after is None and Role.PREPOSITION in s.roles(m.end):
        loc_after = s.first(m.end + 1, Role.LOCATION)
    if loc_after is None and after is not None:
        loc_after = s.first(after.end, Role.LOCATION)
    if loc_after is not None:
        place = place or loc_after.value
    return modifier, place


def _nearest(sources: list[_Source], position: int) -> tuple[str | None, str | None]:
    if not sources:
        return None, None
    # A source after an attribution cue speaks for the sentence; otherwise the nearest one.
    best = min(sources, key=lambda src: (not src.cued, abs(src.position - position), src.position))
    return best.name, best.place


MAX_GROUP_WORDS = 4
"""Words read after a number for its people and category ("15 people have been killed")."""

MAX_PHRASE_WORDS = 4
"""Words of a prepositional phrase skipped before a category word (Persian, verb last)."""
