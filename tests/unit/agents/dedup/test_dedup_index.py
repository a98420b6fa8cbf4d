"""The band index: partitioning, expiry, replays, order, wire format and estimates."""

from __future__ import annotations

import subprocess
import sys
import zlib
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

import agents.dedup
from agents.dedup import (
    BandHit,
    DedupParams,
    ProbeCache,
    SignaturePlan,
    decide,
    plan,
    probe,
    sweep,
)
from agents.dedup._fingerprint import fingerprint, sketch_bits, sketch_similarity
from agents.normalize import normalize
from streams.codec import decode, encode
from streams.records import Article, DuplicateVerdict, RawArticle
from tests.unit.agents.dedup.conftest import (
    HORIZON,
    PARAMS,
    T0,
    fixture_text,
    make_article,
    respell_arabic,
    run,
)


def _corpus() -> list[Article]:
    """Originals, a re-spelt edited reprint, an exact copy, a passage copy, other languages."""
    call, economy = fixture_text("ar_call.txt").split("\n"), fixture_text("ar_economy.txt")
    local = fixture_text("ar_local.txt").split("\n")
    return [
        make_article("call", "\n".join(call)),
        make_article("economy", economy, 5),
        make_article("visit", fixture_text("fa_visit.txt"), 8, lang="fa"),
        make_article("reprint", respell_arabic("\n".join(call[1:5])), 12, source="outlet-b"),
        make_article("talks", fixture_text("en_talks.txt"), 15, lang="en"),
        make_article("copy", "\n".join([local[0], call[2], local[1], call[4], local[2]]), 20),
        make_article("exact", fixture_text("en_talks.txt"), 25, source="outlet-d", lang="en"),
    ]


def _partitioned(articles: list[Article], partitions: int) -> dict[str, DuplicateVerdict]:
    """plan, then each probe against the dict owning its band key, then decide."""
    shards: list[dict[str, bytes]] = [{} for _ in range(partitions)]
    verdicts = {}
    for article in articles:
        signature = plan(article, PARAMS)
        hits = []
        for band_probe in signature.probes:
            shard = shards[zlib.crc32(band_probe.band_key.encode()) % partitions]
            hits.append(probe(band_probe, shard, now=article.fetched_at, horizon=HORIZON))
        verdicts[article.doc] = decide(article, signature, hits, PARAMS)
    return verdicts


def test_partitioned_buckets_give_the_embedded_verdicts() -> None:
    articles = _corpus()
    expected = run(articles)
    assert expected["reprint"].kind == "duplicate_of"
    assert expected["copy"].kind == "contains_copies_of"
    assert expected["exact"].exact
    assert _partitioned(articles, 4) == expected


def test_seeds_only_004_copies_000(seeds_dir: Path) -> None:
    raws = [
        RawArticle(
            doc=path.name,
            text=path.read_text(encoding="utf-8"),
            source="file",
            origin="file",
            fetched_at=T0 + timedelta(minutes=i),
        )
        for i, path in enumerate(sorted(seeds_dir.glob("*.txt")))
    ]
    assert [raw.doc[:3] for raw in raws] == ["000", "001", "002", "003", "004"]
    articles = [normalize(raw) for raw in raws]
    verdicts = run(articles)
    first, last = articles[0].doc, articles[-1].doc
    assert [verdicts[a.doc].kind for a in articles[:4]] == ["unique"] * 4
    copies = verdicts[last]
    assert copies.kind == "contains_copies_of"
    assert [(m.doc, m.passages) for m in copies.matches] == [(first, 2)]
    # Read the other way round, the same two passages link the same two articles only.
    backwards = [
        replace(a, fetched_at=T0 + timedelta(minutes=i)) for i, a in enumerate(articles[::-1])
    ]
    reverse = run(backwards)
    assert [reverse[a.doc].kind for a in backwards[:4]] == ["unique"] * 4
    assert [(m.doc, m.passages) for m in reverse[first].matches] == [(last, 2)]


def test_entries_older_than_the_horizon_expire() -> None:
    text = fixture_text("ar_call.txt")
    edited = "\n".join(text.split("\n")[:-1])
    buckets: dict[str, bytes] = {}
    run([make_article("old", text)], buckets)
    late = make_article("late", edited, minutes=(HORIZON + timedelta(hours=1)).total_seconds() / 60)
    assert run([late], buckets)["late"].kind == "unique"
    control = make_article("soon", edited, minutes=60)
    assert run([make_article("old", text), control])["soon"].kind == "duplicate_of"


