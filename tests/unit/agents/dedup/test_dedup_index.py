"""The band index: partitioning, expiry, replays, order, wire format and estimates."""

from __future__ import annotations

import binascii
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
    ProbeBatch,
    SignaturePlan,
    _bucket,
    decide,
    plan,
    probe,
    sweep,
)
from agents.dedup._fingerprint import doc_hash, fingerprint, sketch_bits, sketch_similarity
from agents.dedup.index import _similarities
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
    """plan, then each probe (a batch of one key) against the dict owning its band key, then
    decide."""
    shards: list[dict[str, bytes]] = [{} for _ in range(partitions)]
    verdicts = {}
    for article in articles:
        signature = plan(article, PARAMS)
        hits = []
        for key, target in zip(signature.keys, signature.targets, strict=True):
            shard = shards[zlib.crc32(key.encode()) % partitions]
            one = ProbeBatch(
                article=signature.article,
                keys=(key,),
                targets=(target,),
                passages=tuple(p for p in signature.passages if p.passage_id == target),
            )
            hits.append(probe(one, shard, PARAMS, now=article.fetched_at, horizon=HORIZON))
        verdicts[article.doc] = decide(article, signature, hits, PARAMS)
    return verdicts


def test_partitioned_buckets_give_the_embedded_verdicts() -> None:
    articles = _corpus()
    expected = run(articles)
    assert expected["reprint"].kind == "duplicate_of"
    assert expected["copy"].kind == "contains_copies_of"
    assert expected["exact"].exact
    assert _partitioned(articles, 4) == expected


def _seed_articles(seeds_dir: Path) -> list[Article]:
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
    return [normalize(raw) for raw in raws]


def test_seeds_only_004_copies_000(seeds_dir: Path) -> None:
    articles = _seed_articles(seeds_dir)
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


def test_the_seeds_cost_at_most_2_kb_of_index_each(seeds_dir: Path) -> None:
    # What a Faust table or the SQLite state stores: the bytes of every key and value.
    articles = _seed_articles(seeds_dir)
    buckets: dict[str, bytes] = {}
    run(articles, buckets)
    stored = sum(len(key) + len(value) for key, value in buckets.items())
    assert stored / len(articles) <= 2048


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
    assert decode(ProbeBatch, encode(signature.probes)) == signature.probes
    hits = [probe(signature.probes, buckets, PARAMS, now=T0, horizon=HORIZON)]
    assert any(hit.matches for hit in hits)
    decoded = [decode(BandHit, encode(hit)) for hit in hits]
    assert decoded == hits
    assert decide(articles[-2], signature, decoded, PARAMS) == decide(
        articles[-2], signature, hits, PARAMS
    )


def test_a_hit_for_another_article_is_refused() -> None:
    from streams.errors import StageError

    a, b = make_article("a", fixture_text("ar_call.txt")), make_article("b", "نص آخر", 1)
    stray = BandHit(doc="b")
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
                dict(min_passage_words=2), dict(document_threshold=0.0),
                dict(report_floor=1.5)):  # fmt: skip
        with pytest.raises(ValueError):
            DedupParams(**bad)  # type: ignore[arg-type]
    assert DedupParams(passage_threshold=0.2).floor == 0.2  # a lower threshold lowers it


def test_a_repeated_passage_is_indexed_once_and_still_found() -> None:
    # Its keys repeat within one batch: the second probe of a key must see the first's write.
    line = fixture_text("ar_call.txt").split("\n")[1]
    twice = make_article("twice", f"{line}\n{line}")
    signature = plan(twice, PARAMS)
    assert len(set(signature.keys)) < len(signature.keys)
    buckets: dict[str, bytes] = {}
    assert run([twice], buckets)["twice"].kind == "unique"
    entries = [value for key, value in buckets.items() if len(key) == 6]
    assert entries and all(len(value) == 7 for value in entries)  # one entry per bucket
    later = make_article("later", f"{fixture_text('ar_local.txt')}\n{line}", 30, source="b")
    verdict = run([later], buckets)["later"]
    assert verdict.kind == "contains_copies_of"
    assert [m.doc for m in verdict.matches] == ["twice"]


