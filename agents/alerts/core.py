"""Novelty alerts: what is new since the state was empty, said once.

Every alert id is a hash of the alert's kind and subject (actor id, pair, event id, series key
and value), never of wall-clock time, and every check consults state keyed by that subject,
so replaying the same articles, or restarting from a changelog, raises nothing twice. Each
function needs only the state of its own key, so in the Kafka runtime each runs in the
partition that owns that key (``novelty.actors`` by actor id, ``novelty.pairs`` by pair id,
``events`` by event key, ``figures`` by series key).

Severity: a new actor the knowledge base knows is ``info``, an unknown one ``warning``
(nobody has vetted them yet); a first contact between two actors ``warning``; a new event
``info``; a figure's first report ``info`` and a change ``warning``; a feed down ``warning``.
The policy (watch lists, mutes) then raises to ``critical`` or drops.
"""

from __future__ import annotations

import hashlib
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from datetime import datetime

from streams.records import (
    Actor,
    Alert,
    AlertKind,
    Event,
    EventMention,
    FigureUpdate,
    Severity,
)

__all__ = [
    "AlertPolicy",
    "actor_alerts",
    "alert_id",
    "event_alert",
    "figure_alert",
    "pair_alert",
    "pair_id",
    "source_down_alert",
]

_SEEN = b"1"


def alert_id(kind: AlertKind, subject: str) -> str:
    """Deterministic id of the alert of ``kind`` about ``subject``."""
    digest = hashlib.blake2b(f"{kind.value}|{subject}".encode(), digest_size=12).hexdigest()
    return f"{kind.value}:{digest}"


def pair_id(first: Actor, second: Actor) -> str:
    """Order-free id of a pair of actors: the same whoever called whom."""
    a, b = sorted((first.actor_id, second.actor_id))
    return f"{a}|{b}"


@dataclass(frozen=True, slots=True, kw_only=True)
class AlertPolicy:
    """Watch lists raise an alert to ``critical``; mute lists drop it.

    Entries are actor ids, canonical names, or ISO 3166-1 alpha-3 country codes.
    """

    watch_actors: frozenset[str] = field(default_factory=frozenset)
    watch_countries: frozenset[str] = field(default_factory=frozenset)
    mute_actors: frozenset[str] = field(default_factory=frozenset)
    mute_countries: frozenset[str] = field(default_factory=frozenset)

    def _matches(
        self, actors: tuple[Actor, ...], names: frozenset[str], countries: frozenset[str]
    ) -> bool:
        return any(
            a.actor_id in names or (a.name or "") in names or (a.country or "") in countries
            for a in actors
        )

    def apply(self, alert: Alert, actors: tuple[Actor, ...] = ()) -> Alert | None:
        """The alert as the policy wants it: ``None`` when muted, raised when watched."""
        if actors and self._matches(actors, self.mute_actors, self.mute_countries):
            return None
        if actors and self._matches(actors, self.watch_actors, self.watch_countries):
            return _replace_severity(alert, Severity.CRITICAL)
        return alert


def _replace_severity(alert: Alert, severity: Severity) -> Alert:
    from dataclasses import replace

    return replace(alert, severity=severity, labels=_labels(alert.kind, severity, alert.labels))


def _labels(
    kind: AlertKind, severity: Severity, extra: tuple[tuple[str, str], ...] = ()
) -> tuple[tuple[str, str], ...]:
    base = {"kind": kind.value, "severity": severity.value}
    base.update({k: v for k, v in extra if k not in ("kind", "severity")})
    return tuple(sorted(base.items()))


def _describe(actor: Actor) -> str:
    who = actor.name or actor.surface
    details = ", ".join(
        x for x in (actor.role.value if actor.role else None, actor.country or actor.org) if x
    )
    return f"{who} ({details})" if details else who


def actor_alerts(
    mention: EventMention,
    seen: MutableMapping[str, bytes],
    policy: AlertPolicy | None = None,
    *,
    only: str | None = None,
) -> list[Alert]:
    """``actor.new`` for each actor of ``mention`` not seen before; marks them seen.

    ``seen`` is keyed by actor id. In the Kafka runtime the mention arrives once per actor on
    ``novelty.actors`` keyed by that actor's id and ``only`` names it, so only the key this
    partition owns is touched.
    """
    alerts = []
    for actor in mention.actors:
        if only is not None and actor.actor_id != only:
            continue
        if not actor.actor_id or actor.actor_id in seen:
            continue
        seen[actor.actor_id] = _SEEN
        severity = Severity.INFO if actor.known else Severity.WARNING
        status = "known" if actor.known else "not in the knowledge base"
        alert = Alert(
            alert_id=alert_id(AlertKind.ACTOR_NEW, actor.actor_id),
            kind=AlertKind.ACTOR_NEW,
            severity=severity,
            summary=f"New actor: {_describe(actor)}, {status}",
            evidence=mention.evidence,
            lang=mention.lang,
            links=(mention.url,) if mention.url else (),
            docs=(mention.doc,),
            labels=_labels(
                AlertKind.ACTOR_NEW,
                severity,
                (
                    ("country", actor.country or actor.org or "unknown"),
                    ("known", str(actor.known).lower()),
                ),
            ),
            observed_at=mention.published,
            fetched_at=mention.fetched_at,
            subject_id=actor.actor_id,
        )
        kept = (policy or AlertPolicy()).apply(alert, (actor,))
        if kept is not None:
            alerts.append(kept)
    return alerts


