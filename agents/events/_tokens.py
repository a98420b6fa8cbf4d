"""The pieces of one analysed sentence: tokens, contact words, parties and places."""

from __future__ import annotations

from dataclasses import dataclass, field

from agents.events._terms import TermHit, Words
from agents.events.knowledge import NameKind, NameRef
from agents.events.lexicon import Cue, DateWord, Term, TriggerSpec

__all__ = ["Party", "Place", "Sentence", "Token", "Trigger"]


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
    alt: tuple[NameRef, ...] = ()  # a weak name's ordinary meaning ("السوداني": Sudanese)

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
    cue_prefixes: dict[int, str] = field(default_factory=dict)
    words: Words | None = None
    date_hits: list[TermHit[DateWord]] | None = None  # ``lexicon.dates`` hits in ``words``

    def gap(self, start: int, end: int) -> str:
        """Text between two positions with honorifics blanked."""
        return self.gapview[start:end] if start < end else ""

    def cues_in(self, start: int, end: int, *kinds: Cue) -> list[tuple[int, int, Cue]]:
        """Cues of the given kinds starting within ``[start, end)``."""
        return [c for c in self.cues if start <= c[0] < end and c[2] in kinds]
