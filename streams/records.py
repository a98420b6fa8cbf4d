"""The records backchannel puts on its topics: the contract downstream services rely on.

Every record is a frozen, slotted dataclass with a ``schema_version``. One definition serves
the pure stage cores, the embedded runtime and the Kafka runtime, so the two runtimes cannot
drift apart. Why dataclasses and not ``faust.Record``: cores must not import faust (they run
in the embedded runtime and in benchmarks without it), and agents read raw bytes so that an
undecodable message reaches ``dead-letters`` with its original bytes instead of being dropped
inside Faust's deserializer (see ``streams/codec.py``).

Compatibility rule: fields are only ever added, with a default; a removal or a type change
needs a new ``schema_version`` and a new topic (``tests/unit/streams/test_schemas.py``
guards the published JSON Schemas).

Timestamps are timezone-aware UTC ``datetime``; calendar days are ``date``.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

__all__ = [
    "SCHEMA_VERSION",
    "Actor",
    "Alert",
    "AlertKind",
    "Article",
    "DeadLetter",
    "DuplicateMatch",
    "DuplicateVerdict",
    "Event",
    "EventMention",
    "EventType",
    "FigureCategory",
    "FigureMention",
    "FigureUpdate",
    "Mention",
    "Origin",
    "Qualifier",
    "RawArticle",
    "Role",
    "SeriesPoint",
    "Severity",
]

SCHEMA_VERSION = 1

Origin = Literal["feed", "page", "file", "stdin", "generated"]
"""Where an article came from: a feed entry, a fetched page, a file, stdin, or a benchmark."""


class EventType(enum.StrEnum):
    """Kinds of diplomatic contact, each with its CAMEO code in ``CAMEO``."""

    PHONE_CALL = "phone_call"
    MEETING = "meeting"
    VISIT = "visit"


class Role(enum.StrEnum):
    """Offices an actor can hold; ``OTHER`` is a titled official outside this list."""

    PRESIDENT = "president"
    PRIME_MINISTER = "prime_minister"
    FOREIGN_MINISTER = "foreign_minister"
    SUPREME_LEADER = "supreme_leader"
    PARLIAMENT_SPEAKER = "parliament_speaker"
    SECURITY_COUNCIL_SECRETARY = "security_council_secretary"
    POLITICAL_BUREAU_CHIEF = "political_bureau_chief"
    SECRETARY_GENERAL = "secretary_general"
    MINISTER = "minister"
    SPOKESPERSON = "spokesperson"
    OTHER = "other"


class FigureCategory(enum.StrEnum):
    """What a reported count of people counts."""

    KILLED = "killed"
    WOUNDED = "wounded"
    HOSTAGES = "hostages"
    DISPLACED = "displaced"
    ARRESTED = "arrested"
    OTHER = "other"


class Qualifier(enum.StrEnum):
    """How a figure is hedged: "more than 1,400" is ``MORE_THAN``, "at least" ``AT_LEAST``."""

    EXACT = "exact"
    AT_LEAST = "at_least"
    MORE_THAN = "more_than"
    ABOUT = "about"
    UP_TO = "up_to"


class AlertKind(enum.StrEnum):
    """Novelty alerts. Each is raised once per deterministic alert id."""

    ACTOR_NEW = "actor.new"
    CONTACT_NEW_PAIR = "contact.new_pair"
    EVENT_NEW = "event.new"
    FIGURE_NEW = "figure.new"
    FIGURE_CHANGED = "figure.changed"
    SOURCE_DOWN = "source.down"


class Severity(enum.StrEnum):
    """Alert severities, ordered by ``SEVERITY_RANK``."""

    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.CRITICAL: 2}

CAMEO = {EventType.PHONE_CALL: "041", EventType.MEETING: "040", EventType.VISIT: "042"}
"""Default CAMEO code per event type; a meeting at a third place is ``044``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RawArticle:
    """An article as a connector found it, before any analysis (topic ``articles.raw``).

    ``doc`` is the stable id the connector derived (feed guid, link, file name or content
    hash), so re-fetching the same entry yields the same id. ``fetched_at`` is when the
    connector read it; latency metrics are measured from it.
    """

    doc: str
    text: str
    source: str
    origin: Origin
    fetched_at: datetime
    title: str | None = None
    url: str | None = None
    canonical_url: str | None = None
    author: str | None = None
    lang_hint: str | None = None
    published: datetime | None = None
    feed_url: str | None = None
    schema_version: int = SCHEMA_VERSION


@dataclass(frozen=True, slots=True, kw_only=True)
class DuplicateMatch:
    """One earlier article this one repeats, wholly or in passages."""

    doc: str
    similarity: float
    passages: int = 0
    passage_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class DuplicateVerdict:
    """The near-duplicate stage's finding for one article.

    ``unique``: nothing earlier is similar. ``duplicate_of``: the whole document reprints
    ``matches[0]``. ``contains_copies_of``: some passages repeat earlier articles.
    """

    kind: Literal["unique", "duplicate_of", "contains_copies_of"] = "unique"
    matches: tuple[DuplicateMatch, ...] = ()
    exact: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Article:
    """A normalised article with its language and duplicate verdict (topic ``articles``).

    ``text`` is the cleaned text (boilerplate lines such as related-article links removed,
    Unicode NFC); extraction reads it. ``text_hash`` is a hash of the letter-normalised text,
    used for exact-duplicate detection.
    """

    doc: str
    text: str
    lang: str
    source: str
    origin: Origin
    fetched_at: datetime
    text_hash: str
    title: str | None = None
    url: str | None = None
    published: datetime | None = None
    duplicate: DuplicateVerdict = field(default_factory=DuplicateVerdict)
    schema_version: int = SCHEMA_VERSION


