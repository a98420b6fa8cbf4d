from datetime import UTC, date, datetime

from agents.alerts import AlertPolicy, actor_alerts, event_alert, figure_alert, pair_alert, pair_id
from streams.records import (
    Actor,
    AlertKind,
    Event,
    EventMention,
    EventType,
    FigureCategory,
    FigureUpdate,
    Mention,
    Qualifier,
    Role,
    SeriesPoint,
    Severity,
)

RAISI = Actor(
    surface="رئيسي",
    name="Ebrahim Raisi",
    role=Role.PRESIDENT,
    country="IRN",
    known=True,
    actor_id="ebrahim-raisi",
)
STORE = Actor(
    surface="يوناس",
    name="Jonas Gahr Store",
    role=Role.PRIME_MINISTER,
    country="NOR",
    known=True,
    actor_id="jonas-gahr-store",
)
UNKNOWN = Actor(
    surface="وزير الخارجية السوري",
    role=Role.FOREIGN_MINISTER,
    country="SYR",
    actor_id="role:foreign_minister:SYR",
)
T = datetime(2023, 11, 5, tzinfo=UTC)


def mention(*actors: Actor, doc: str = "d1", directed: bool = True) -> EventMention:
    return EventMention(
        event_key="k",
        doc=doc,
        type=EventType.PHONE_CALL,
        cameo="041",
        actors=actors,
        directed=directed,
        evidence="...",
        fetched_at=T,
        lang="ar",
    )


def test_actor_new_once_per_actor() -> None:
    seen: dict[str, bytes] = {}
    first = actor_alerts(mention(RAISI, UNKNOWN), seen)
    assert [a.kind for a in first] == [AlertKind.ACTOR_NEW, AlertKind.ACTOR_NEW]
    assert actor_alerts(mention(RAISI, UNKNOWN, doc="d2"), seen) == []


def test_unknown_actor_is_higher_severity() -> None:
    alerts = actor_alerts(mention(RAISI, UNKNOWN), {})
    by_subject = {a.subject_id: a.severity for a in alerts}
    assert by_subject == {
        "ebrahim-raisi": Severity.INFO,
        "role:foreign_minister:SYR": Severity.WARNING,
    }


def test_only_touches_the_owned_actor_key() -> None:
    seen: dict[str, bytes] = {}
    alerts = actor_alerts(mention(RAISI, STORE), seen, only="jonas-gahr-store")
    assert [a.subject_id for a in alerts] == ["jonas-gahr-store"]
    assert set(seen) == {"jonas-gahr-store"}


def test_alert_ids_are_deterministic() -> None:
    a = actor_alerts(mention(RAISI), {})[0]
    b = actor_alerts(mention(RAISI, doc="other"), {})[0]
    assert a.alert_id == b.alert_id


def test_pair_is_order_free_and_once() -> None:
    seen: dict[str, bytes] = {}
    assert pair_id(RAISI, STORE) == pair_id(STORE, RAISI)
    alert = pair_alert(mention(RAISI, STORE), seen)
    assert alert is not None and alert.kind is AlertKind.CONTACT_NEW_PAIR
    assert "→" in alert.summary
    assert pair_alert(mention(STORE, RAISI, doc="d2"), seen) is None


def test_policy_mutes_and_watches() -> None:
    muted = AlertPolicy(mute_countries=frozenset({"NOR"}))
    assert actor_alerts(mention(STORE), {}, muted) == []
    watched = AlertPolicy(watch_actors=frozenset({"Ebrahim Raisi"}))
    [alert] = actor_alerts(mention(RAISI), {}, watched)
    assert alert.severity is Severity.CRITICAL
    assert ("severity", "critical") in alert.labels


def _event(kind: str) -> Event:
    return Event(
        event_id="e1",
        event_key="k",
        kind=kind,
        type=EventType.PHONE_CALL,
        cameo="041",  # type: ignore[arg-type]
        actors=(RAISI, STORE),
        directed=True,
        corroboration=1,
        date=date(2023, 11, 4),
        mentions=(Mention(doc="d1", evidence="x", url="https://example.org/a"),),
        sources=("IRNA",),
    )


def test_event_alert_only_for_new() -> None:
    alert = event_alert(_event("event.new"))
    assert alert is not None
    assert alert.summary == (
        "New phone call: Ebrahim Raisi (president, IRN) → Jonas Gahr Store (prime_minister, NOR)"
        " on 2023-11-04 (sources: IRNA)"
    )
    assert alert.links == ("https://example.org/a",)
    assert event_alert(_event("event.updated")) is None


def _update(kind: str, value: int, previous: int | None) -> FigureUpdate:
    prev = SeriesPoint(value=previous, qualifier=Qualifier.AT_LEAST, doc="d1") if previous else None
    point = SeriesPoint(value=value, qualifier=Qualifier.AT_LEAST, doc="d2")
    return FigureUpdate(
        series_key="killed|gaza|palestinians",
        kind=kind,
        category=FigureCategory.KILLED,  # type: ignore[arg-type]
        value=value,
        qualifier=Qualifier.AT_LEAST,
        series=((prev,) if prev else ()) + (point,),
        previous=prev,
        location="Gaza",
        subject="Palestinians",
    )


def test_figure_changed_reports_delta_and_both_docs() -> None:
    alert = figure_alert(_update("figure.changed", 9500, 9400))
    assert alert is not None and alert.kind is AlertKind.FIGURE_CHANGED
    assert "9,400 → 9,500 (+100" in alert.summary
    assert alert.docs == ("d1", "d2")


def test_stale_and_corroborated_figures_raise_nothing() -> None:
    assert figure_alert(_update("figure.stale", 9000, 9400)) is None
    assert figure_alert(_update("figure.corroborated", 9400, 9400)) is None
    assert figure_alert(_update("figure.new", 9400, None)) is not None
