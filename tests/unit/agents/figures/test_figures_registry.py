"""Figure series: new, changed, corroborated, stale and replayed reports (registry)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from agents.figures import series_points, update_series
from streams.records import FigureCategory, FigureMention, Qualifier

T0 = datetime(2023, 11, 5, 12, 0, tzinfo=UTC)
KEY = "killed|gaza|"


def mention(doc: str, value: int, hours: float | None, **fields: object) -> FigureMention:
    published = T0 + timedelta(hours=hours) if hours is not None else None
    return FigureMention(
        series_key=KEY,
        doc=doc,
        category=FigureCategory.KILLED,
        value=value,
        qualifier=Qualifier.AT_LEAST,
        evidence=f"{doc} reports {value}",
        location="Gaza",
        published=published,
        fetched_at=fields.pop("fetched_at", T0 + timedelta(days=3)),  # type: ignore[arg-type]
        **fields,  # type: ignore[arg-type]
    )


def test_first_report_is_new() -> None:
    state: dict[str, bytes] = {}
    update = update_series(mention("a", 9400, 0, attributed_to="health ministry"), state)
    assert update is not None
    assert (update.kind, update.value, update.previous) == ("figure.new", 9400, None)
    assert (update.category, update.location, update.series_key) == ("killed", "Gaza", KEY)
    assert [(p.doc, p.value, p.attributed_to) for p in update.series] == [
        ("a", 9400, "health ministry")
    ]
    assert set(state) == {KEY}


def test_newer_report_with_another_value_is_a_change() -> None:
    state: dict[str, bytes] = {}
    update_series(mention("a", 9400, 0), state)
    update = update_series(mention("b", 9700, 6), state)
    assert update is not None and update.kind == "figure.changed"
    assert update.previous is not None and (update.previous.doc, update.previous.value) == (
        "a",
        9400,
    )
    assert [p.value for p in update.series] == [9400, 9700]


def test_newer_lower_value_is_a_revision_reported_as_change() -> None:
    state: dict[str, bytes] = {}
    update_series(mention("a", 1400, 0), state)
    update = update_series(mention("b", 1200, 48), state)
    assert update is not None and update.kind == "figure.changed"


def test_same_value_from_another_article_corroborates() -> None:
    state: dict[str, bytes] = {}
    update_series(mention("a", 9400, 0), state)
    update = update_series(mention("b", 9400, 1), state)
    assert update is not None and update.kind == "figure.corroborated"
    assert [p.doc for p in update.series] == ["a", "b"]


def test_older_lower_report_arriving_late_is_stale_not_a_drop() -> None:
    state: dict[str, bytes] = {}
    update_series(mention("a", 9000, 0), state)
    update_series(mention("b", 9700, 24), state)
    update = update_series(mention("c", 9400, 12), state)  # published between a and b
    assert update is not None and update.kind == "figure.stale"
    assert update.previous is not None and update.previous.value == 9700  # still current
    assert [p.doc for p in update.series] == ["a", "c", "b"]  # kept in time order
    after = update_series(mention("d", 9700, 30), state)
    assert after is not None and after.kind == "figure.corroborated"  # 9700 is still latest


def test_replay_of_the_same_article_is_silent() -> None:
    state: dict[str, bytes] = {}
    update_series(mention("a", 9400, 0), state)
    before = dict(state)
    assert update_series(mention("a", 9400, 0), state) is None
    assert state == before


def test_same_article_with_a_new_value_is_a_change() -> None:
    state: dict[str, bytes] = {}
    update_series(mention("a", 9400, 0), state)
    update = update_series(mention("a", 9500, 2), state)  # the outlet updated its story
    assert update is not None and update.kind == "figure.changed"


def test_order_falls_back_to_fetch_time_then_arrival() -> None:
    state: dict[str, bytes] = {}
    update_series(mention("a", 100, None, fetched_at=T0 + timedelta(hours=5)), state)
    # Published earlier than a's fetch time: older, lower -> stale.
    update = update_series(mention("b", 90, 1), state)
    assert update is not None and update.kind == "figure.stale"
    # No time at all: counts as arriving after the latest point.
    update = update_series(mention("c", 120, None, fetched_at=None), state)
    assert update is not None and update.kind == "figure.changed"
    assert [p.doc for p in series_points(state, KEY)] == ["b", "a", "c"]


def test_equal_times_are_ordered_by_arrival() -> None:
    state: dict[str, bytes] = {}
    update_series(mention("a", 100, 0), state)
    update = update_series(mention("b", 110, 0), state)
    assert update is not None and update.kind == "figure.changed"


def test_naive_times_are_taken_as_utc() -> None:
    state: dict[str, bytes] = {}
    update_series(mention("a", 100, 0), state)
    naive = mention("b", 90, None, fetched_at=datetime(2023, 11, 5, 6, 0))  # before T0
    update = update_series(naive, state)
    assert update is not None and update.kind == "figure.stale"


def test_deterministic_for_the_same_order() -> None:
    reports = [
        mention("a", 100, 0),
        mention("b", 130, 5),
        mention("c", 120, 2),
        mention("d", 130, 6),
    ]
    runs = []
    for _ in range(2):
        state: dict[str, bytes] = {}
        runs.append(([update_series(m, state) for m in reports], state))
    assert runs[0] == runs[1]
    assert [u.kind for u in runs[0][0] if u] == [
        "figure.new",
        "figure.changed",
        "figure.stale",
        "figure.corroborated",
    ]


def test_points_are_bounded() -> None:
    state: dict[str, bytes] = {}
    for i in range(6):
        update_series(mention(f"d{i}", 100 + i, i), state, max_points=4)
    assert [p.doc for p in series_points(state, KEY)] == ["d2", "d3", "d4", "d5"]


def test_unknown_series_has_no_points() -> None:
    assert series_points({}, KEY) == ()
