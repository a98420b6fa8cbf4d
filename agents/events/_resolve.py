"""Turn parties into actors, using what the whole article says.

Three article-level facts decide who an unnamed office holder is and which office a named
person is acting in:

- *introduced people*: those named by a full name somewhere in the article. A short name
  that is also an ordinary word (رئيسي "main", شكري "my thanks") counts only for them, and a
  role-only mention ("وزير الخارجية الإيراني") is first read as an introduced person who held
  that office (news names a person once, then refers to the office).
- *reference day*: the publication day, else the latest full date written in the text.
- *era*: when there is no date at all, the span when every named party was in some office
  (the intersection of their careers). An office holder is then the one covering at least
  ``ERA_SHARE`` of that span; otherwise the office stays unresolved (``known=False``) rather
  than guessed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from agents.events._dates import latest_full_date
from agents.events._sentence import Party
from agents.events.knowledge import (
    HEAD_OF_STATE_OFFICES,
    KnowledgeBase,
    NameKind,
    NameRef,
    Office,
    Person,
    role_of,
)
from agents.events.lexicon import Lexicon
from streams.records import Actor, Article

__all__ = ["ERA_SHARE", "UNRESOLVED_OFFICES", "ArticleContext"]

ERA_SHARE = 0.75
UNRESOLVED_OFFICES = frozenset({"envoy", "commander", "official", "gaza_chief", "spokesperson"})
"""Offices a country fills several times at once (envoys, commanders): never resolved from
the title alone, only from a name."""
_MAX_ERA_DAYS = 6 * 366


class ArticleContext:
    """Article-wide knowledge for resolving parties (built once per article)."""

    def __init__(
        self,
        article: Article,
        kb: KnowledgeBase,
        lexicon: Lexicon,
        folded_text: str,
        parties: Iterable[Party],
    ) -> None:
        self.kb = kb
        self._lexicon = lexicon
        self._folded = folded_text
        self._scanned = False
        self.published = article.published.date() if article.published is not None else None
        self.introduced: set[str] = set()
        self.mentioned: set[str] = set()
        parties = list(parties)
        for party in parties:
            self._note_refs(party.persons)
        self.recent: list[tuple[str, Actor]] = []  # (office, actor) in article order
        self.reference = self.published or latest_full_date(folded_text, lexicon)
        named = {pid for party in parties for pid in self.person_ids(party)}
        self.era = None if self.reference is not None else _era([kb.persons[p] for p in named])

    def _note_refs(self, refs: Iterable[NameRef]) -> None:
        for ref in refs:
            if ref.kind is NameKind.PERSON:
                self.mentioned.add(ref.ref)
                if ref.full:
                    self.introduced.add(ref.ref)

    def scan_article(self) -> None:
        """Find every name in the whole article (done only when the sentences read do not
        settle a weak name or a role-only mention: it costs a pass over all the text)."""
        if not self._scanned:
            self._scanned = True
            for hit in self.kb.scan(self._folded):
                self._note_refs(hit.values)

    def person_ids(self, party: Party) -> list[str]:
        """Candidate people of a party; weak short names only for introduced people."""
        ids = []
        if any(
            r.kind is NameKind.PERSON_WEAK and r.ref not in self.introduced for r in party.persons
        ):
            self.scan_article()
        for ref in party.persons:
            if ref.kind is NameKind.PERSON_WEAK and ref.ref not in self.introduced:
                continue
            if ref.ref not in ids:
                ids.append(ref.ref)
        if len(ids) > 1:
            preferred = [i for i in ids if i in self.introduced]
            ids = preferred or ids
        return ids

    def resolve(self, party: Party, surface: str, other_office: str | None = None) -> Actor | None:
        """The actor a party names, or ``None`` when it names no identifiable office holder."""
        ids = self.person_ids(party)
        offices = [(o, w) for o, w in party.offices if o] or (
            [(party.office, party.where)] if party.office else []
        )
        if party.counterpart and other_office:
            offices = [(other_office, party.where)]
        if ids:
            chosen = self._pick(ids, offices)
            term = self._office_of(chosen, offices)
            return self._note(term.office, _actor(self.kb, surface, chosen, term, None))
        if not offices:
            return None
        office_key, where = offices[0]
        if where is None:
            # "the foreign minister" alone: the last one the article named
            earlier = [a for key, a in reversed(self.recent) if key == office_key]
            return replace(earlier[0], surface=surface) if earlier else None
        office_key = self._leader(office_key, where)
        if office_key in UNRESOLVED_OFFICES:
            return self._note(office_key, _actor(self.kb, surface, None, None, (office_key, where)))
        person, office = self._holder(office_key, where)
        if person is not None and office is not None:
            return self._note(office.office, _actor(self.kb, surface, person, office, None))
        return self._note(office_key, _actor(self.kb, surface, None, None, (office_key, where)))

    def _note(self, office: str, actor: Actor) -> Actor:
        self.recent.append((office, actor))
        return actor

    def _pick(self, ids: list[str], offices: list[tuple[str, str | None]]) -> Person:
        people = [self.kb.persons[i] for i in ids]
        for person in people:
            if any(_matches(o, key, where) for key, where in offices for o in person.offices):
                return person
        if self.reference is not None:
            for person in people:
                if person.offices_on(self.reference):
                    return person
        return people[0]

    def _office_of(self, person: Person, offices: list[tuple[str, str | None]]) -> Office:
        for strict in (True, False):
            fitting = [
                o
                for o in person.offices
                for key, where in offices
                if _matches(o, key, where if strict else None)
            ]
            if fitting:
                return self.best_office(fitting)
        return self.best_office(list(person.offices))

    def best_office(self, offices: list[Office]) -> Office:
        """The office most likely meant: held on the reference day, else in the era, else latest."""
        if self.reference is not None:
            covering = [o for o in offices if o.held_on(self.reference)]
            if covering:
                return covering[-1]
            before = [o for o in offices if o.start <= self.reference]
            if before:
                return before[-1]
        if self.era is not None:
            lo, hi = self.era
            return max(offices, key=lambda o: (o.overlap_days(lo, hi), o.start))
        return offices[-1]

    def _plausible(self, office: Office) -> bool:
        """A term that fits what the article's date or era allows (anything, if neither)."""
        if self.reference is not None:
            return office.held_on(self.reference)
        if self.era is not None:
            return office.overlap_days(*self.era) > 0
        return True

    def _leader(self, office: str, where: str) -> str:
        if office != "leader":
            return office
        if where in self.kb.orgs and self.kb.orgs[where].leader_office:
            return str(self.kb.orgs[where].leader_office)
        return self.kb.leader_offices.get(where, office)

    def _holder(self, office: str, where: str) -> tuple[Person | None, Office | None]:
        keys = [office]
        if office in HEAD_OF_STATE_OFFICES:
            keys += [k for k in HEAD_OF_STATE_OFFICES if k != office]
        for key in keys:
            terms = self.kb.terms(key, where)
            if not terms:
                continue
            named = [(o, p) for o, p in terms if p.id in self.mentioned and self._plausible(o)]
            if not named and self.reference is None and not self._scanned:
                self.scan_article()  # no date to go by: look for the holder named elsewhere
                named = [(o, p) for o, p in terms if p.id in self.mentioned and self._plausible(o)]
            if named:
                return named[-1][1], named[-1][0]
            if self.reference is not None:
                covering = [t for t in terms if t[0].held_on(self.reference)]
                if covering:
                    return covering[-1][1], covering[-1][0]
                return None, None
            if self.era is not None:
                lo, hi = self.era
                span = (hi - lo).days + 1
                best = max(terms, key=lambda t: t[0].overlap_days(lo, hi))
                if best[0].overlap_days(lo, hi) >= ERA_SHARE * span:
                    return best[1], best[0]
            return None, None
        return None, None