def test_hits_report_only_candidates_above_the_floor() -> None:
    articles = _corpus()
    buckets: dict[str, bytes] = {}
    run(articles[:-2], buckets)
    copy = articles[-2]
    low = probe(plan(copy, PARAMS).probes, dict(buckets), replace(PARAMS, report_floor=0.0),
                now=T0, horizon=HORIZON)  # fmt: skip
    high = probe(plan(copy, PARAMS).probes, dict(buckets), PARAMS, now=T0, horizon=HORIZON)
    kept = [
        m
        for m in low.matches
        if m.exact or max([m.similarity, *(s for _, _, s in m.passages)]) >= PARAMS.floor
    ]
    assert [m.doc for m in high.matches] == [m.doc for m in kept]
    assert all(s >= PARAMS.floor for m in high.matches for _, _, s in m.passages)


def test_many_scores_at_once_equal_one_by_one() -> None:
    # Passages sharing 44 of 60 words in turn: comparing the whole batch at once gives the
    # floats of ``sketch_similarity``, pair by pair.
    sketches = [
        binascii.a2b_base64(fingerprint([_words(i, i + 60)], PARAMS).passages[0][2])
        for i in range(0, 64, 16)
    ] * 3
    left, right = sketches[:-1], sketches[1:]
    batch = _similarities(left, right)
    one_by_one = [
        sketch_similarity((int.from_bytes(a), 4 * len(a)), (int.from_bytes(b), 4 * len(b)))
        for a, b in zip(left, right, strict=True)
    ]
    assert batch == one_by_one
    assert [_similarities([a], [b])[0] for a, b in zip(left, right, strict=True)] == batch
    assert min(batch) >= 0.0 and 0.3 < max(batch) < 1.0
    # Sketches of another width (a record from other parameters) compare on their common prefix.
    short = [sketch[:16] for sketch in right]
    assert _similarities(left, short) == [
        sketch_similarity((int.from_bytes(a), 4 * len(a)), (int.from_bytes(b), 4 * len(b)))
        for a, b in zip(left, short, strict=True)
    ]


def test_a_record_holds_the_doc_its_sketches_and_passages() -> None:
    doc = doc_hash("https://news.example/ar/1")
    sketch, first, second = b"\x01" * 32, b"\x02" * 32, b"\x03" * 32
    value = _bucket.encode_record("https://news.example/ar/1", 1_700_000_000, 321, 7, sketch,
                                  [(0, first), (4, second)])  # fmt: skip
    assert _bucket.record_doc(_bucket.record_key(doc)) == doc
    assert _bucket.record_head(value) == (1_700_000_000, 7)
    assert _bucket.record_fields(value) == (1_700_000_000, 321, "https://news.example/ar/1")
    assert _bucket.record_sketch(value) == sketch
    assert (_bucket.record_passage(value, 4), _bucket.record_passage(value, 1)) == (second, None)
    assert _bucket.record_doc("Ab3dEf") is None


def test_sweep_drops_keys_of_an_older_layout() -> None:
    buckets: dict[str, bytes] = {
        "Ab3dEf9h": b"x" * 12,
        "i:Ab3dEf9h": b"x" * 40,
        "s:Ab3dEf9h00": b"y",
    }
    run([make_article("a", fixture_text("fa_visit.txt"), lang="fa")], buckets)
    current = {key for key in buckets if key.startswith("i:") and len(key) == 14}
    assert sweep(buckets, now=T0, horizon=HORIZON) == 3
    assert {"Ab3dEf9h", "i:Ab3dEf9h", "s:Ab3dEf9h00"}.isdisjoint(buckets)
    assert current <= set(buckets)


def test_public_surface_is_the_core_only() -> None:
    assert agents.dedup.__all__ == sorted(agents.dedup.__all__)
    for name in agents.dedup.__all__:
        assert getattr(agents.dedup, name) is not None
    code = "import sys, agents.dedup; print('faust' in sys.modules or 'aiokafka' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
