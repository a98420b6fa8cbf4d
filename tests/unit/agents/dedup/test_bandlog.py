"""The Kafka runtime's in-memory band index, rebuilt from its log, against the embedded verdicts."""

from __future__ import annotations

from datetime import timedelta

from agents.dedup import DedupParams, check, decide, plan
from agents.dedup.bandlog import BandIndex, message_key, record_key
from agents.dedup.gather import (
    DedupMessage,
    ProbeMessage,
    batch_probes,
    gather,
    pending_article,
)
from streams.codec import encode
from tests.unit.agents.dedup.test_gather import BASE, HORIZON, _article

PARTITIONS = 3
OTHER = "نص مختلف كليا يتحدث عن الاقتصاد والأسواق وأسعار النفط في الأسبوع الماضي وتوقعات المحللين."


def _articles():
    return [
        _article("a", BASE, 0),
        _article(
            "b", "مقدمة جديدة تماما عن موضوع آخر لا علاقة له بالخبر الأصلي على الإطلاق.\n" + BASE, 5
        ),
        _article("d", OTHER, 12),
        _article("c", BASE, 9),
    ]


def _logs(value: bytes, doc: str) -> bool:
    """Whether a log record holds a batch of ``doc``."""
    return f'"doc":"{doc}"'.encode() in value


class _Run:
    """Drives plan -> BandIndex (per partition, offsets counted) -> gather -> decide."""

    def __init__(self, index: BandIndex, log: dict[str, bytes]) -> None:
        self.index, self.log = index, log
        self.offsets = [0] * PARTITIONS
        self.pending: dict[str, bytes] = {}

    def verdict(self, article):
        params = DedupParams()
        signature = plan(article, params)
        batches = batch_probes(signature, PARTITIONS)
        pending = pending_article(article, signature, len(batches))
        assert gather(DedupMessage(pending=(pending,)), self.pending) is None
        for part, batch in batches.items():
            message = encode(ProbeMessage(batches=(batch,)))
            hits = self.index.probe_message(part, self.offsets[part], message, self.log)
            self.offsets[part] += 1
            complete = gather(DedupMessage(hits=tuple(hits)), self.pending)
        assert complete is not None, "the last batch completes the article"
        assert list(self.pending.values()).count(b"done") == len(set(self.pending))
        waiting, hits = complete
        assert waiting.plan.keys == waiting.plan.targets == (), (
            "the pending article carries no probes"
        )
        return decide(waiting.article, waiting.plan, hits, params)


def test_partitioned_index_gives_the_embedded_verdicts() -> None:
    buckets: dict[str, bytes] = {}
    expected = {
        a.doc: check(a, buckets, DedupParams(), now=a.fetched_at, horizon=HORIZON)
        for a in _articles()
    }
    run = _Run(BandIndex(DedupParams(), HORIZON), {})
    assert {a.doc: run.verdict(a) for a in _articles()} == expected
    assert expected["b"].kind != "unique" and expected["c"].exact


def test_a_new_owner_rebuilds_the_buckets_from_the_log() -> None:
    *first, last = _articles()
    log: dict[str, bytes] = {}
    run = _Run(BandIndex(DedupParams(), HORIZON), log)
    for article in first:
        run.verdict(article)
    expected = run.verdict(last)
    # The same log, read by a worker that has no buckets in memory (after a rebalance).
    log_before_last = {k: v for k, v in log.items() if not _logs(v, "c")}
    fresh = _Run(BandIndex(DedupParams(), HORIZON), log_before_last)
    fresh.offsets = list(run.offsets)  # later offsets than every logged batch
    assert fresh.verdict(last) == expected
    assert expected.kind == "duplicate_of" and expected.exact


def test_reset_forgets_memory_but_not_the_log() -> None:
    index = BandIndex(DedupParams(), HORIZON)
    run = _Run(index, {})
    run.verdict(_articles()[0])
    assert index.partitions
    index.reset()
    assert index.partitions == frozenset()
    assert run.verdict(_articles()[3]).exact, "rebuilt from the log on first use"


def test_records_leave_the_log_after_the_horizon() -> None:
    log: dict[str, bytes] = {}
    run = _Run(BandIndex(DedupParams(), HORIZON), log)
    run.verdict(_article("old", BASE, 0))
    assert any(_logs(v, "old") for v in log.values())
    later = _article("new", OTHER, int((HORIZON + timedelta(hours=1)).total_seconds() // 60))
    run.verdict(later)
    assert not any(_logs(v, "old") for v in log.values())
    assert any(_logs(v, "new") for v in log.values())
    assert record_key(2, "x") == "2:x" and message_key(2, 17) == "2:@17"


def test_a_record_that_does_not_decode_is_skipped_not_fatal() -> None:
    log: dict[str, bytes] = {}
    run = _Run(BandIndex(DedupParams(), HORIZON), log)
    run.verdict(_articles()[0])
    log[record_key(0, "old-format")] = (0).to_bytes(8, "big") + b'{"doc": "x", "probes": []}'
    fresh = _Run(BandIndex(DedupParams(), HORIZON), log)
    fresh.offsets = list(run.offsets)
    assert fresh.verdict(_articles()[3]).exact, "the decodable records still rebuild the index"
    assert fresh.index.skipped == 1


def test_size_counts_the_keys_in_memory() -> None:
    index = BandIndex(DedupParams(), HORIZON)
    assert len(index) == 0
    article = _articles()[0]
    [batch] = batch_probes(plan(article, DedupParams()), 1).values()  # one partition
    index.probe_message(0, 0, encode(ProbeMessage(batches=(batch,))), {})
    buckets: dict[str, bytes] = {}
    check(article, buckets, DedupParams(), now=article.fetched_at, horizon=HORIZON)
    assert len(index) == len(buckets) > 0
    index.reset()
    assert len(index) == 0


def test_a_message_of_several_articles_is_one_record_and_rebuilds() -> None:
    articles = _articles()
    params = DedupParams()
    index = BandIndex(params, HORIZON)
    log: dict[str, bytes] = {}
    [first] = batch_probes(plan(articles[0], params), 1).values()
    [second] = batch_probes(plan(articles[3], params), 1).values()  # "c": a copy of "a"
    answers = index.probe_message(0, 5, encode(ProbeMessage(batches=(first, second))), log)
    assert [a.doc for a in answers] == ["a", "c"] and {a.partition for a in answers} == {0}
    assert list(log) == [message_key(0, 5)]
    assert answers[1].hits[0].matches, "the second article meets the first in the same message"
    # a fresh owner rebuilds both articles' bands from the one record
    fresh = BandIndex(params, HORIZON)
    [third] = batch_probes(plan(_article("e", BASE, 20), params), 1).values()
    [answer] = fresh.probe_message(0, 6, encode(ProbeMessage(batches=(third,))), log)
    assert {m.doc for m in answer.hits[0].matches} == {"a", "c"}


def test_records_of_the_earlier_one_batch_format_still_rebuild() -> None:
    params = DedupParams()
    article = _articles()[0]
    [batch] = batch_probes(plan(article, params), 1).values()
    log = {record_key(0, "a"): (3).to_bytes(8, "big") + encode(batch)}
    index = BandIndex(params, HORIZON)
    [later] = batch_probes(plan(_article("e", BASE, 20), params), 1).values()
    [answer] = index.probe_message(0, 4, encode(ProbeMessage(batches=(later,))), log)
    assert {m.doc for m in answer.hits[0].matches} == {"a"}
    assert index.skipped == 0
