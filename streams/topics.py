"""Topic names and what each one carries; the single source of truth for both runtimes.

Keys decide partitioning, so each is chosen for the state that consumes it:

================  ===============  ============================================================
topic             key              why this key
================  ===============  ============================================================
articles.raw      doc id           spreads articles evenly; one article's hops stay in order
articles          doc id           idem; consumed by extraction agents (stateless)
dedup.bands       band partition   each band bucket's index lives in exactly one partition
dedup.hits        doc partition    gathers one article's band hits in one place to decide
events.mentions   event id         one table owns each merged event
events            event id         downstream: all updates of one event are ordered
figures.mentions  series key       one table owns each tracked figure series
figures           series key       downstream: a series' updates are ordered
novelty.actors    actor id         first-seen checks for an actor happen in one partition
novelty.pairs     pair id          first-contact checks for a pair happen in one partition
alerts            alert id         downstream; replays of an alert land on the same partition
dead-letters      original key     keeps a poison message next to its siblings for replay
sources.state     source name      compacted: the ingest process's feed positions (a changelog)

================  ===============  ============================================================
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = ["TABLES", "TOPICS", "Topic", "TopicSpec", "changelog_name", "topic_name"]

TABLES = (
    "dedup-band-log",
    "dedup-pending",
    "event-episodes",
    "figure-series",
    "actors-seen",
    "pairs-seen",
)
"""Faust tables (``str -> bytes``), each backed by a compacted changelog topic."""


class Topic(enum.StrEnum):
    """Logical topic names; the physical name adds the configured prefix (``topic_name``)."""

    ARTICLES_RAW = "articles.raw"
    ARTICLES = "articles"
    DEDUP_BANDS = "dedup.bands"
    DEDUP_HITS = "dedup.hits"
    EVENT_MENTIONS = "events.mentions"
    EVENTS = "events"
    FIGURE_MENTIONS = "figures.mentions"
    FIGURES = "figures"
    NOVELTY_ACTORS = "novelty.actors"
    NOVELTY_PAIRS = "novelty.pairs"
    ALERTS = "alerts"
    DEAD_LETTERS = "dead-letters"
    SOURCES_STATE = "sources.state"


@dataclass(frozen=True, slots=True)
class TopicSpec:
    """What a topic carries, for documentation and schema generation."""

    topic: Topic
    key: str
    record: str
    internal: bool
    description: str


TOPICS: tuple[TopicSpec, ...] = (
    TopicSpec(
        Topic.ARTICLES_RAW, "doc id", "RawArticle", False, "articles as connectors found them"
    ),
    TopicSpec(
        Topic.ARTICLES,
        "doc id",
        "Article",
        False,
        "normalised, with language and duplicate verdict",
    ),
    TopicSpec(
        Topic.DEDUP_BANDS,
        "doc id; partition chosen by band key",
        "ProbeBatch",
        True,
        "an article's LSH band keys, one batch per owning partition",
    ),
    TopicSpec(Topic.DEDUP_HITS, "doc id", "DedupMessage", True, "band hits gathered per article"),
    TopicSpec(
        Topic.EVENT_MENTIONS, "event id", "EventMention", True, "one article's report of a contact"
    ),
    TopicSpec(Topic.EVENTS, "event id", "Event", False, "contacts merged across articles"),
    TopicSpec(
        Topic.FIGURE_MENTIONS, "series key", "FigureMention", True, "one article's reported figure"
    ),
    TopicSpec(Topic.FIGURES, "series key", "FigureUpdate", False, "tracked figure series updates"),
    TopicSpec(
        Topic.NOVELTY_ACTORS, "actor id", "EventMention", True, "first-seen checks per actor"
    ),
    TopicSpec(
        Topic.NOVELTY_PAIRS, "pair id", "EventMention", True, "first-contact checks per pair"
    ),
    TopicSpec(Topic.ALERTS, "alert id", "Alert", False, "novelty alerts for people and sinks"),
    TopicSpec(
        Topic.DEAD_LETTERS,
        "original key",
        "DeadLetter",
        False,
        "messages a stage could not process",
    ),
    TopicSpec(
        Topic.SOURCES_STATE,
        "source name",
        "bytes",
        True,
        "connector state of 'ingest' (feed validators, seen ids), compacted",
    ),
)


def topic_name(topic: Topic, prefix: str = "") -> str:
    """The physical Kafka topic name for ``topic`` under ``prefix`` (e.g. ``prod.events``)."""
    return f"{prefix}{topic.value}"


def changelog_name(app_id: str, table: str, prefix: str = "") -> str:
    """The changelog topic Faust uses for ``table``: ``<prefix><app id>-<table>-changelog``."""
    return f"{prefix}{app_id}-{table}-changelog"