@dataclass(frozen=True, slots=True, kw_only=True)
class Actor:
    """A party to a contact.

    ``name`` is the canonical English name from the actor knowledge base, or ``None`` when the
    text names a titled person the base does not know (``known`` is then ``False``).
    ``surface`` is the text as written. ``actor_id`` is stable across articles and languages:
    the knowledge-base id, or ``role:country/org`` for an unresolved office holder.
    """

    surface: str
    name: str | None = None
    role: Role | None = None
    country: str | None = None
    org: str | None = None
    known: bool = False
    actor_id: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class EventMention:
    """One contact as one article reports it (output of the extraction stage).

    In a directed event (``directed=True``) the initiator is ``actors[0]``. ``event_key`` is
    deterministic over the type and the canonical participants (actor ids, sorted), so every
    article reporting a contact between the same parties yields the same key, in any language;
    the merge stage, partitioned by this key, splits it into dated episodes (``Event.event_id``).
    """

    event_key: str
    doc: str
    type: EventType
    cameo: str
    actors: tuple[Actor, ...]
    directed: bool
    evidence: str
    date: dt.date | None = None
    location: str | None = None
    sources: tuple[str, ...] = ()
    published: datetime | None = None
    fetched_at: datetime | None = None
    url: str | None = None
    lang: str = "und"
    duplicate_of: tuple[str, ...] = ()
    schema_version: int = SCHEMA_VERSION


@dataclass(frozen=True, slots=True, kw_only=True)
class Mention:
    """An article that reported an event or a figure, with the sentence that did."""

    doc: str
    evidence: str
    url: str | None = None
    published: datetime | None = None
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """A contact merged across articles (topic ``events``, key ``event_key``).

    ``event_id`` identifies one episode of contact between the parties (same type, dates
    within the merge window) and is deterministic for a given order of reports.

    ``kind`` is ``event.new`` the first time the id is seen and ``event.updated`` each time a
    further article corroborates it; ``corroboration`` counts distinct reporting articles.
    ``mentions`` holds the first report and the latest ones (``agents.events.merge``'s
    ``MENTIONS_KEPT`` in all), so the record stays bounded however widely a contact is reported.
    """

    event_id: str
    event_key: str
    kind: Literal["event.new", "event.updated"]
    type: EventType
    cameo: str
    actors: tuple[Actor, ...]
    directed: bool
    mentions: tuple[Mention, ...]
    corroboration: int
    date: dt.date | None = None
    location: str | None = None
    sources: tuple[str, ...] = ()
    first_fetched_at: datetime | None = None
    fetched_at: datetime | None = None
    schema_version: int = SCHEMA_VERSION


@dataclass(frozen=True, slots=True, kw_only=True)
class FigureMention:
    """A count of people one article reports (output of the figure stage).

    ``series_key`` names what is counted (category + normalised location/subject), so reports
    of the same toll from different articles and days line up in one series.
    """

    series_key: str
    doc: str
    category: FigureCategory
    value: int
    qualifier: Qualifier
    evidence: str
    subject: str | None = None
    location: str | None = None
    attributed_to: str | None = None
    published: datetime | None = None
    fetched_at: datetime | None = None
    url: str | None = None
    lang: str = "und"
    schema_version: int = SCHEMA_VERSION


@dataclass(frozen=True, slots=True, kw_only=True)
class SeriesPoint:
    """One reported value of a tracked figure."""

    value: int
    qualifier: Qualifier
    doc: str
    published: datetime | None = None
    attributed_to: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class FigureUpdate:
    """A change to a tracked figure series (topic ``figures``, key ``series_key``).

    ``kind``: ``figure.new`` (first report), ``figure.changed`` (a newer report with another
    value), ``figure.corroborated`` (same value again), ``figure.stale`` (an older report that
    arrived late: kept in the series, never reported as a drop).
    """

    series_key: str
    kind: Literal["figure.new", "figure.changed", "figure.corroborated", "figure.stale"]
    category: FigureCategory
    value: int
    qualifier: Qualifier
    series: tuple[SeriesPoint, ...]
    previous: SeriesPoint | None = None
    subject: str | None = None
    location: str | None = None
    fetched_at: datetime | None = None
    schema_version: int = SCHEMA_VERSION


@dataclass(frozen=True, slots=True, kw_only=True)
class Alert:
    """Something the operations team should see (topic ``alerts``, key ``alert_id``).

    ``alert_id`` is derived from the alert's subject only (never from wall-clock time), so a
    replay or a restart raises nothing twice. ``summary`` is English; ``evidence`` keeps the
    original-language sentence. ``labels`` are small, bounded values for Alertmanager routing.
    """

    alert_id: str
    kind: AlertKind
    severity: Severity
    summary: str
    evidence: str = ""
    lang: str = "und"
    links: tuple[str, ...] = ()
    docs: tuple[str, ...] = ()
    labels: tuple[tuple[str, str], ...] = ()
    observed_at: datetime | None = None
    fetched_at: datetime | None = None
    subject_id: str = ""
    schema_version: int = SCHEMA_VERSION


@dataclass(frozen=True, slots=True, kw_only=True)
class DeadLetter:
    """A message a stage could not process (topic ``dead-letters``).

    ``original_base64`` carries the original bytes, base64-encoded so that any bytes survive
    JSON, so nothing is lost: fix the cause and replay them to ``topic``. ``reason`` is a short
    closed-set code (``undecodable``, ``invalid``, ``stage_failed``, ``feed_malformed``, ...)
    fit for a metric label; ``error`` is the full message.
    """

    stage: str
    reason: str
    error_class: str
    error: str
    original_base64: str
    topic: str | None = None
    partition: int | None = None
    offset: int | None = None
    key_base64: str | None = None
    failed_at: datetime | None = None
    schema_version: int = SCHEMA_VERSION
