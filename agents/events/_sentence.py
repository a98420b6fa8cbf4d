"""One candidate sentence as tokens: contact words, names, titles, cues and places.

All matchers run in one pass over the sentence's words (``scan_words``, a ``Scanner``).
Names and terms may overlap ("رئيس الجمهورية" and "الجمهورية الإسلامية الإيرانية"): the
leftmost, then longest, wins and the rest of the loser is scanned again, so "الإيرانية"
still names Iran. Parties are then assembled by ``agents.events._parties``.
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass

from agents.events._parties import LINK, build_parties
from agents.events._terms import TermHit, Words
from agents.events._tokens import Party, Place, Sentence, Token, Trigger
from agents.events.knowledge import KnowledgeBase, NameKind, NameRef
from agents.events.lexicon import Cue, DateWord, Lexicon, Term, TriggerSpec

__all__ = [
    "Hits",
    "Party",
    "Place",
    "Sentence",
    "Token",
    "Trigger",
    "parse_hits",
    "parse_sentence",
    "parse_words",
    "scan_words",
]


def parse_sentence(folded: str, lexicon: Lexicon, kb: KnowledgeBase) -> Sentence:
    """Tokens, triggers, parties and places of one folded sentence."""
    return parse_words(Words(folded), lexicon, kb)


@dataclass(frozen=True, slots=True)
class Hits:
    """What each matcher found in one sentence (``scan_words``)."""

    triggers: list[TermHit[TriggerSpec]]
    blockers: list[TermHit[str]]
    names: list[TermHit[NameRef]]
    terms: list[TermHit[Term]]
    cues: list[TermHit[Cue]]
    dates: list[TermHit[DateWord]]


def scan_words(words: Words, lexicon: Lexicon, kb: KnowledgeBase) -> Hits:
    """Contact words, blockers, names, terms, cues and date words of a tokenised sentence,
    in one pass."""
    return Hits(*lexicon.scanner(kb.names).scan(words))


def parse_words(words: Words, lexicon: Lexicon, kb: KnowledgeBase) -> Sentence:
    """``parse_sentence`` of an already tokenised sentence."""
    return parse_hits(words, scan_words(words, lexicon, kb), lexicon, kb)


def parse_hits(words: Words, hits: Hits, lexicon: Lexicon, kb: KnowledgeBase) -> Sentence:
    """``parse_words`` of a sentence already scanned by ``scan_words``."""
    folded = words.text
    trigger_hits, block_hits, name_hits = hits.triggers, hits.blockers, hits.names
    term_hits, cue_hits = hits.terms, hits.cues
    triggers = _triggers(words, trigger_hits, block_hits)
    tokens = _entities(
        words, lexicon, kb, [(t.start, t.end) for t in triggers], name_hits, term_hits
    )
    cues: list[tuple[int, int, Cue]] = []
    prefixes: dict[int, str] = {}
    token_starts = [t.start for t in tokens]  # tokens are sorted and disjoint
    for hit in cue_hits:
        inside = bisect.bisect_right(token_starts, hit.start) - 1
        if inside >= 0 and hit.start < tokens[inside].end:
            continue  # part of a name or term
        # a hit's values are distinct (``_admitted``), so no set is needed
        cues.extend((hit.start, hit.end, cue) for cue in hit.values)
        prefixes[hit.start] = hit.prefix
    cues.sort(key=lambda c: (c[0], c[2]._value_))  # ``_value_``: ``value`` is a slow property
    gapview = folded
    if any(tok.kind == "honorific" for tok in tokens):
        view = list(folded)
        for tok in tokens:
            if tok.kind == "honorific":
                view[tok.start : tok.end] = " " * (tok.end - tok.start)
        gapview = "".join(view)
    sentence = Sentence(
        folded, gapview, triggers, [], [], cues, tokens, prefixes, words, hits.dates
    )
    sentence.parties = build_parties(sentence, lexicon, kb)
    consumed = {(t.start, t.end) for t in tokens if t.kind in ("country", "city", "adj", "org")}
    used = [(p.start, p.end) for p in sentence.parties]
    for tok in tokens:
        if tok.kind not in ("country", "city") or (tok.start, tok.end) not in consumed:
            continue
        if any(s <= tok.start < e for s, e in used):
            continue
        city = next((r.ref for r in tok.refs if r.kind is NameKind.CITY), None)
        country = kb.city_country.get(city) if city else tok.where
        sentence.places.append(Place(tok.start, tok.end, tok.prefix, city, country))
    return sentence


def _triggers(
    words: Words, trigger_hits: list[TermHit[TriggerSpec]], block_hits: list[TermHit[str]]
) -> list[Trigger]:
    folded = words.text
    blocked = [(h.start, h.end) for h in block_hits]
    found = []
    for hit in trigger_hits:
        if any(s <= hit.start < e for s, e in blocked):
            continue
        body = folded[hit.start + len(hit.prefix) : hit.end]
        noun = hit.values[0].pos == "noun"
        article = hit.prefix.endswith(("ال", "لل")) or body.startswith("ال")
        definite = noun and (article or (hit.prefix.endswith("ل") and body.startswith("ل")))
        found.append(Trigger(hit.start, hit.end, hit.prefix, hit.values[0], definite))
    return found


_PRIORITY = {
    NameKind.PERSON: 0,
    NameKind.PERSON_WEAK: 1,
    NameKind.ORG: 2,
    NameKind.COUNTRY: 3,
    NameKind.COUNTRY_ADJ: 4,
    NameKind.CITY: 5,
}
_KIND = {
    NameKind.PERSON: "person",
    NameKind.PERSON_WEAK: "person",
    NameKind.ORG: "org",
    NameKind.COUNTRY: "country",
    NameKind.COUNTRY_ADJ: "adj",
    NameKind.CITY: "city",
}


def _entities(
    words: Words,
    lexicon: Lexicon,
    kb: KnowledgeBase,
    blocked: list[tuple[int, int]],
    name_hits: list[TermHit[NameRef]],
    term_hits: list[TermHit[Term]],
) -> list[Token]:
    """Names and terms, non-overlapping: leftmost, then longest, wins; tails are re-scanned."""
    folded = words.text
    raw = _tokens(words, kb, name_hits, term_hits, len(folded))
    kept: list[Token] = []
    for tok in sorted(raw, key=lambda t: (t.start, -(t.end - t.start))):
        if any(s <= tok.start < e or tok.start <= s < tok.end for s, e in blocked):
            continue
        if kept and tok.start < kept[-1].end:
            last = kept[-1]
            if (
                tok.end > last.end
                and tok.kind == last.kind == "person"
                and set(tok.refs) & set(last.refs)
            ):
                last.end = tok.end  # "Sheikh Tamim" + "Tamim bin Hamad Al Thani": one name
                continue
            if (
                tok.end > kept[-1].end
            ):  # "رئيس الجمهورية|الإسلامية الإيرانية": keep the tail's words
                tail = _scan(words, lexicon, kb, kept[-1].end, tok.end)
                kept.extend(t for t in tail if t.start >= kept[-1].end)
            continue
        kept.append(tok)
    kept.sort(key=lambda t: t.start)
    for before, tok in itertools.pairwise(kept):
        if tok.alt and before.kind == "title" and LINK.match(folded[before.end : tok.start]):
            tok.kind, tok.refs, tok.alt = (
                _KIND[tok.alt[0].kind],
                tok.alt,
                (),
            )  # "وزير الخارجية السوداني"
    return [t for t in kept if _agency_ok(t, kept, folded)]


def _scan(words: Words, lexicon: Lexicon, kb: KnowledgeBase, start: int, end: int) -> list[Token]:
    return _tokens(
        words,
        kb,
        list(kb.scan(words, start, end)),
        list(lexicon.terms.finditer(words, start, end)),
        end,
    )


def _tokens(
    words: Words,
    kb: KnowledgeBase,
    name_hits: list[TermHit[NameRef]],
    term_hits: list[TermHit[Term]],
    end: int,
) -> list[Token]:
    out = []
    for hit in name_hits:
        if len(hit.values) == 1:  # most names mean one thing: the loop below, shortened
            ref = hit.values[0]
            if ref.kind is NameKind.PERSON:
                hit = _longest_person(words, kb, hit, end)
            out.append(Token(hit.start, hit.end, hit.prefix, _KIND[ref.kind], hit.values))
            continue
        if any(r.kind is NameKind.PERSON for r in hit.values):
            hit = _longest_person(words, kb, hit, end)
        best = min(hit.values, key=lambda r: _PRIORITY[r.kind])
        refs = tuple(r for r in hit.values if _KIND[r.kind] == _KIND[best.kind])
        alt = tuple(
            r
            for r in hit.values
            if r.kind in (NameKind.COUNTRY, NameKind.COUNTRY_ADJ, NameKind.ORG)
        )
        if best.kind is not NameKind.PERSON_WEAK:
            alt = ()
        out.append(Token(hit.start, hit.end, hit.prefix, _KIND[best.kind], refs, alt=alt))
    for term_hit in term_hits:
        term = term_hit.values[0]
        out.append(Token(term_hit.start, term_hit.end, term_hit.prefix, term.kind.value, term=term))
    return out


def _longest_person(
    words: Words, kb: KnowledgeBase, hit: TermHit[NameRef], end: int
) -> TermHit[NameRef]:
    """Extend "Sheikh Tamim" to "Sheikh Tamim bin Hamad Al Thani" when a longer variant of the
    same person starts inside the match (a non-overlapping scan would skip it)."""
    ids = {r.ref for r in hit.values}
    first = bisect.bisect_right(words.starts, hit.start)
    for index in range(first, len(words.starts)):
        if words.starts[index] >= hit.end:
            break
        if not kb.names.starts_phrase(words.words[index]):
            continue
        inner = kb.names.match_at(words, index, end)
        if inner is not None and inner.end > hit.end and ids & {r.ref for r in inner.values}:
            return TermHit(hit.start, inner.end, hit.prefix, hit.values)
    return hit


def _agency_ok(tok: Token, tokens: list[Token], folded: str) -> bool:
    """An agency that is also an ordinary word counts only right after "agency"/"وكالة"."""
    if tok.kind != "agency" or tok.term is None or not tok.term.needs_cue:
        return True
    before = folded[max(0, tok.start - 30) : tok.start]
    return any(
        t.kind in ("agency_cue", "agency") and tok.start - 30 <= t.start < tok.start for t in tokens
    ) or ("به گزارش" in before)
