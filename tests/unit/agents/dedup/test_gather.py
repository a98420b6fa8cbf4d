"""The Kafka runtime's dedup gathering gives the embedded runtime's verdicts, in any order."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from agents.dedup import DedupParams, check, decide, plan, probe
from agents.dedup.gather import (
    DedupMessage,
    Gathering,
    HitBatch,
    PendingArticle,
    band_partition,
    batch_probes,
    gather,
)
from agents.normalize import normalize
from streams.records import RawArticle

T0 = datetime(2024, 1, 1, tzinfo=UTC)
HORIZON = timedelta(days=7)
BASE = (
    "أجرى وزير الخارجية الإيراني اتصالا هاتفيا بنظيره العماني وبحث معه آخر التطورات في المنطقة "
    "وأكد الجانبان أهمية الحوار والتشاور المستمر من أجل خفض التوتر في البحر الأحمر والممرات المائية. "
    "وقال البيان إن الوزيرين اتفقا على مواصلة الاتصالات خلال الأيام المقبلة لمتابعة الملفات المشتركة."
)


def _article(doc: str, text: str, minutes: int):
    raw = RawArticle(
        doc=doc, text=text, source="t", origin="file", fetched_at=T0 + timedelta(minutes=minutes)
    )
    return normalize(raw)


def _kafka_like(articles, partitions: int, order: str):
    """Run plan/probe/gather/decide with buckets split across partitions, batches in ``order``."""
    params = DedupParams()
    buckets = [dict() for _ in range(partitions)]
    pending: dict[str, bytes] = {}
    verdicts = {}
    for article in articles:
        signature = plan(article, params)
        batches = batch_probes(signature, partitions)
        messages = [
            DedupMessage(
                pending=(PendingArticle(article=article, plan=signature, batches=len(batches)),)
            )
        ]
        for part, batch in batches.items():
            assert all(band_partition(key, partitions) == part for key in batch.keys)
            hits = (probe(batch, buckets[part], params, now=batch.fetched_at, horizon=HORIZON),)
            answer = HitBatch(doc=article.doc, hits=hits, partition=part)
            messages.append(DedupMessage(hits=(answer,)))
        if order == "hits-first":
            messages = messages[1:] + messages[:1]
        results = [gather(m, pending) for m in messages]
        assert results[:-1] == [None] * (len(results) - 1)
        waiting, all_hits = results[-1]
        verdicts[article.doc] = decide(waiting.article, waiting.plan, all_hits, params)
    return verdicts


def _embedded(articles):
    buckets: dict[str, bytes] = {}
    return {
        a.doc: check(a, buckets, DedupParams(), now=a.fetched_at, horizon=HORIZON) for a in articles
    }


def test_partitioned_gathering_equals_embedded() -> None:
    articles = [
        _article("a", BASE, 0),
        _article(
            "b", "مقدمة جديدة تماما عن موضوع آخر لا علاقة له بالخبر الأصلي على الإطلاق.\n" + BASE, 5
        ),
        _article("c", BASE, 9),
        _article(
            "d",
            "نص مختلف كليا يتحدث عن الاقتصاد والأسواق وأسعار النفط في الأسبوع الماضي وتوقعات المحللين.",
            12,
        ),
    ]
    expected = _embedded(articles)
    assert expected["c"].kind == "duplicate_of" and expected["c"].exact
    assert expected["d"].kind == "unique"
    for partitions, order in itertools.product((1, 3, 4), ("pending-first", "hits-first")):
        assert _kafka_like(articles, partitions, order) == expected, (partitions, order)


def test_redelivered_batch_after_completion_is_ignored() -> None:
    article = _article("a", BASE, 0)
    signature = plan(article, DedupParams())
    pending: dict[str, bytes] = {}
    batch = HitBatch(doc="a", hits=(), partition=0)
    waiting = PendingArticle(article=article, plan=signature, batches=1)
    assert gather(DedupMessage(pending=(waiting,)), pending) is None
    assert gather(DedupMessage(hits=(batch,)), pending) is not None
    assert gather(DedupMessage(hits=(batch,)), pending) is None
    assert list(pending) == ["a"]


def test_redelivered_answer_before_completion_is_not_counted_twice() -> None:
    article = _article("a", BASE, 0)
    pending: dict[str, bytes] = {}
    waiting = PendingArticle(article=article, plan=plan(article, DedupParams()), batches=2)
    first = DedupMessage(hits=(HitBatch(doc="a", hits=(), partition=3),))
    assert gather(DedupMessage(pending=(waiting,)), pending) is None
    assert gather(first, pending) is None
    assert gather(first, pending) is None, "partition 3 answered already"
    second = DedupMessage(hits=(HitBatch(doc="a", hits=(), partition=1),))
    assert gather(second, pending) is not None


def test_a_batch_of_articles_is_gathered_with_one_write_each() -> None:
    """Several articles' pending records and answers in one batch, as the agents send them:
    the verdicts are the embedded ones, and each article costs one write (its tombstone)."""
    articles = [
        _article(doc, BASE if doc != "d" else BASE[::-1], i) for i, doc in enumerate("abcd")
    ]
    params = DedupParams()
    partitions = 3
    buckets = [dict() for _ in range(partitions)]
    messages = []
    for article in articles:
        signature = plan(article, params)
        batches = batch_probes(signature, partitions)
        messages.append(
            DedupMessage(
                pending=(PendingArticle(article=article, plan=signature, batches=len(batches)),)
            )
        )
        answers = tuple(
            HitBatch(
                doc=article.doc,
                hits=(probe(batch, buckets[part], params, now=batch.fetched_at, horizon=HORIZON),),
                partition=part,
            )
            for part, batch in batches.items()
        )
        messages.append(DedupMessage(hits=answers))
    state: dict[str, bytes] = {}
    writes: list[tuple[object, str, bytes | None]] = []
    gathering = Gathering(state)
    done = []
    for number, message in enumerate(messages):
        done += gathering.add(message, tag=number)
    gathering.flush(lambda tag, key, value: writes.append((tag, key, value)))
    verdicts = {w.article.doc: decide(w.article, w.plan, hits, params) for w, hits in done}
    assert verdicts == _embedded(articles)
    # one tombstone per article, written with the message that completed it
    assert writes == [(2 * i + 1, a.doc, b"done") for i, a in enumerate(articles)]


def test_an_article_split_across_batches_is_kept_between_them() -> None:
    article = _article("a", BASE, 0)
    state: dict[str, bytes] = {}
    waiting = PendingArticle(article=article, plan=plan(article, DedupParams()), batches=2)
    first = Gathering(state)
    assert first.add(DedupMessage(pending=(waiting,))) == []
    assert first.add(DedupMessage(hits=(HitBatch(doc="a", hits=(), partition=0),))) == []
    first.flush()
    assert set(state) == {"a", "a\x1fhits"}
    second = Gathering(state)
    [(back, hits)] = second.add(DedupMessage(hits=(HitBatch(doc="a", hits=(), partition=1),)))
    second.flush()
    assert back == waiting and hits == ()
    assert state == {"a": b"done"}
