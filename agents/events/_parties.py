"""Parties of a sentence: people and titled offices, with their country or organisation.

A *party* is a person the knowledge base knows, a title that names an office ("وزير الخارجية
الإيراني", "the Syrian foreign minister"), or both in apposition ("إسماعيل هنية، رئيس المكتب
السياسي لحركة حماس"). Titles attach to the country or organisation written next to them in
either order ("Iranian President", "رئيس وزراء النرويج", "Hamas leader"); a plural title
distributes over a following list ("وزرای خارجه سوریه، لیبی، ترکیه و ژاپن" is four parties).
When a title sits between two names it goes to the one the knowledge base says held that
office, else to the name on the side the language puts titles (Persian after the name,
English before it); a title naming a country the person never served is another party
("استقبل رئيسي وزير الخارجية الباكستاني").
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from dataclasses import dataclass, field

from agents.events._tokens import Party, Sentence, Token
from agents.events.knowledge import KnowledgeBase
from agents.events.lexicon import Cue, Lexicon

__all__ = ["LINK", "build_parties"]

# Between a title and the person it describes: punctuation only (honorifics are blanked).
_TIGHT = re.compile(r"^[\s,،:\"'()\-–]*(?:خود[\s,،]*)?$")
# Between a title and its country/organisation: also "of", "'s", "for", "في"...
LINK = re.compile(
    r"^[\s,،\"'()\-–]*(?:'s|of the|of|for the|for|in the|at the|في|لدى|در)?[\s\"'()\-–]*$"
)
# Between list items: commas and "and".
_LIST = re.compile(r"^[\s,،;\"'()\-–]*(?:و|and|,)?[\s,،\"'()\-–]*$")


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


def build_parties(s: Sentence, lexicon: Lexicon, kb: KnowledgeBase) -> list[Party]:
    """The parties of a tokenised sentence, in text order."""
    descs = []
    for desc in _descriptors(s):
        descs.append(desc)
        for tok in desc.extra:  # a plural title: one office per listed country
            descs.append(
                _Desc(tok.start, tok.end, desc.office, tok.where, counterpart=desc.counterpart)
            )
        desc.extra = []
    descs.sort(key=lambda d: d.start)
    persons = [t for t in s.tokens if t.kind == "person"]
    attached: dict[int, list[_Desc]] = {}
    free: list[_Desc] = []
    for desc in descs:
        prev = next((p for p in reversed(persons) if p.end <= desc.start), None)
        nxt = next((p for p in persons if p.start >= desc.end), None)
        prev_ok = (
            prev is not None
            and _TIGHT.match(s.gap(prev.end, desc.start)) is not None
            and _may_hold(desc, prev, kb)
            and (id(prev) not in attached or _fits(desc, prev, kb))
        )
        next_ok = (
            nxt is not None
            and _TIGHT.match(s.gap(desc.end, nxt.start)) is not None
            and _may_hold(desc, nxt, kb)
        )
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
    _stack(s, descs, persons, attached, free, kb)
    parties = []
    for person in persons:
        mine = sorted(attached.get(id(person), []), key=lambda d: d.start)
        start = min([person.start, *(d.start for d in mine)])
        end = max([person.end, *(d.end for d in mine)])
        prefix = person.prefix if person.start == start else _prefix_at(s, start)
        party = Party(start, end, prefix, person.refs)
        party.offices = [(d.office, d.where) for d in mine if d.office]
        if mine:
            party.office, party.where = mine[0].office, mine[0].where
            party.counterpart = any(d.counterpart for d in mine)
        parties.append(party)
    for desc in free:
        party = Party(
            desc.start,
            desc.end,
            _prefix_at(s, desc.start),
            (),
            desc.office,
            desc.where,
            desc.counterpart,
        )
        party.this_country = desc.this_country
        parties.append(party)
    parties.sort(key=lambda p: p.start)
    return parties


def _stack(
    s: Sentence,
    descs: list[_Desc],
    persons: list[Token],
    attached: dict[int, list[_Desc]],
    free: list[_Desc],
    kb: KnowledgeBase,
) -> None:
    """Titles written back to back describe the person after the last one: "رئيس مجلس الوزراء
    وزير الخارجية القطري الشيخ محمد" is one man in two offices, both Qatar's. Not across "and"
    ("the prime minister and the foreign minister" may be two people)."""
    owner = {id(d): p for p in persons for d in attached.get(id(p), ())}
    for desc, following in reversed(list(itertools.pairwise(descs))):
        person = owner.get(id(following))
        if (
            person is None
            or all(d is not desc for d in free)
            or person.start < following.end
            or s.gap(desc.end, following.start).strip()
            or _prefix_at(s, following.start).startswith("و")
            or desc.plural
            or desc.counterpart
        ):
            continue
        stacked = dataclasses.replace(desc, where=desc.where or following.where)
        if not _may_hold(stacked, person, kb):
            continue
        free[:] = [d for d in free if d is not desc]
        attached[id(person)].append(stacked)
        owner[id(desc)] = person


def _prefix_at(s: Sentence, start: int) -> str:
    return next((t.prefix for t in s.tokens if t.start == start), s.cue_prefixes.get(start, ""))


def _may_hold(desc: _Desc, person: Token, kb: KnowledgeBase) -> bool:
    """False when the title names a country the person never held office in ("استقبل رئيسي
    وزير الخارجية الباكستاني": the title is another party)."""
    if desc.where is None or desc.where not in kb.countries or desc.counterpart:
        return True
    return any(o.where == desc.where for ref in person.refs for o in kb.persons[ref.ref].offices)


def _fits(desc: _Desc, person: Token, kb: KnowledgeBase) -> bool:
    for ref in person.refs:
        for office in kb.persons[ref.ref].offices:
            if desc.counterpart:
                if desc.where is None or office.where == desc.where:
                    return True
                continue
            same = office.office == desc.office or (
                desc.office == "leader"
                and office.office in ("leader", kb.leader_offices.get(office.where, ""))
            )
            if same and (desc.where is None or office.where == desc.where):
                return True
    return False


def _descriptors(s: Sentence) -> list[_Desc]:
    """Titles (and "counterpart" words) with the country/organisation written next to them."""
    items: list[tuple[int, int, str, object]] = [
        (t.start, t.end, t.kind, t)
        for t in s.tokens
        if t.kind in ("title", "country", "adj", "org", "country_word", "person")
    ]
    items += [
        (c[0], c[1], c[2].value, c) for c in s.cues if c[2] in (Cue.COUNTERPART, Cue.THIS_COUNTRY)
    ]
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
                plural = s.text[start:end].startswith(("نظرا", "همتايان", "counterparts"))
                desc = _Desc(start, end, None, None, plural=plural, counterpart=True)
            if pending is not None and LINK.match(s.gap(pending.end, start)) and desc.where is None:
                desc.where, desc.start = pending.where, pending.start
            pending = None
            desc.tail = desc.end
            descs.append(desc)
            last = desc
        elif kind == "this_country":
            if last is not None and LINK.match(s.gap(last.end, start)):
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
            if last is not None and LINK.match(s.gap(last.end, start)) and last.where is None:
                last.where, last.end, last.tail = where, end, end
            elif last is not None and last.plural and _LIST.match(s.gap(last.tail, start)):
                last.extra.append(tok)
                last.tail = end
            elif last is not None and last.where == where and LINK.match(s.gap(last.end, start)):
                last.end, last.tail = end, end
            else:
                pending = tok
                last = None if last is not None and not last.plural else last
    return descs
