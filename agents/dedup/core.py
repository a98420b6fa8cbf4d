"""Near-duplicate detection: reprints (``duplicate_of``) and copied passages.

Three pure steps, so the Kafka runtime never needs every article in one process:

``plan(article)``
    MinHash values of the whole text and of each passage (``_fingerprint``), cut into LSH
    bands; one ``BandProbe`` per band, plus one for the exact text hash.
``probe(band_probe, buckets)``
    Runs where the band's bucket lives (``dedup.bands`` is keyed by band key): reports the
    earlier docs in the bucket with their sketches, adds this one, drops entries older than
    the horizon (``index``).
``decide(article, plan, hits)``
    Once every probe has answered: every earlier doc, and every pair of passages, that
    shared a band is a candidate, scored by its 2-bit sketch carried in the hit. Buckets
    hold 12-byte entries; sketches are stored once per doc and passage beside them.

``check`` composes the three over one mapping for the embedded runtime.

Order of decision: exact text hash first (``exact=True``); then the document level
(``duplicate_of``: estimated Jaccard >= ``document_threshold`` and containment of this
article in the other >= ``document_containment``, best match first); then passages
(``contains_copies_of``: the earlier articles whose passages this one repeats, most passages
first, with this article's passage ids into ``split_passages``).

Why these defaults (``benchmarks/bench_dedup.py``, 2,500 generated articles, 343 words on
average: 808 reprints, 366 articles with 651 copied passages; P/R = precision/recall):

- Similarity from the share of colliding bands (``s ~ f**(1/rows)``), tried first, is too
  coarse with the bands an index can afford (6-8 per passage: one band more or less moves
  the estimate by 0.1-0.2); on an earlier version of the corpus its passage precision
  stayed at or below 0.86. A 2-bit sketch of 128 further MinHash values (32 bytes, standard
  error 0.057 at J = 0.5) scores candidates instead: 4-bit x 64 values in the same bytes
  lost one of the real seeds' two edited copies (J = 0.53 and 0.6 at k = 4) in 4 of 30
  permutation seeds, 2-bit x 128 in none.
- k = 4 words: passage P/R 0.945/0.955, against 0.900/0.954 for k = 3 (formulaic sentences
  share more trigrams) and 0.964/0.949 for k = 5, which loses the seed copies in 5 of 30
  permutation seeds (an edited lead-in breaks more 5-grams).
- Passage bands 8 x 2 rows: a J = 0.5 passage is nominated 90% of the time; 6 x 2 drops
  passage recall to 0.928, 10 x 2 adds 0.011 for 16% more index; 1 row fills buckets with
  common phrases (recall 0.943). Document bands 6 x 2: 4 and 8 bands measure the same,
  since passage hits also nominate reprints; kept for re-paragraphed reprints.
- Thresholds, document (containment >= 0.55): Jaccard 0.3 0.989/0.999, 0.4 0.998/0.993,
  0.5 0.999/0.978, 0.6 1.000/0.892. Passage: 0.35 0.889/0.957, 0.4 0.945/0.955,
  0.45 0.966/0.946, 0.5 0.974/0.935; 0.45 misses a seed copy in 6 of 30 permutation seeds.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, MutableMapping, Sequence
from datetime import datetime, timedelta

from agents.dedup._fingerprint import (
    exact_key,
    fingerprint,
    sketch_bits,
    sketch_similarity,
    split_passages,
)
from agents.dedup.index import ProbeCache, probe, sweep
from agents.dedup.params import DedupParams
from agents.dedup.probes import (
    ArticleSketch,
    BandHit,
    BandMatch,
    BandProbe,
    PassageSketch,
    SignaturePlan,
)
from streams.errors import StageError
from streams.records import Article, DuplicateMatch, DuplicateVerdict

__all__ = ["ProbeCache", "check", "decide", "plan", "probe", "split_passages", "sweep"]

logger = logging.getLogger(__name__)


def plan(article: Article, params: DedupParams) -> SignaturePlan:
    """Fingerprint ``article`` and list the band probes that index and query it."""
    fp = fingerprint(split_passages(article.text, params), params)
    me = ArticleSketch(
        doc=article.doc,
        fetched_at=article.fetched_at,
        source=article.source,
        shingles=fp.distinct,
        sketch=fp.doc_sketch,
    )
    probes = [BandProbe(band_key=exact_key(article.text_hash), level="exact", article=me)]
    probes += [BandProbe(band_key=key, level="doc", article=me) for key in fp.doc_keys]
    passages = []
    for pid, shingles, keys, sketch in fp.passages:
        passage = PassageSketch(passage_id=pid, shingles=shingles, sketch=sketch)
        passages.append(passage)
        probes += [
            BandProbe(band_key=key, level="passage", article=me, passage=passage) for key in keys
        ]
    return SignaturePlan(article=me, probes=tuple(probes), passages=tuple(passages))


def decide(
    article: Article, plan: SignaturePlan, hits: Sequence[BandHit], params: DedupParams
) -> DuplicateVerdict:
    """The verdict for ``article`` from the answers to every probe of ``plan``.

    Bands only nominate candidates; each candidate is scored by its sketch. Raises
    ``StageError`` when a hit belongs to another article (a routing bug upstream).
    """
    first_seen: dict[str, datetime] = {}
    documents: dict[str, BandMatch] = {}
    pairs: dict[tuple[int, str, int], str] = {}
    exact: list[BandMatch] = []
    me = plan.article
    for hit in hits:
        if hit.doc != me.doc or hit.doc != article.doc:
            raise StageError(f"dedup hit for {hit.doc!r} reached the decision for {me.doc!r}")
        for match in hit.matches:
            seen = first_seen.get(match.doc)
            if seen is None or match.fetched_at < seen:
                first_seen[match.doc] = match.fetched_at
            documents[match.doc] = match
            if hit.passage_id is not None and match.passage_id is not None:
                pairs[(hit.passage_id, match.doc, match.passage_id)] = match.sketch
        if hit.level == "exact":
            exact.extend(hit.matches)
    if exact:
        origin = min(exact, key=lambda m: (m.fetched_at, m.doc))
        first = DuplicateMatch(doc=origin.doc, similarity=1.0)
        return DuplicateVerdict(kind="duplicate_of", matches=(first,), exact=True)

    bits: dict[str, tuple[int, int]] = {}

    def unpack(sketch: str) -> tuple[int, int]:
        found = bits.get(sketch)
        if found is None:
            found = bits[sketch] = sketch_bits(sketch)
        return found

    own = {passage.passage_id: unpack(passage.sketch) for passage in plan.passages}
    copied: dict[str, dict[int, float]] = defaultdict(dict)
    for (pid, doc, _), theirs in pairs.items():
        similarity = sketch_similarity(own[pid], unpack(theirs))
        if similarity >= params.passage_threshold and similarity > copied[doc].get(pid, 0.0):
            copied[doc][pid] = similarity
    mine = unpack(me.sketch)
    reprinted = []
    for doc, match in documents.items():
        similarity = sketch_similarity(mine, unpack(match.doc_sketch))
        if similarity >= params.document_threshold and (
            _containment(similarity, me.shingles, match.shingles) >= params.document_containment
        ):
            reprinted.append((doc, similarity))
    if reprinted:
        reprinted.sort(key=lambda d: (-d[1], first_seen[d[0]], d[0]))
        matches = tuple(_match(doc, sim, copied.get(doc, {})) for doc, sim in reprinted)
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
    return sum(items) / len(items) if items else 0.0


def _match(doc: str, similarity: float, passages: dict[int, float]) -> DuplicateMatch:
    return DuplicateMatch(
        doc=doc,
        similarity=round(similarity, 4),
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
