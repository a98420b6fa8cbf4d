"""Near-duplicates are caught across partitions and workers, on a real broker.

An original and its copies are keyed by different doc ids, and the ids here are chosen so that
``articles.raw`` puts each on a different partition (Kafka's default partitioner: murmur2 of
the key), with two ``backchannel worker`` processes sharing the partitions. The dedup stage
must still find the copies: band probes are routed to the partition that owns each band
bucket (``dedup.bands``), whichever worker reads the article. The originals go in first and
their verdicts come out before the reprints are produced, and the reprints' before the
passage copies, as in the news, where copies follow.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from aiokafka.partitioner import murmur2

from streams.codec import decode
from streams.records import Article, RawArticle
from streams.settings import Settings
from streams.topics import Topic, topic_name
from tests.integration.kafka_fixture import run_sync
from tests.integration.pipeline_process import WorkerProcess, pipeline_env, unique_prefix
from tests.integration.test_scale_out import (
    APP_ID,
    CommittedReader,
    group_assignment,
    has_members,
    load_articles,
    produce,
    wait_for,
)

pytestmark = [pytest.mark.kafka, pytest.mark.slow]

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "scale"
PARTITIONS = 4  # Settings' default, which the workers use here


def raw_partition(doc: str) -> int:
    """The ``articles.raw`` partition of ``doc``: aiokafka's DefaultPartitioner on the key."""
    hashed: int = murmur2(doc.encode("utf-8"))
    return (hashed & 0x7FFFFFFF) % PARTITIONS


def test_copies_on_other_partitions_are_caught(kafka_broker: str, tmp_path: Path) -> None:
    originals = load_articles(FIXTURES / "dedup_originals.jsonl")
    copies = load_articles(FIXTURES / "dedup_copies.jsonl")
    by_doc = {a.doc: a for a in [*originals, *copies]}
    # doc ids: <lang>-orig-N, <lang>-reprint-N, <lang>-passages-N
    groups: dict[tuple[str, str], dict[str, str]] = {}
    for doc in by_doc:
        lang, kind, n = doc.split("-")
        groups.setdefault((lang, n), {})[kind] = doc
    assert len(groups) == 2
    for family in groups.values():
        assert set(family) == {"orig", "reprint", "passages"}
        partitions = {raw_partition(doc) for doc in family.values()}
        assert len(partitions) == 3, f"{family} should use three different partitions"

    prefix = unique_prefix()
    group = f"{prefix}{APP_ID}"
    settings = Settings(broker=f"kafka://{kafka_broker}", topic_prefix=prefix)
    workers = [
        WorkerProcess(
            pipeline_env(kafka_broker, prefix, tmp_path / f"state-{name}"),
            tmp_path / f"worker-{name}.log",
            tmp_path,
        )
        for name in ("a", "b")
    ]
    articles_topic = topic_name(Topic.ARTICLES, prefix)
    raw_topic = topic_name(Topic.ARTICLES_RAW, prefix)
    reader = CommittedReader(kafka_broker, [articles_topic])
    owners: dict[int, str] = {}

    def out() -> dict[str, Article]:
        return {a.doc: a for a in (decode(Article, v) for v in reader.values(articles_topic))}

    async def scenario() -> None:
        for worker in workers:
            worker.start()
        await wait_for(lambda: has_members(kafka_broker, group, 2), "two workers", 180)
        for member, owned in (await group_assignment(kafka_broker, group)).items():
            owners.update({p: member for topic, p in owned if topic == raw_topic})
        await reader.start()
        try:
            await produce(settings, originals, pause=0)

            async def originals_out() -> bool:
                await reader.poll()
                return {a.doc for a in originals} <= set(out())

            await wait_for(originals_out, "the originals' verdicts", 180)
            # Reprints, then the passage copies: an article probed while another is still
            # writing its bands sees only the bands written so far (docs/topics.md), so the
            # waves keep every verdict deterministic.
            for wave in ("reprint", "passages"):
                batch = [a for a in copies if a.doc.split("-")[1] == wave]
                await produce(settings, batch, pause=0)

                async def wave_out(batch: list[RawArticle] = batch) -> bool:
                    await reader.poll()
                    return {a.doc for a in batch} <= set(out())

                await wait_for(wave_out, f"the {wave} verdicts", 180)
        finally:
            await reader.stop()

    try:
        run_sync(scenario())
    finally:
        for worker in workers:
            worker.stop()

    assert len(set(owners.values())) == 2, "both workers should own articles.raw partitions"
    verdicts = out()
    for family in groups.values():
        orig, reprint, passages = family["orig"], family["reprint"], family["passages"]
        # Each family spans three partitions, so at least one copy was read by the other worker.
        assert {owners[raw_partition(d)] for d in family.values()} == set(owners.values())
        assert verdicts[orig].duplicate.kind == "unique"
        assert verdicts[reprint].duplicate.kind == "duplicate_of"
        assert verdicts[reprint].duplicate.matches[0].doc == orig
        assert verdicts[passages].duplicate.kind == "contains_copies_of"
        assert orig in {m.doc for m in verdicts[passages].duplicate.matches}
        assert all(m.passages >= 2 for m in verdicts[passages].duplicate.matches)
