"""Near-duplicate detection: reprints (``duplicate_of``) and copied passages.

Three pure steps, so the Kafka runtime never needs every article in one process:

``plan(article)``
    MinHash signatures of the whole text and of each passage (``_fingerprint``), cut into
    LSH bands; one ``BandProbe`` per band, plus one for the exact text hash.
``probe(band_probe, buckets)``
    Runs where the band's bucket lives (``dedup.bands`` is keyed by band key): reports the
    earlier docs in the bucket, adds this one, drops entries older than the horizon.
``decide(article, plan, hits)``
    Once every probe has answered: counts shared bands per earlier doc (and per passage
    pair) and estimates Jaccard similarity from the fraction ``f`` of shared bands,
    ``s ~ f**(1/rows)`` (a band of ``rows`` MinHash values collides with probability
    ``s**rows``). Buckets hold no signatures, only 11-byte entries.

``check`` composes the three over one mapping for the embedded runtime.

Order of decision: exact text hash first (``exact=True``); then the document level
(``duplicate_of``, best match first); then passages (``contains_copies_of``, the earlier
articles whose passages this one repeats, with this article's passage ids).

Parameters (``DedupParams`` defaults), measured with ``benchmarks/bench_dedup.py``:
TUNING_PLACEHOLDER
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, MutableMapping, Sequence
from datetime import datetime, timedelta

import numpy as np

from agents.dedup._fingerprint import (
    band_keys,
    exact_key,
    fingerprint,
    sketch_similarity,
    split_passages,
)
from agents.dedup.index import ProbeCache, probe, sweep
from agents.dedup.params import DedupParams
from agents.dedup.probes import BandHit, BandMatch, BandProbe, PassageSketch, SignaturePlan
from streams.errors import StageError
from streams.records import Article, DuplicateMatch, DuplicateVerdict

__all__ = ["ProbeCache", "check", "decide", "plan", "probe", "split_passages", "sweep"]

logger = logging.getLogger(__name__)


def plan(article: Article, params: DedupParams) -> SignaturePlan:
    """Fingerprint ``article`` and list the band probes that index and query it."""
    doc, when, source = article.doc, article.fetched_at, article.source
    fp = fingerprint(split_passages(article.text, params), params)
    probes = [
        BandProbe(
            doc=doc,
            band_key=exact_key(article.text_hash),
            level="exact",
            passage_id=None,
            band=0,
            fetched_at=when,
            source=source,
            doc_sketch=fp.doc_sketch,
            shingles=fp.distinct,
        )
    ]
    if fp.doc is not None:
        keys = band_keys(fp.doc[None, :], "doc", params.doc_bands, params.doc_rows)[0]
        probes += [
            BandProbe(
                doc=doc,
                band_key=key,
                level="doc",
                passage_id=None,
                band=band,
                fetched_at=when,
                source=source,
                doc_sketch=fp.doc_sketch,
                shingles=fp.distinct,
            )
            for band, key in enumerate(keys)
        ]
    if fp.passages:
        values = np.stack([passage[2] for passage in fp.passages])
        rows = band_keys(values, "passage", params.passage_bands, params.passage_rows)
        for (pid, _, _, sketch), keys in zip(fp.passages, rows, strict=True):
            probes += [
                BandProbe(
                    doc=doc,
                    band_key=key,
                    level="passage",
                    passage_id=pid,
                    band=band,
                    fetched_at=when,
                    source=source,
                    doc_sketch=fp.doc_sketch,
                    shingles=fp.distinct,
                    sketch=sketch,
                )
                for band, key in enumerate(keys)
            ]
    return SignaturePlan(
        doc=doc,
        fetched_at=when,
        probes=tuple(probes),
        sketch=fp.doc_sketch,
        passages=tuple(
            PassageSketch(passage_id=pid, shingles=n, sketch=sketch)
            for pid, n, _, sketch in fp.passages
        ),
        shingles=fp.distinct,
    )


def decide(
    article: Article, plan: SignaturePlan, hits: Sequence[BandHit], params: DedupParams
) -> DuplicateVerdict:
    """The verdict for ``article`` from the answers to every probe of ``plan``.

    Bands only nominate candidates; each candidate is scored by its sketch. Raises
    ``StageError`` when a hit belongs to another article (a routing bug upstream).
    """
    first_seen: dict[str, datetime] = {}
    doc_sketches: dict[str, str] = {}
    doc_sizes: dict[str, int] = {}
    passage_sketches: dict[tuple[str, int], str] = {}
    pairs: set[tuple[int, str, int]] = set()
    exact: list[BandMatch] = []
    for hit in hits:
        if hit.doc != plan.doc or hit.doc != article.doc:
            raise StageError(f"dedup hit for {hit.doc!r} reached the decision for {plan.doc!r}")
        for match in hit.matches:
            seen = first_seen.get(match.doc)
            if seen is None or match.fetched_at < seen:
                first_seen[match.doc] = match.fetched_at
            doc_sketches[match.doc] = match.doc_sketch
            doc_sizes[match.doc] = match.shingles
            if hit.level == "passage" and match.passage_id is not None and not hit.common:
                passage_sketches[(match.doc, match.passage_id)] = match.sketch
                if hit.passage_id is not None:
                    pairs.add((hit.passage_id, match.doc, match.passage_id))
        if hit.level == "exact":
            exact.extend(hit.matches)
    if exact:
        origin = min(exact, key=lambda m: (m.fetched_at, m.doc))
        match = DuplicateMatch(doc=origin.doc, similarity=1.0)
        return DuplicateVerdict(kind="duplicate_of", matches=(match,), exact=True)

    own = {passage.passage_id: passage.sketch for passage in plan.passages}
    copied: dict[str, dict[int, float]] = defaultdict(dict)
    for pid, doc, theirs in pairs:
        similarity = sketch_similarity(own[pid], passage_sketches[(doc, theirs)])
        if similarity >= params.passage_threshold and similarity > copied[doc].get(pid, 0.0):
            copied[doc][pid] = round(similarity, 4)
    documents = []
    for doc, sketch in doc_sketches.items():
        similarity = round(sketch_similarity(plan.sketch, sketch), 4)
        if similarity >= params.document_threshold and (
            _containment(similarity, plan.shingles, doc_sizes[doc]) >= params.document_containment
        ):
            documents.append((doc, similarity))
    if documents:
        documents.sort(key=lambda d: (-d[1], first_seen[d[0]], d[0]))
        matches = tuple(_match(doc, sim, copied.get(doc, {})) for doc, sim in documents)
        return DuplicateVerdict(kind="duplicate_of", matches=matches)
    ranked = sorted(
        ((doc, sims) for doc, sims in copied.items() if sims),
        key=lambda item: (-len(item[1]), -_mean(item[1].values()), first_seen[item[0]], item[0]),
    )
    if ranked:
        matches = tuple(_match(doc, _mean(sims.values()), sims) for doc, sims in ranked)
        return DuplicateVerdict(kind="contains_copies_of", matches=matches)
    return DuplicateVerdict()


def _containment(jaccard: float, mine: int, theirs: int) -> float:
    """Share of this article's shingles found in the other: ``|A&B| / |A|`` from Jaccard.

    ``|A&B| = J (|A| + |B|) / (1 + J)``. A trimmed reprint is contained in its source
    (containment near 1) even when the trim lowers Jaccard; an article that adds half new
    text around copied passages is not (near 0.5), whatever its Jaccard.
    """
    if mine <= 0 or theirs <= 0:
        return jaccard
    return min(1.0, jaccard * (mine + theirs) / ((1.0 + jaccard) * mine))


def _mean(values: Iterable[float]) -> float:
    items = list(values)
    return round(sum(items) / len(items), 4) if items else 0.0


def _match(doc: str, similarity: float, passages: dict[int, float]) -> DuplicateMatch:
    return DuplicateMatch(
        doc=doc,
        similarity=similarity,
        passages=len(passages),
        passage_ids=tuple(sorted(passages)),
    )


def check(
    article: Article,
    buckets: MutableMapping[str, bytes],
    params: DedupParams,
    *,
    now: datetime,
    horizon: timedelta,
) -> DuplicateVerdict:
    """``plan``, ``probe`` every band, ``decide``: the embedded runtime's single call.

    The same three functions the Kafka agents run, over one mapping instead of partitions.
    """
    signature = plan(article, params)
    cache = ProbeCache()
    hits = [
        probe(
            p,
            buckets,
            now=now,
            horizon=horizon,
            capacity=params.bucket_capacity,
            source_repeats=params.source_repeats,
            cache=cache,
        )
        for p in signature.probes
    ]
    return decide(article, signature, hits, params)
