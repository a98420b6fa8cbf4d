"""The registry's fast paths (append in order, splice the stored JSON) equal the plain way.

The plain way, written out here: decode the state, sort every entry by (time, arrival), take
the latest with ``max``, and encode the whole state again. Random reports (in and out of
order, undated, naive, with other UTC offsets, replays, a small bound) must give the same
updates and byte-identical stored states.
"""

from __future__ import annotations

import random
from collections.abc import MutableMapping
from datetime import UTC, datetime, timedelta, timezone

import orjson
import pytest

from agents.figures import registry
from agents.figures.registry import update_series
from streams.codec import decode, encode
from streams.records import FigureCategory, FigureMention, FigureUpdate, Qualifier, SeriesPoint

T0 = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)


def _plain_update(
    mention: FigureMention, series: MutableMapping[str, bytes], limit: int
) -> FigureUpdate | None:
    """``update_series`` without its fast paths (the algorithm before them)."""
    raw = series.get(mention.series_key)
    if raw is None:
        return update_series(mention, series, max_points=limit)
    state = decode(registry._State, raw)
    if any(e.point.doc == mention.doc and e.point.value == mention.value for e in state.entries):
        return None
    point = SeriesPoint(
        value=mention.value,
        qualifier=mention.qualifier,
        doc=mention.doc,
        published=mention.published,
        attributed_to=mention.attributed_to,
        url=mention.url,
    )
    when = registry._utc(mention.published) or registry._utc(mention.fetched_at)
    latest = max(state.entries, key=registry._order)
    entry = registry._Entry(
        point=point, at=when if when is not None else latest.at, arrival=state.arrivals
    )
    entries = sorted((*state.entries, entry), key=registry._order)[-limit:]
    state = registry._State(
        series_key=state.series_key,
        category=state.category,
        entries=tuple(entries),
        arrivals=state.arrivals + 1,
        subject=state.subject,
        location=state.location,
    )
    series[mention.series_key] = encode(state)
    if mention.value == latest.point.value:
        kind = "figure.corroborated"
    elif registry._order(entry) > registry._order(latest):
        kind = "figure.changed"
    else:
        kind = "figure.stale"
    return registry._update(
        state, mention, kind, None if kind == "figure.corroborated" else latest.point
    )  # type: ignore[arg-type]


def _when(rng: random.Random) -> datetime | None:
    roll = rng.random()
    if roll < 0.15:
        return None
    at = T0 + timedelta(minutes=rng.randrange(0, 600, 5))
    if roll < 0.25:
        return at.replace(tzinfo=None)  # naive: taken as UTC
    if roll < 0.35:
        return at.astimezone(timezone(timedelta(hours=3, minutes=30)))
    return at


def _reports(seed: int, n: int) -> list[FigureMention]:
    rng = random.Random(seed)
    keys = ["killed|gaza|", "wounded|gaza|", "hostages||israelis"]
    out = []
    for i in range(n):
        doc = f"d{rng.randrange(n // 2 + 1)}"
        out.append(
            FigureMention(
                series_key=rng.choice(keys),
                doc=doc,
                category=FigureCategory.KILLED,
                value=rng.choice([100, 120, 120, 150, 151, 200]),
                qualifier=rng.choice(list(Qualifier)),
                evidence=f"report {i}",
                subject=rng.choice([None, "civilians"]),
                location="Gaza",
                attributed_to=rng.choice([None, "Gaza health ministry"]),
                published=_when(rng),
                fetched_at=_when(rng),
                url=rng.choice([None, f"https://example.org/{doc}"]),
            )
        )
    return out


@pytest.mark.parametrize("limit", [1, 3, 50])
@pytest.mark.parametrize("seed", range(12))
def test_fast_update_equals_plain_update(seed: int, limit: int) -> None:
    fast: dict[str, bytes] = {}
    plain: dict[str, bytes] = {}
    for report in _reports(seed, 80):
        assert update_series(report, fast, max_points=limit) == _plain_update(report, plain, limit)
        assert fast == plain


def test_stored_entries_stay_in_order() -> None:
    """The invariant the fast path reads the latest point from: entries sorted, last latest."""
    state: dict[str, bytes] = {}
    for report in _reports(99, 200):
        update_series(report, state, max_points=20)
    for raw in state.values():
        entries = decode(registry._State, raw).entries
        assert list(entries) == sorted(entries, key=registry._order)
        assert raw == encode(decode(registry._State, raw))


def test_state_written_another_way_is_encoded_in_full() -> None:
    """Stored bytes without the markers the splice cuts at (here: indented) still work."""
    reports = _reports(5, 60)
    fast: dict[str, bytes] = {}
    plain: dict[str, bytes] = {}
    for report in reports:
        for state in (fast, plain):
            raw = state.get(report.series_key)
            if raw is not None:
                state[report.series_key] = orjson.dumps(
                    orjson.loads(raw), option=orjson.OPT_INDENT_2
                )
        assert update_series(report, fast, max_points=7) == _plain_update(report, plain, 7)
        assert fast == plain


def test_state_with_blanks_between_entries_is_encoded_in_full() -> None:
    """A blank after each comma: the entries cannot be cut at the marker, so all is encoded."""
    fast: dict[str, bytes] = {}
    plain: dict[str, bytes] = {}
    for report in _reports(8, 60):
        for state in (fast, plain):
            raw = state.get(report.series_key)
            if raw is not None:
                state[report.series_key] = raw.replace(b'},{"point":', b'}, {"point":')
        assert update_series(report, fast, max_points=9) == _plain_update(report, plain, 9)
        assert fast == plain
