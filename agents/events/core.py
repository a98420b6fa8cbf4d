"""Events stage core: diplomatic contacts (calls, meetings, visits) reported in one article.

Pure: the article, the knowledge base and the lexicons come in, ``EventMention`` records go
out; no clock, no environment, no Faust. The cost is kept low by folding the article once
(vectorised, ``_folding``), one regex pass of all contact words over it (most articles stop
there), and by parsing only the sentences that contain one.

What counts as an event, and why:

- a phone call (CAMEO 041), meeting (040; 044 when it took place in a third country) or
  visit (042) between two identifiable parties: a known person or a titled office holder;
- one contact word with several counterparts is one event per counterpart ("spoke with the
  foreign ministers of Syria, Libya and Japan" is three contacts);
- not planned, requested, expected, denied or negated contacts, not interviews (a call "with
  Reuters"), and not questions (headlines ending in "?");
- the same contact restated later in the article (same parties and type, same
  ``event_key``) is one mention: its sources are merged and the most explicit direction
  wins ("X called Y" over "Y, in the call with X");
- a visit whose visitor the article also reports meeting someone there is told by that
  meeting (the meeting carries the place), so it is not repeated as a visit; a visit told
  as background to another ("had visited before") is not reported.

Direction (calls only; a visit's visitor comes first; meetings are undirected): the word
itself may say who called ("X اتصل بـ Y", "X phoned Y", "Y تلقى اتصالا من X"); otherwise
the subject of "X, in a call with Y" / "X با Y تلفنی گفتگو کرد" comes first; coordinated
subjects and "between X and Y" are undirected, unless the article says on whose initiative
("بمبادرة من", "به درخواست", "at the request of", "بدأ من طهران").
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from agents.events._dates import DateMention, find_dates, resolve_date
from agents.events._frames import Frame, build_frames, initiator_hint
from agents.events._resolve import ArticleContext
from agents.events._segments import Segment, candidate_sentences, paragraph_span
from agents.events._sentence import Party, Sentence, parse_hits, scan_words
from agents.events._sources import paragraph_sources, sentence_sources
from agents.events._surface import Surfaces
from agents.events._terms import Words
from agents.events.knowledge import KnowledgeBase
from agents.events.lexicon import Cue, Lexicon, Lexicons
from streams.records import CAMEO, Actor, Article, EventMention, EventType

__all__ = ["event_key", "extract_events"]

_THIRD_PLACE_CAMEO = "044"
_ANAPHORA_SENTENCES = 4


def event_key(kind: EventType, actors: tuple[Actor, ...]) -> str:
    """Deterministic key of a contact: type and sorted actor ids (same in every language)."""
    return f"{kind.value}:{'|'.join(sorted(a.actor_id for a in actors))}"


@dataclass(slots=True)
class _Unit:
    segment: Segment
    text: str  # the original sentence, quoted as evidence
    sentence: Sentence
    frames: list[Frame]


@dataclass(slots=True)
class _Draft:
    kind: EventType
    actors: tuple[Actor, ...]
    directed: bool
    strength: int
    unit: _Unit
    location: str | None = None
    location_country: str | None = None
    day: date | None = None
    sources: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return event_key(self.kind, self.actors)


def extract_events(article: Article, kb: KnowledgeBase, lexicons: Lexicons) -> list[EventMention]:
    """Every distinct contact the article reports, in order of first mention."""
    lexicon = lexicons.for_article(article)
    folded = lexicons.folder.fold(article.text)
    units = []
    for segment in candidate_sentences(folded.text, lexicon):
        words = Words(folded.text[segment.start : segment.end])
        hits = scan_words(words, lexicon, kb)
        if not hits.triggers:
            continue  # the pre-filter fired inside another word ("وزارة", "spokesman")
        parsed = parse_hits(words, hits, lexicon, kb)
        if parsed.triggers:
            first, last = folded.original_span(segment.start, segment.end)
            units.append(
                _Unit(
                    segment, article.text[first:last].strip(), parsed, build_frames(parsed, lexicon)
                )
            )
    if not units:
        return []
    ctx = ArticleContext(
        article, kb, lexicon, folded.text, [p for u in units for p in u.sentence.parties]
    )
    drafts: list[_Draft] = []
    for unit in units:
        surfaces = Surfaces(article.text, folded, unit.segment.start, unit.sentence, lexicon)
        _read_unit(unit, ctx, lexicon, surfaces, drafts)
    merged = _drop_subsumed_visits(_merge(drafts))
    for draft in merged:
        if not draft.sources:
            para_start, _ = paragraph_span(folded.text, draft.unit.segment.paragraph)
            draft.sources = paragraph_sources(
                folded.text[para_start : draft.unit.segment.start], lexicon
            )
    return [_mention(d, article) for d in merged]


def _read_unit(
    unit: _Unit, ctx: ArticleContext, lexicon: Lexicon, surfaces: Surfaces, drafts: list[_Draft]
) -> None:
    sources = sentence_sources(unit.sentence, ctx.kb)
    hint = initiator_hint(unit.sentence)
    dates: list[DateMention] | None = None
    produced: list[_Draft] = []
    for frame in unit.frames:
        if frame.irrealis or frame.interview or (frame.kind == "visit" and frame.background):
            continue
        actors = _resolve_frame(frame, ctx, surfaces)
        pairs = _pairs(frame, actors)
        if not pairs and not frame.destinations:
            _attach_anaphora(unit, frame, actors, sources, hint, drafts)
            continue
        if dates is None:
            sentence = unit.sentence
            dates = find_dates(sentence.words or sentence.text, lexicon, sentence.date_hits)
        day = _date_for(frame, dates, ctx)
        for pair, directed, strength in pairs:
            draft = _Draft(EventType(frame.kind), pair, directed, strength, unit, day=day)
            draft.sources = list(sources)
            place = frame.location if frame.kind == "meeting" else None
            if place is not None:
                draft.location = place.city or _country_name(ctx, place.country)
                draft.location_country = place.country
            produced.append(draft)
        if frame.kind == "visit":
            produced.extend(_visits(frame, actors, unit, ctx, day, sources, surfaces))
    _inherit_location(produced)
    for draft in produced:
        _apply_hint(draft, hint)
    drafts.extend(produced)


def _resolve_frame(frame: Frame, ctx: ArticleContext, surfaces: Surfaces) -> dict[int, Actor]:
    """Actors of the frame's parties (by ``id(party)``); counterparts take the other's office."""
    actors: dict[int, Actor] = {}
    plain = [p for p in frame.parties if not p.counterpart]
    for party in plain:
        actor = ctx.resolve(party, surfaces.party(party))
        if actor is not None:
            actors[id(party)] = _with_name(actor, party, surfaces)
    other = next((a.role for p in plain if (a := actors.get(id(p))) is not None and a.role), None)
    other_office = _office_key(frame, plain, ctx) or (other.value if other else None)
    for party in frame.parties:
        if party.counterpart:
            actor = ctx.resolve(party, surfaces.party(party), other_office)
            if actor is not None:
                actors[id(party)] = _with_name(actor, party, surfaces)
    return actors


def _with_name(actor: Actor, party: Party, surfaces: Surfaces) -> Actor:
    """An unresolved office holder keeps the name written after the title, if any."""
    if actor.known:
        return actor
    return replace(actor, surface=surfaces.party(party, known=False))


def _office_key(frame: Frame, plain: list[Party], ctx: ArticleContext) -> str | None:
    for party in plain:
        if party.office:
            return party.office
        for pid in ctx.person_ids(party):
            person = ctx.kb.persons[pid]
            if person.offices:
                return ctx.best_office(list(person.offices)).office
    return None


def _pairs(frame: Frame, actors: dict[int, Actor]) -> list[tuple[tuple[Actor, ...], bool, int]]:
    if frame.kind == "visit":
        return []
    subjects = [actors[id(p)] for p in frame.subjects if id(p) in actors]
    objects = [actors[id(p)] for p in frame.objects if id(p) in actors]
    out: list[tuple[tuple[Actor, ...], bool, int]] = []
    if frame.mutual or not objects:
        group = _distinct(subjects + objects)
        for i, first in enumerate(group):
            for second in group[i + 1 :]:
                out.append(((first, second), False, 0))
        return out
    directed = frame.kind == "phone_call" and frame.strength > 0
    for subject in _distinct(subjects):
        for obj in _distinct(objects):
            if obj.actor_id != subject.actor_id:
                out.append(((subject, obj), directed, frame.strength if directed else 0))
    return out


def _distinct(actors: list[Actor]) -> list[Actor]:
    seen: dict[str, Actor] = {}
    for actor in actors:
        seen.setdefault(actor.actor_id, actor)
    return list(seen.values())


def _visits(
    frame: Frame,
    actors: dict[int, Actor],
    unit: _Unit,
    ctx: ArticleContext,
    day: date | None,
    sources: list[str],
    surfaces: Surfaces,
) -> list[_Draft]:
    visitor = next((actors[id(p)] for p in frame.subjects if id(p) in actors), None)
    if visitor is None:
        return []
    out = []
    for place in frame.destinations:
        if place.country is None or place.country == visitor.country:
            continue
        country = ctx.kb.countries[place.country]
        host = Actor(
            surface=surfaces.surface(place.start + len(place.prefix), place.end),
            name=country.name,
            country=country.iso,
            known=True,
            actor_id=f"country:{country.iso}",
        )
        draft = _Draft(
            EventType.VISIT, (visitor, host), True, 1, unit, day=day, sources=list(sources)
        )
        draft.location, draft.location_country = place.city or country.name, country.iso
        out.append(draft)
    return out


def _inherit_location(produced: list[_Draft]) -> None:
    """ "X visited Tehran and met Y": the meeting took place where the visit went."""
    visits = [d for d in produced if d.kind is EventType.VISIT]
    for draft in produced:
        if draft.kind is EventType.MEETING and draft.location is None:
            for visit in visits:
                if visit.actors[0].actor_id in {a.actor_id for a in draft.actors}:
                    draft.location, draft.location_country = visit.location, visit.location_country
                    break


def _country_name(ctx: ArticleContext, iso: str | None) -> str | None:
    return ctx.kb.countries[iso].name if iso in ctx.kb.countries else None


def _date_for(frame: Frame, dates: list[DateMention], ctx: ArticleContext) -> date | None:
    if not dates:
        return None
    nearest = min(dates, key=lambda m: abs((m.start + m.end) / 2 - frame.trigger.start))
    return resolve_date(nearest, ctx.published, ctx.reference)


def _apply_hint(draft: _Draft, hint: tuple[str, str] | None) -> None:
    if hint is None or draft.kind is not EventType.PHONE_CALL:
        return
    kind, value = hint
    match = [
        a for a in draft.actors if (a.actor_id == value if kind == "person" else a.country == value)
    ]
    if len(match) == 1:
        rest = tuple(a for a in draft.actors if a is not match[0])
        draft.actors, draft.directed, draft.strength = (match[0], *rest), True, 3


def _attach_anaphora(
    unit: _Unit,
    frame: Frame,
    actors: dict[int, Actor],
    sources: list[str],
    hint: tuple[str, str] | None,
    drafts: list[_Draft],
) -> None:
    """ "the call"/"هذا اللقاء"/"این دیدار" with at most one party refers to an earlier event."""
    named = list(actors.values())
    if len(named) > 1 or not _is_definite(unit.sentence, frame):
        return
    for draft in reversed(drafts):
        if unit.segment.index - draft.unit.segment.index > _ANAPHORA_SENTENCES:
            return
        if frame.trigger.spec.type != "talk" and draft.kind.value != frame.kind:
            continue  # "the talks" may refer to a call or a meeting; "the call" only to a call
        ids = {a.actor_id for a in draft.actors}
        if named and named[0].actor_id not in ids:
            continue
        draft.sources.extend(s for s in sources if s not in draft.sources)
        _apply_hint(draft, hint)
        return


def _is_definite(s: Sentence, frame: Frame) -> bool:
    trig = frame.trigger
    if trig.definite:
        return True
    before = s.cues_in(max(0, trig.start - 8), trig.start, Cue.DEFINITE)
    return bool(before) and not s.gap(before[-1][1], trig.start).strip()


def _merge(drafts: list[_Draft]) -> list[_Draft]:
    """One draft per event key, first mention first; restatements add sources and direction."""
    by_key: dict[str, _Draft] = {}
    for draft in drafts:
        kept = by_key.get(draft.key)
        if kept is None:
            by_key[draft.key] = draft
            continue
        if draft.strength > kept.strength:
            kept.actors, kept.directed, kept.strength = draft.actors, draft.directed, draft.strength
        kept.sources.extend(s for s in draft.sources if s not in kept.sources)
        kept.day = kept.day or draft.day
        if kept.location is None:
            kept.location, kept.location_country = draft.location, draft.location_country
    return list(by_key.values())


def _drop_subsumed_visits(drafts: list[_Draft]) -> list[_Draft]:
    meetings = [d for d in drafts if d.kind is EventType.MEETING]
    kept = []
    for draft in drafts:
        if draft.kind is EventType.VISIT:
            visitor, host = draft.actors[0].actor_id, draft.location_country
            if any(
                visitor in {a.actor_id for a in m.actors}
                and (
                    m.location_country == host
                    or any(a.country == host for a in m.actors if a.actor_id != visitor)
                )
                for m in meetings
            ):
                continue
        kept.append(draft)
    return kept


def _mention(draft: _Draft, article: Article) -> EventMention:
    cameo = CAMEO[draft.kind]
    countries = [a.country for a in draft.actors]
    if (
        draft.kind is EventType.MEETING
        and draft.location_country
        and all(countries)
        and draft.location_country not in countries
    ):
        cameo = _THIRD_PLACE_CAMEO
    duplicates = (
        tuple(m.doc for m in article.duplicate.matches)
        if article.duplicate.kind != "unique"
        else ()
    )
    return EventMention(
        event_key=draft.key,
        doc=article.doc,
        type=draft.kind,
        cameo=cameo,
        actors=draft.actors,
        directed=draft.directed,
        evidence=draft.unit.text,
        date=draft.day,
        location=draft.location,
        sources=tuple(draft.sources),
        published=article.published,
        fetched_at=article.fetched_at,
        url=article.url,
        lang=article.lang,
        duplicate_of=duplicates,
    )