def test_sweep_drops_what_expired_and_keeps_the_rest() -> None:
    buckets: dict[str, bytes] = {}
    run([make_article("old", fixture_text("ar_call.txt"))], buckets)
    later = make_article("new", fixture_text("en_talks.txt"), minutes=60 * 24 * 5, lang="en")
    run([later], buckets)
    before = dict(buckets)
    now = T0 + timedelta(days=8)
    assert sweep(buckets, now=now, horizon=HORIZON) > 0
    assert buckets and set(buckets) < set(before)
    assert sweep(buckets, now=now, horizon=HORIZON) == 0  # nothing left to expire
    assert sweep(buckets, now=now + HORIZON, horizon=HORIZON) > 0
    assert buckets == {}


def test_a_replayed_article_is_not_its_own_duplicate_and_changes_nothing() -> None:
    article = make_article("a", fixture_text("fa_visit.txt"), lang="fa")
    buckets: dict[str, bytes] = {}
    assert run([article], buckets)["a"].kind == "unique"
    snapshot = dict(buckets)
    assert run([article], buckets)["a"].kind == "unique"
    assert buckets == snapshot


def test_a_probe_reports_only_articles_fetched_no_later_than_itself() -> None:
    text = fixture_text("en_talks.txt")
    late = make_article("late", text, 30, lang="en")
    early = make_article("early", text + "\nOne more line about the talks in Doha.", 0, lang="en")
    verdicts = run([late, early])  # the later article's probes arrive first
    assert verdicts["late"].kind == "unique"
    assert verdicts["early"].kind == "unique"


def test_probes_hits_and_plans_survive_the_codec() -> None:
    articles = _corpus()
    buckets: dict[str, bytes] = {}
    run(articles[:-2], buckets)
    signature = plan(articles[-2], PARAMS)
    assert decode(SignaturePlan, encode(signature)) == signature
    cache = ProbeCache()
    hits = [probe(p, buckets, now=T0, horizon=HORIZON, cache=cache) for p in signature.probes]
    assert any(hit.matches for hit in hits)
    decoded = [decode(BandHit, encode(hit)) for hit in hits]
    assert decoded == hits
    assert decide(articles[-2], signature, decoded, PARAMS) == decide(
        articles[-2], signature, hits, PARAMS
    )


def test_a_hit_for_another_article_is_refused() -> None:
    from streams.errors import StageError

    a, b = make_article("a", fixture_text("ar_call.txt")), make_article("b", "نص آخر", 1)
    stray = BandHit(doc="b", level="doc", passage_id=None)
    with pytest.raises(StageError, match="'b'"):
        decide(a, plan(a, PARAMS), [stray], PARAMS)
    assert b.doc == "b"


def _words(start: int, stop: int) -> str:
    return " ".join(f"w{i:04d}x" for i in range(start, stop))


@pytest.mark.parametrize(
    ("overlap", "expected"), [(0.0, 0.0), (0.25, 0.14), (0.5, 0.33), (0.9, 0.81)]
)
def test_sketches_estimate_jaccard(overlap: float, expected: float) -> None:
    # 400-word texts sharing a run: shingle Jaccard is about overlap / (2 - overlap).
    shared = int(400 * overlap)
    a = fingerprint([_words(0, 400)], PARAMS)
    b = fingerprint([_words(400 - shared, 800 - shared)], PARAMS)
    estimate = sketch_similarity(sketch_bits(a.doc_sketch), sketch_bits(b.doc_sketch))
    assert abs(estimate - expected) <= 0.12


def test_parameters_are_checked() -> None:
    for bad in (dict(shingle_words=0), dict(passage_sketch=30), dict(max_passages=300),
                dict(min_passage_words=2), dict(document_threshold=0.0)):  # fmt: skip
        with pytest.raises(ValueError):
            DedupParams(**bad)  # type: ignore[arg-type]


def test_public_surface_is_the_core_only() -> None:
    assert agents.dedup.__all__ == sorted(agents.dedup.__all__)
    for name in agents.dedup.__all__:
        assert getattr(agents.dedup, name) is not None
    code = "import sys, agents.dedup; print('faust' in sys.modules or 'aiokafka' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
