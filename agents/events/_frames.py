"""Who contacted whom around each contact word of a sentence (one ``Frame`` per word).

Each contact word owns the stretch of sentence from the previous contact word to the next
one. Inside it the *objects* are the parties after the "with" marker (مع / ب- / با / with),
listed with commas and "and" ("مع إسماعيل هنية، وزياد النخالة" is two), and the *subject*
is the nearest party before them that is not itself after a preposition. Persian puts the
verb last ("X با Y دیدار کرد"), so its marker is searched before the verb. Without a marker,
a transitive verb takes the party right after it ("التقى خامنئي", "met Putin"); in
verb-first Arabic the first party after the verb is the subject. "between X and Y" and a
coordinated subject ("X و Y بحثا") make an undirected, mutual contact.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

from agents.events._sentence import Party, Place, Sentence, Trigger
from agents.events.lexicon import Cue, Lexicon

__all__ = ["Frame", "build_frames", "initiator_hint"]

_LIST = re.compile(r"^[\s,،;\"'()\-–]*(?:و|and|,)?[\s,،\"'()\-–]*$")
_COORD = re.compile(r"^[\s,،\"'()\-–]*(?:و|and)[\s\"'()\-–]*$")
_COORD_WORD = re.compile(r"(?:^|\s)(?:و|and)(?:\s|$)|^\s*و")
_COORD_BEFORE = re.compile(r"(?:^|\s)(?:و|and|then)\s*$")
_MERGE_GAP = 40  # chars between two contact words read as one ("دیدار و گفتگو")
_OBJECT_REACH = 80  # chars from "with" to the first party it introduces
_DIRECT_REACH = 30  # chars from a transitive verb to its object
_GENITIVE_REACH = 2
_VSO_OBJECT_REACH = 70  # from a verb-first subject to the object (a place and day may intervene)
_IRREALIS_REACH = 60
_NEGATION_REACH = 12
_AFTER_REACH = 45
_AFTER_REACH_VERB_FINAL = 15  # Persian: the auxiliary follows the contact word at once
_BETWEEN_REACH = 30


@dataclass(slots=True)
class Frame:
    """The parties of one contact word. ``strength``: 0 undirected, 1 the subject comes
    first by construction ("X in a call with Y"), 2 the word says who called ("X called Y")."""

    trigger: Trigger
    kind: str
    lo: int
    hi: int
    subjects: list[Party] = field(default_factory=list)
    objects: list[Party] = field(default_factory=list)
    mutual: bool = False
    receive: bool = False
    strength: int = 0
    irrealis: bool = False
    background: bool = False
    interview: bool = False
    destinations: list[Place] = field(default_factory=list)
    location: Place | None = None

    @property
    def parties(self) -> list[Party]:
        """Subjects then objects."""
        return [*self.subjects, *(p for p in self.objects if p not in self.subjects)]


def build_frames(s: Sentence, lexicon: Lexicon) -> list[Frame]:
    """One frame per (merged) contact word, in text order."""
    triggers = _merge(s)
    frames: list[Frame] = []
    for index, trig in enumerate(triggers):
        lo = triggers[index - 1].end if index else 0
        hi = triggers[index + 1].start if index + 1 < len(triggers) else len(s.text)
        previous = frames[-1] if frames else None
        frame = _frame(s, lexicon, trig, lo, hi, previous)
        if previous is not None and _restates(previous, frame):
            continue  # Persian "در تماس تلفنی با Y ... گفتگو کرد": one contact, two words
        frames.append(frame)
    return frames


def _restates(previous: Frame, frame: Frame) -> bool:
    same = {id(p) for p in previous.parties} == {id(p) for p in frame.parties}
    return bool(frame.parties) and same and frame.trigger.spec.type in ("talk", previous.kind)


def _merge(s: Sentence) -> list[Trigger]:
    merged: list[Trigger] = []
    rank = {"phone_call": 3, "meeting": 2, "talk": 1}
    for trig in s.triggers:
        prev = merged[-1] if merged else None
        if (
            prev is not None
            and prev.spec.type != "visit"
            and trig.spec.type != "visit"
            and trig.start - prev.end <= _MERGE_GAP
            and not any(prev.end <= p.start < trig.start for p in s.parties)
        ):
            kind = max(prev.spec.type, trig.spec.type, key=lambda k: rank[k])
            verb = prev.spec if prev.spec.pos == "verb" else trig.spec
            spec = dataclasses.replace(
                verb, type=kind, strength=max(prev.spec.strength, trig.spec.strength)
            )
            merged[-1] = Trigger(
                prev.start, trig.end, prev.prefix, spec, prev.definite or trig.definite
            )
        else:
            merged.append(trig)
    return merged


def _frame(
    s: Sentence, lexicon: Lexicon, trig: Trigger, lo: int, hi: int, previous: Frame | None
) -> Frame:
    spec = trig.spec
    kind = spec.type
    if kind == "talk":
        kind = "phone_call" if s.cues_in(lo, hi, Cue.PHONE) else "meeting"
    frame = Frame(trig, kind, lo, hi)
    after_reach = _AFTER_REACH_VERB_FINAL if lexicon.lang == "fa" else _AFTER_REACH
    frame.irrealis = bool(
        s.cues_in(max(lo, trig.start - _IRREALIS_REACH), trig.start, Cue.IRREALIS_BEFORE)
        or s.cues_in(max(lo, trig.start - _NEGATION_REACH), trig.start, Cue.NEGATION_NEAR)
        or s.cues_in(trig.end, min(hi, trig.end + after_reach), Cue.IRREALIS_AFTER)
    )
    frame.background = bool(
        s.cues_in(max(lo, trig.start - 15), trig.start, Cue.PLUPERFECT_BEFORE)
        or s.cues_in(trig.end, min(hi, trig.end + 20), Cue.PLUPERFECT_AFTER)
    )
    inherited = previous.subjects if previous is not None else []
    if kind == "visit":
        _visit(s, lexicon, frame, inherited)
    else:
        _contact(s, lexicon, frame, inherited)
    return frame


def _prepositional(s: Sentence, lexicon: Lexicon, party: Party) -> bool:
    if lexicon.lang == "ar" and party.prefix.rstrip("وف"):
        return True
    before = [c for c in s.cues if c[2] is Cue.PREPOSITION and c[1] <= party.start]
    return bool(before) and not s.gap(before[-1][1], party.start).strip(" ,،\"'")


def _subject(
    s: Sentence, lexicon: Lexicon, lo: int, anchor: int, exclude: list[Party]
) -> Party | None:
    for party in reversed(s.parties):
        inside = lo <= party.start and party.end <= anchor and party not in exclude
        if inside and not _prepositional(s, lexicon, party):
            return party
    return None


def _coordinated(s: Sentence, head: Party, lo: int, exclude: list[Party]) -> list[Party]:
    group = [head]
    for party in reversed(s.parties):
        if party.end <= group[0].start and party.start >= lo and party not in exclude:
            gap = s.gap(party.end, group[0].start)
            if _COORD.match(gap) or (group[0].prefix.startswith("و") and not gap.strip(" ,،")):
                group.insert(0, party)
                continue
            break
    return group


def _list_after(s: Sentence, pos: int, limit: int, reach: int) -> list[Party]:
    out: list[Party] = []
    for party in s.parties:
        if party.start < pos or party.start >= limit:
            continue
        if not out:
            if party.start - pos > reach or s.text.startswith("'s", party.end):
                break  # "called Putin's remarks": a possessive is not the one called
            out.append(party)
        elif _LIST.match(s.gap(out[-1].end, party.start)):
            out.append(party)
        else:
            break
    return out


def _media_follows(s: Sentence, pos: int) -> bool:
    nxt = next((t for t in s.tokens if t.start >= pos), None)
    return (
        nxt is not None
        and nxt.kind in ("media", "agency", "agency_cue")
        and not s.gap(pos, nxt.start).strip(" \"'")
    )


def _contact(s: Sentence, lexicon: Lexicon, frame: Frame, inherited: list[Party]) -> None:
    trig, spec, lo, hi = frame.trigger, frame.trigger.spec, frame.lo, frame.hi
    between = s.cues_in(trig.end, min(hi, trig.end + _BETWEEN_REACH), Cue.BETWEEN) or s.cues_in(
        max(lo, trig.start - _BETWEEN_REACH), trig.start, Cue.BETWEEN
    )
    if between:
        group = _list_after(s, between[0][1], hi, 10)
        frame.subjects, frame.mutual = group, True
        frame.location = _location(s, lexicon, frame)
        return
    received = s.cues_in(max(lo, trig.start - _IRREALIS_REACH), trig.start, Cue.RECEIVE)
    if spec.voice == "receive" or (received and s.cues_in(trig.end, hi, Cue.FROM)):
        sources = s.cues_in(trig.end, hi, Cue.FROM)
        start = sources[0][1] if sources else trig.end  # "received a call from" holds its "from"
        initiator = _list_after(s, start, hi, 10)[:1]
        receiver = _subject(s, lexicon, lo, trig.start, initiator)
        if initiator and receiver is not None:
            frame.subjects, frame.objects, frame.receive, frame.strength = (
                initiator,
                [receiver],
                True,
                2,
            )
        else:
            frame.subjects = [p for p in (receiver, *initiator) if p is not None]
        return
    marker, clitic_party = _marker(s, lexicon, frame)
    if marker is not None and _media_follows(s, marker):
        frame.interview = True
        return
    objects: list[Party] = []
    subject: Party | None = None
    if spec.direct and marker is not None and marker > trig.end:
        # "met US envoy Witkoff, ... familiar with the talks": an object right after the verb
        # comes before any later "with"
        before = _subject(s, lexicon, lo, trig.start, [])
        direct = _list_after(s, trig.end, hi, 4 if spec.needs_object else _DIRECT_REACH)
        if before is not None and direct and direct[0].start < marker:
            marker, clitic_party = None, None
    if clitic_party is not None:
        objects = _list_after(s, clitic_party.start, hi, 0)
    elif marker is not None:
        objects = _list_after(s, marker, trig.start if marker < trig.start else hi, _OBJECT_REACH)
    elif spec.direct:
        if _media_follows(s, trig.end):
            frame.interview = True
            return
        reach = 4 if spec.needs_object else _DIRECT_REACH
        subject = _subject(s, lexicon, lo, trig.start, [])
        shared = inherited and (
            trig.prefix.startswith(("و", "ف")) or _COORD_BEFORE.search(s.gap(lo, trig.start))
        )
        if subject is None and shared:
            objects = _list_after(s, trig.end, hi, reach)  # "X visited Tehran and met Y"
        elif subject is not None:
            objects = _list_after(s, trig.end, hi, reach)
        elif spec.pos == "verb":
            first = _list_after(s, trig.end, hi, _DIRECT_REACH)[:1]
            if first:  # verb-first: "استقبل الرئيس X في قصر ... بدمشق، اليوم، الوزير Y"
                subject = first[0]
                objects = _list_after(s, subject.end, hi, _VSO_OBJECT_REACH)
    elif spec.pos == "noun" and lexicon.lang == "ar":
        # "خلال لقائه نظيره الإيراني": an Arabic noun takes the one met as its genitive
        objects = _list_after(s, trig.end, hi, _GENITIVE_REACH)
    if spec.needs_object and not objects:
        return
    if subject is None:
        anchor = objects[0].start if objects else trig.start
        subject = _subject(s, lexicon, lo, anchor, objects)
    if subject is None and objects and spec.pos == "noun":
        after = [
            p for p in s.parties if p.start >= objects[-1].end and p.end <= hi and p not in objects
        ]
        subject = next((p for p in after if not _prepositional(s, lexicon, p)), None)
        if (
            subject is None
            and len(objects) > 1
            and not _COORD_WORD.search(s.gap(objects[-2].end, objects[-1].start))
        ):
            # "In a call with his Turkish counterpart, Iranian FM Araghchi said": after the
            # fronted phrase, a comma and no "and" begin the main clause and its subject
            subject = objects.pop()
    if subject is None and objects and inherited:
        frame.subjects = list(inherited)
    elif subject is not None:
        frame.subjects = _coordinated(s, subject, lo, objects)
    frame.objects = [p for p in objects if p not in frame.subjects]
    if not frame.subjects and len(frame.objects) >= 2:
        frame.subjects, frame.objects = frame.objects, []  # "لقاء الرئيسين الإيراني والروسي"
    if not frame.objects and (len(frame.subjects) >= 2 or spec.voice == "mutual"):
        frame.mutual = True
    elif frame.objects and frame.subjects:
        frame.strength = spec.strength if spec.pos == "verb" else 1
    frame.location = _location(s, lexicon, frame)


def _marker(s: Sentence, lexicon: Lexicon, frame: Frame) -> tuple[int | None, Party | None]:
    """Position after the "with" word (or the party carrying the ب- clitic), if any."""
    trig, lo, hi = frame.trigger, frame.lo, frame.hi
    withs = [c[1] for c in s.cues_in(lo, hi, Cue.WITH)]
    clitic = [
        p
        for p in s.parties
        if lexicon.with_clitic and trig.end <= p.start < hi and lexicon.with_clitic in p.prefix
    ]
    before = [w for w in withs if w <= trig.start]
    after = [w for w in withs if w >= trig.end]
    if lexicon.lang == "fa":
        if before:
            return max(before), None
        return (min(after), None) if after else (None, None)
    first_after = min(after) if after else None
    if clitic and (first_after is None or clitic[0].start < first_after):
        return None, clitic[0]
    if first_after is not None:
        return first_after, None
    near = [w for w in before if trig.start - w <= 40]
    return (max(near), None) if near else (None, None)


def _location(s: Sentence, lexicon: Lexicon, frame: Frame) -> Place | None:
    """The place named after "in"/"في"/"در" (or written بطهران) nearest the contact word."""
    markers = [c[1] for c in s.cues_in(frame.lo, frame.hi, Cue.LOCATION)]
    found = []
    for place in s.places:
        if not frame.lo <= place.start < frame.hi:
            continue
        marked = any(
            0 <= place.start - m <= 2 and not s.gap(m, place.start).strip() for m in markers
        )
        if marked or (lexicon.lang == "ar" and place.prefix.rstrip("وف") == "ب"):
            found.append(place)
    if not found:
        return None
    return min(found, key=lambda p: abs(p.start - frame.trigger.start))


def _visit(s: Sentence, lexicon: Lexicon, frame: Frame, inherited: list[Party]) -> None:
    trig, lo, hi = frame.trigger, frame.lo, frame.hi
    visitor = _subject(s, lexicon, lo, trig.start, [])
    if visitor is None:
        after = [
            p for p in s.parties if trig.end <= p.start < hi and p.start - trig.end <= _DIRECT_REACH
        ]
        visitor = after[0] if after else None
    if visitor is None and inherited:
        visitor = inherited[0]
    if visitor is not None:
        frame.subjects = [visitor]
    places = [p for p in s.places if lo <= p.start < hi]
    destinations: list[Place] = []
    for cue in s.cues_in(lo, hi, Cue.DESTINATION):
        if lexicon.lang != "fa" and cue[0] < trig.start:
            continue
        first = next((p for p in places if 0 <= p.start - cue[1] <= 2), None)
        if first is not None:
            destinations = _places_from(s, places, first)
            break
    if not destinations and trig.spec.direct:
        start = visitor.end if visitor is not None and visitor.start >= trig.end else trig.end
        first = next((p for p in places if 0 <= p.start - start <= 2), None)
        if first is not None:
            destinations = _places_from(s, places, first)
    frame.destinations = destinations


def _places_from(s: Sentence, places: list[Place], first: Place) -> list[Place]:
    out = [first]
    for place in places:
        if place.start > out[-1].start and _LIST.match(s.gap(out[-1].end, place.start)):
            out.append(place)
    return out


_INITIATOR_REACH = 30


def initiator_hint(s: Sentence) -> tuple[str, str] | None:
    """Who initiated, after "at the request of"/"بمبادرة من"/"به درخواست"/"بدأ من".

    ``("person", id)`` when a known person follows, ``("country", iso)`` when a place, a
    country or an adjective does ("بطلب من طهران", "به درخواست طرف قطری").
    """
    for _, end, cue in s.cues:
        if cue is not Cue.INITIATOR:
            continue
        party = next((p for p in s.parties if 0 <= p.start - end <= _INITIATOR_REACH), None)
        token = next(
            (t for t in s.tokens if 0 <= t.start - end <= _INITIATOR_REACH and t.where), None
        )
        place = next((p for p in s.places if 0 <= p.start - end <= _INITIATOR_REACH), None)
        found = [c for c in (party, token, place) if c is not None]
        if not found:
            continue
        first = min(found, key=lambda c: c.start)
        if first is party and party is not None and party.persons:
            return ("person", party.persons[0].ref)
        if first is place and place is not None and place.country:
            return ("country", place.country)
        if first is token and token is not None and token.where:
            return ("country", token.where)
        if party is not None and party.where:
            return ("country", party.where)
    return None
