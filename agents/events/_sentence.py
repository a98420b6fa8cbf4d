"""One candidate sentence as tokens and parties (people and titled offices).

A *party* is a person the knowledge base knows, a title that names an office ("وزير الخارجية
الإيراني", "the Syrian foreign minister"), or both in apposition ("إسماعيل هنية، رئيس المكتب
السياسي لحركة حماس"). Titles attach to the country or organisation written next to them in
either order ("Iranian President", "رئيس وزراء النرويج", "Hamas leader"); a plural title
distributes over a following list ("وزرای خارجه سوریه، لیبی، ترکیه و ژاپن" is four parties).
When a title sits between two names it goes to the one the knowledge base says held that
office, else to the name on the side the language puts titles (Persian after the name,
English before it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from agents.events.knowledge import KnowledgeBase, NameKind, NameRef
from agents.events.lexicon import Cue, Lexicon, Term, TermKind, TriggerSpec

__all__ = ["Party", "Place", "Sentence", "Token", "Trigger", "parse_sentence"]

# Between a title and the person it describes: punctuation only (honorifics are blanked).
_TIGHT = re.compile(r"^[\s,،:\"'()\-–]*$")
# Between a title and its country/organisation: also "of", "'s", "for", "في"...
_LINK = re.compile(r"^[\s,،\"'()\-–]*(?:'s|of the|of|for the|for|in the|at the|في|لدى|در)?[\s\"'()\-–]*$")
# Between list items: commas and "and".
_LIST = re.compile(r"^[\s,،;\"'()\-–]*(?:و|and|,)?[\s,،\"'()\-–]*$")


@dataclass(slots=True)
class Token:
    """A span of the folded sentence with what it is."""

    start: int
    end: int
    prefix: str
    kind: str  # person, org, country, adj, city, title, agency, institution, media, honorific,
    #            country_word, agency_cue
    refs: tuple[NameRef, ...] = ()
    term: Term | None = None

    @property
    def where(self) -> str | None:
        """ISO code / org id for country, adjective, org and country-word tokens."""
        if self.kind in ("country", "adj", "org") and self.refs:
            for ref in self.refs:
                if ref.kind in (NameKind.COUNTRY, NameKind.COUNTRY_ADJ, NameKind.ORG):
                    return ref.ref
        if self.kind == "country_word" and self.term is not None:
            return self.term.value
        return None


@dataclass(slots=True)
class Trigger:
    """A contact word (possibly two merged: "دیدار و گفتگو")."""

    start: int
    end: int
    prefix: str
    spec: TriggerSpec
    definite: bool


@dataclass(slots=True)
class Party:
    """A person and/or office named in the sentence."""

    start: int
    end: int
    prefix: str
    persons: tuple[NameRef, ...] = ()
    office: str | None = None
    where: str | None = None
    counterpart: bool = False
    this_country: bool = False
    offices: list[tuple[str, str | None]] = field(default_factory=list)


@dataclass(slots=True)
class Place:
    """A city or country not part of a title: a location or destination."""

    start: int
    end: int
    prefix: str
    city: str | None
    country: str | None


@dataclass(slots=True)
class Sentence:
    """Everything found in one folded candidate sentence."""

    text: str
    gapview: str
    triggers: list[Trigger]
    parties: list[Party]
    places: list[Place]
    cues: list[tuple[int, int, Cue]]
    tokens: list[Token]

    def gap(self, start: int, end: int) -> str:
        """Text between two positions with honorifics blanked."""
        return self.gapview[start:end] if start < end else ""

    def cues_in(self, start: int, end: int, *kinds: Cue) -> list[tuple[int, int, Cue]]:
        """Cues of the given kinds starting within ``[start, end)``."""
        return [c for c in self.cues if start <= c[0] < end and c[2] in kinds]


def parse_sentence(folded: str, lexicon: Lexicon, kb: KnowledgeBase) -> Sentence:
    """Tokens, triggers, parties and places of one folded sentence."""
    triggers = _triggers(folded, lexicon)
    tokens = _entities(folded, lexicon, kb, [(t.start, t.end) for t in triggers])
    cues = []
    for hit in lexicon.cues.finditer(folded):
        if any(t.start <= hit.start < t.end for t in tokens):
            continue
        cues.extend((hit.start, hit.end, cue) for cue in set(hit.values))
    cues.sort(key=lambda c: (c[0], c[2].value))
    view = list(folded)
    for tok in tokens:
        if tok.kind == "honorific":
            view[tok.start : tok.end] = " " * (tok.end - tok.start)
    sentence = Sentence(folded, "".join(view), triggers, [], [], cues, tokens)
    sentence.parties = _parties(sentence, lexicon, kb)
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


def _triggers(folded: str, lexicon: Lexicon) -> list[Trigger]:
    blocked = [(h.start, h.end) for h in lexicon.blockers.finditer(folded)]
    found = []
    for hit in lexicon.triggers.finditer(folded):
        if any(s <= hit.start < e for s, e in blocked):
            continue
        body = folded[hit.start + len(hit.prefix) : hit.end]
        definite = body.startswith("ال") or (hit.prefix.endswith("ل") and body.startswith("ل"))
        found.append(Trigger(hit.start, hit.end, hit.prefix, hit.values[0], definite))
    return found


_PRIORITY = {NameKind.PERSON: 0, NameKind.PERSON_WEAK: 1, NameKind.ORG: 2, NameKind.COUNTRY: 3,
             NameKind.COUNTRY_ADJ: 4, NameKind.CITY: 5}
_KIND = {NameKind.PERSON: "person", NameKind.PERSON_WEAK: "person", NameKind.ORG: "org",
         NameKind.COUNTRY: "country", NameKind.COUNTRY_ADJ: "adj", NameKind.CITY: "city"}


def _entities(folded: str, lexicon: Lexicon, kb: KnowledgeBase, blocked: list[tuple[int, int]]) -> list[Token]:
    """Names and terms, non-overlapping: leftmost, then longest, wins; tails are re-scanned."""
    raw = _scan(folded, lexicon, kb, 0, len(folded))
    kept: list[Token] = []
    for tok in sorted(raw, key=lambda t: (t.start, -(t.end - t.start))):
        if any(s <= tok.start < e or tok.start <= s < tok.end for s, e in blocked):
            continue
        if kept and tok.start < kept[-1].end:
            if tok.end > kept[-1].end:  # "رئيس الجمهورية|الإسلامية الإيرانية": keep the tail's words
                tail = _scan(folded, lexicon, kb, kept[-1].end, tok.end)
                kept.extend(t for t in tail if t.start >= kept[-1].end)
            continue
        kept.append(tok)
    kept.sort(key=lambda t: t.start)
    return [t for t in kept if _agency_ok(t, kept, folded)]


def _scan(folded: str, lexicon: Lexicon, kb: KnowledgeBase, start: int, end: int) -> list[Token]:
    out = []
    for hit in kb.scan(folded, start, end):
        best = min(hit.values, key=lambda r: _PRIORITY[r.kind])
        refs = tuple(r for r in hit.values if _KIND[r.kind] == _KIND[best.kind])
        out.append(Token(hit.start, hit.end, hit.prefix, _KIND[best.kind], refs))
    for hit in lexicon.terms.finditer(folded, start, end):
        term = hit.values[0]
        out.append(Token(hit.start, hit.end, hit.prefix, term.kind.value, term=term))
    return out


def _agency_ok(tok: Token, tokens: list[Token], folded: str) -> bool:
    """An agency that is also an ordinary word counts only right after "agency"/"وكالة"."""
    if tok.kind != "agency" or tok.term is None or not tok.term.needs_cue:
        return True
    before = folded[max(0, tok.start - 30) : tok.start]
    return any(t.kind == "agency_cue" and tok.start - 30 <= t.start < tok.start for t in tokens) or (
        "به گزارش" in before
    )


@dataclass(slots=True)
class _Desc:
    start: int
    end: int
    office: str | None
    where: str | None
    plural: bool = False
    counterpart: bool = False
    this_country: bool = False
    extra: list[Token] = field(default_factory=list)
    tail: int = 0


def _parties(s: Sentence, lexicon: Lexicon, kb: KnowledgeBase) -> list[Party]:
    descs = []
    for desc in _descriptors(s):
        descs.append(desc)
        for tok in desc.extra:  # a plural title: one office per listed country
            descs.append(_Desc(tok.start, tok.end, desc.office, tok.where, counterpart=desc.counterpart))
        desc.extra = []
    descs.sort(key=lambda d: d.start)
    persons = [t for t in s.tokens if t.kind == "person"]
    attached: dict[int, list[_Desc]] = {}
    free: list[_Desc] = []
    for desc in descs:
        prev = next((p for p in reversed(persons) if p.end <= desc.start), None)
        nxt = next((p for p in persons if p.start >= desc.end), None)
        prev_ok = prev is not None and _TIGHT.match(s.gap(prev.end, desc.start)) is not None
        next_ok = nxt is not None and _TIGHT.match(s.gap(desc.end, nxt.start)) is not None
        choice = None
        if prev_ok and next_ok:
            assert prev is not None and nxt is not None
            fit_prev, fit_next = _fits(desc, prev, kb), _fits(desc, nxt, kb)
            if fit_prev != fit_next:
                choice = prev if fit_prev else nxt
            elif id(prev) in attached:
                choice = nxt
            elif lexicon.lang == "en":
                choice = nxt if "," not in s.gap(desc.end, nxt.start) else prev
            else:
                choice = prev
        elif prev_ok:
            choice = prev
        elif next_ok:
            choice = nxt
        if choice is None:
            free.append(desc)
        else:
            attached.setdefault(id(choice), []).append(desc)
    parties = []
    for person in persons:
        mine = attached.get(id(person), [])
        start = min([person.start, *(d.start for d in mine)])
        end = max([person.end, *(d.end for d in mine)])
        first = min([person, *mine], key=lambda x: x.start)
        party = Party(start, end, person.prefix if first is person else _prefix_at(s, start), person.refs)
        party.offices = [(d.office, d.where) for d in mine if d.office]
        if mine:
            party.office, party.where = mine[0].office, mine[0].where
            party.counterpart = any(d.counterpart for d in mine)
        parties.append(party)
    for desc in free:
        party = Party(desc.start, desc.end, _prefix_at(s, desc.start), (), desc.office, desc.where, desc.counterpart)
        party.this_country = desc.this_country
        parties.append(party)
    parties.sort(key=lambda p: p.start)
    return parties


def _prefix_at(s: Sentence, start: int) -> str:
    return next((t.prefix for t in s.tokens if t.start == start), "")


def _fits(desc: _Desc, person: Token, kb: KnowledgeBase) -> bool:
    for ref in person.refs:
        for office in kb.persons[ref.ref].offices:
            if desc.counterpart:
                if desc.where is None or office.where == desc.where:
                    return True
                continue
            same = office.office == desc.office or (
                desc.office == "leader" and office.office in ("leader", kb.leader_offices.get(office.where, ""))
            )
            if same and (desc.where is None or office.where == desc.where):
                return True
    return False


def _descriptors(s: Sentence) -> list[_Desc]:
    """Titles (and "counterpart" words) with the country/organisation written next to them."""
    items: list[tuple[int, int, str, object]] = [
        (t.start, t.end, t.kind, t) for t in s.tokens if t.kind in ("title", "country", "adj", "org", "country_word", "person")
    ]
    items += [(c[0], c[1], c[2].value, c) for c in s.cues if c[2] in (Cue.COUNTERPART, Cue.THIS_COUNTRY)]
    items.sort(key=lambda i: i[0])
    descs: list[_Desc] = []
    pending: Token | None = None
    last: _Desc | None = None
    for start, end, kind, obj in items:
        if kind in ("title", "counterpart"):
            if kind == "title":
                term = obj.term  # type: ignore[attr-defined]
                desc = _Desc(start, end, term.value, term.where, term.plural)
            else:
                desc = _Desc(start, end, None, None, counterpart=True)
            if pending is not None and _LINK.match(s.gap(pending.end, start)) and desc.where is None:
                desc.where, desc.start = pending.where, pending.start
            pending = None
            desc.tail = desc.end
            descs.append(desc)
            last = desc
        elif kind == "this_country":
            if last is not None and _LINK.match(s.gap(last.end, start)):
                last.this_country, last.end, last.tail = True, end, end
        elif kind == "person":
            if last is not None and last.plural and _LIST.match(s.gap(last.tail, start)):
                last.tail = end
            pending = None
        else:
            tok = obj
            assert isinstance(tok, Token)
            where = tok.where
            if where is None:
                continue
            if last is not None and _LINK.match(s.gap(last.end, start)) and last.where is None:
                last.where, last.end, last.tail = where, end, end
            elif last is not None and last.plural and _LIST.match(s.gap(last.tail, start)):
                last.extra.append(tok)
                last.tail = end
            elif last is not None and last.where == where and _LINK.match(s.gap(last.end, start)):
                last.end, last.tail = end, end
            else:
                pending = tok
                last = None if last is not None and not last.plural else last
    return descs