def pair_alert(
    mention: EventMention, seen: MutableMapping[str, bytes], policy: AlertPolicy | None = None
) -> Alert | None:
    """``contact.new_pair`` the first time the mention's first two actors are in contact."""
    if len(mention.actors) < 2:
        return None
    first, second = mention.actors[0], mention.actors[1]
    key = pair_id(first, second)
    if key in seen:
        return None
    seen[key] = _SEEN
    arrow = "→" if mention.directed else "and"
    alert = Alert(
        alert_id=alert_id(AlertKind.CONTACT_NEW_PAIR, key),
        kind=AlertKind.CONTACT_NEW_PAIR,
        severity=Severity.WARNING,
        summary=(
            f"First contact: {_describe(first)} {arrow} {_describe(second)} ({mention.type.value})"
        ),
        evidence=mention.evidence,
        lang=mention.lang,
        links=(mention.url,) if mention.url else (),
        docs=(mention.doc,),
        labels=_labels(
            AlertKind.CONTACT_NEW_PAIR, Severity.WARNING, (("type", mention.type.value),)
        ),
        observed_at=mention.published,
        fetched_at=mention.fetched_at,
        subject_id=key,
    )
    return (policy or AlertPolicy()).apply(alert, mention.actors)


def event_alert(event: Event, policy: AlertPolicy | None = None) -> Alert | None:
    """``event.new`` for a newly merged event; corroborations (``event.updated``) raise nothing."""
    if event.kind != "event.new":
        return None
    names = [_describe(a) for a in event.actors]
    verb = {"phone_call": "phone call", "meeting": "meeting", "visit": "visit"}[event.type.value]
    if event.directed and len(names) >= 2:
        who = f"{names[0]} → {', '.join(names[1:])}"
    else:
        who = " and ".join(names)
    when = f" on {event.date.isoformat()}" if event.date else ""
    where = f" in {event.location}" if event.location else ""
    via = f" (sources: {', '.join(event.sources)})" if event.sources else ""
    first = event.mentions[0] if event.mentions else None
    alert = Alert(
        alert_id=alert_id(AlertKind.EVENT_NEW, event.event_id),
        kind=AlertKind.EVENT_NEW,
        severity=Severity.INFO,
        summary=f"New {verb}: {who}{when}{where}{via}",
        evidence=first.evidence if first else "",
        links=tuple(m.url for m in event.mentions if m.url),
        docs=tuple(m.doc for m in event.mentions),
        labels=_labels(AlertKind.EVENT_NEW, Severity.INFO, (("type", event.type.value),)),
        observed_at=first.published if first else None,
        fetched_at=event.fetched_at,
        subject_id=event.event_id,
    )
    return (policy or AlertPolicy()).apply(alert, event.actors)


def figure_alert(update: FigureUpdate) -> Alert | None:
    """``figure.new`` or ``figure.changed``; corroborations and stale reports raise nothing."""
    if update.kind not in ("figure.new", "figure.changed"):
        return None
    latest = update.series[-1] if update.series else None
    what = update.category.value + "".join(
        f" {x}"
        for x in (
            update.subject and f"({update.subject})",
            update.location and f"in {update.location}",
        )
        if x
    )
    if update.kind == "figure.new":
        kind, severity = AlertKind.FIGURE_NEW, Severity.INFO
        summary = f"New figure: {what}: {update.qualifier.value.replace('_', ' ')} {update.value:,}"
    else:
        kind, severity = AlertKind.FIGURE_CHANGED, Severity.WARNING
        prev = update.previous
        delta = update.value - prev.value if prev else 0
        summary = (
            f"Figure changed: {what}: {prev.value if prev else '?':,} → {update.value:,}"
            f" ({delta:+,}; was {prev.doc if prev else '?'}, now {latest.doc if latest else '?'})"
        )
    docs = tuple(dict.fromkeys(p.doc for p in (update.previous, latest) if p))
    return Alert(
        alert_id=alert_id(kind, f"{update.series_key}|{update.value}|{update.qualifier.value}"),
        kind=kind,
        severity=severity,
        summary=summary,
        evidence="",
        docs=docs,
        links=tuple(p.url for p in (update.previous, latest) if p and p.url),
        labels=_labels(kind, severity, (("category", update.category.value),)),
        observed_at=latest.published if latest else None,
        fetched_at=update.fetched_at,
        subject_id=update.series_key,
    )


def source_down_alert(source: str, url: str, failures: int, reason: str, at: datetime) -> Alert:
    """``source.down`` after a feed failed ``failures`` times in a row; one id per outage start."""
    return Alert(
        alert_id=alert_id(AlertKind.SOURCE_DOWN, f"{source}|{failures}"),
        kind=AlertKind.SOURCE_DOWN,
        severity=Severity.WARNING,
        summary=f"Source down: {source} failed {failures} times in a row ({reason})",
        links=(url,),
        labels=_labels(AlertKind.SOURCE_DOWN, Severity.WARNING, (("source", source),)),
        observed_at=at,
        fetched_at=at,
        subject_id=source,
    )