def _matches(office: Office, key: str, where: str | None) -> bool:
    return office.office == key and (where is None or office.where == where)


def _actor(
    kb: KnowledgeBase,
    surface: str,
    person: Person | None,
    office: Office | None,
    unresolved: tuple[str, str] | None,
) -> Actor:
    if person is not None and office is not None:
        where = office.where
        return Actor(
            surface=surface,
            name=person.name,
            role=role_of(office.office),
            country=where if where in kb.countries else None,
            org=kb.orgs[where].name if where in kb.orgs else None,
            known=True,
            actor_id=person.id,
        )
    assert unresolved is not None
    key, where = unresolved
    return Actor(
        surface=surface,
        name=None,
        role=role_of(key),
        country=where if where in kb.countries else None,
        org=kb.orgs[where].name if where in kb.orgs else None,
        known=False,
        actor_id=f"role:{key}:{where}",
    )


def _era(people: list[Person]) -> tuple[date, date] | None:
    """The span when all ``people`` were in office (hull of each career), if short enough."""
    if not people:
        return None
    careers = [p.career() for p in people]
    lo = max(start for start, _ in careers)
    ends = [end for _, end in careers if end is not None]
    if not ends:
        return None
    hi = min(ends)
    if hi < lo or (hi - lo).days > _MAX_ERA_DAYS:
        return None
    return lo, hi
