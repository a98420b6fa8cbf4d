"""The Kafka runtime's dedup gathering gives the embedded runtime's verdicts, in any order."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from agents.dedup import DedupParams, check, decide, plan, probe
from agents.dedup.gather import (
    DedupMessage,
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
                pending=PendingArticle(article=article, plan=signature, batches=len(batches))
            )
        ]
        for part, batch in batches.items():
            assert all(band_partition(key, partitions) == part for key in batch.keys)
            hits = (probe(batch, buckets[part], params, now=batch.fetched_at, horizon=HORIZON),)
            messages.append(DedupMessage(hits=HitBatch(doc=article.doc, hits=hits)))
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
    batch = HitBatch(doc="a", hits=())
    assert (
        gather(
            DedupMessage(pending=PendingArticle(article=article, plan=signature, batches=1)),
            pending,
        )
        is None
    )
    assert gather(DedupMessage(hits=batch), pending) is not None
    assert gather(DedupMessage(hits=batch), pending) is None
    assert list(pending) == ["a"]
