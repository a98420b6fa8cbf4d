"""Near-duplicate detection: reprints (``duplicate_of``) and copied passages.

Three pure steps, so the Kafka runtime never needs every article in one process:

``plan(article)``
    MinHash values of the whole text and of each passage (``_fingerprint``), cut into LSH
    bands: the band keys (exact text hash first, then document bands, then each passage's),
    what each key fingerprints, and the 2-bit sketches. No object per band.
``probe(batch, buckets, params)``
    Runs where the keys' buckets live (``gather.batch_probes`` groups an article's keys by
    owning partition; the embedded runtime probes the whole plan as one batch): nominates
    the earlier docs in each bucket, adds this one, drops entries older than the horizon,
    writes this article's record once, and scores every nominated doc and pair of passages
    by the sketches stored in the records (``index``). A hit carries scores, not sketches.
``decide(article, plan, hits)``
    Once every batch has answered: thresholds on the scores, then the verdict.

``check`` composes the three over one mapping for the embedded runtime.

Order of decision: exact text hash first (``exact=True``); then the document level
(``duplicate_of``: estimated Jaccard >= ``document_threshold`` and containment of this
article in the other >= ``document_containment``, best match first); then passages
(``contains_copies_of``: the earlier articles whose passages this one repeats, most passages
first, with this article's passage ids into ``split_passages``).

Index (``_bucket``): a band costs a 6-character key and a 7-byte entry (doc hash, passage
id); fetch time, outlet and sketches live once per doc in its record. Real seeds: 1.6 KB
per article (2.45 KB with 12-byte entries, 8-character keys and a key per passage sketch);
generated corpus: 907 bytes per article (1,358).

Why these defaults (``benchmarks/bench_dedup.py --sweep``, 2,500 generated articles, 330 words
on average: 782 reprints, 390 articles with 700 copied passages; P/R = precision/recall):

- Similarity from the share of colliding bands (``s ~ f**(1/rows)``), tried first, is too
  coarse with the bands an index can afford (6-8 per passage: one band more or less moves
  the estimate by 0.1-0.2); on an earlier version of the corpus its passage precision
  stayed at or below 0.86. A 2-bit sketch of 128 further MinHash values (32 bytes, standard
  error 0.057 at J = 0.5) scores candidates instead: 4-bit x 64 values in the same bytes
  lost one of the real seeds' two edited copies (J = 0.53 and 0.6 at k = 4) in 4 of 30
  permutation seeds, 2-bit x 128 in none.
- k = 4 words: document/passage P/R 0.997/0.985 and 0.954/0.947, against 0.994/0.990 and
  0.904/0.940 for k = 3 (formulaic sentences share more trigrams) and 0.999/0.978 and
  0.962/0.937 for k = 5 (an edited lead-in breaks more 5-grams; on an earlier corpus k = 5
  lost the seed copies in 5 of 30 permutation seeds).
- Passage bands 8 x 2 rows (a J = 0.5 passage is nominated 90% of the time): 6 x 2 drops
  passage recall to 0.937 (13 probes and 134 bytes fewer per article), 10 x 2 gains 0.004
  recall for 0.008 precision and 15% more index, 8 x 1 fills buckets with common phrases
  (0.955/0.939), 12 x 3 measures 0.953/0.933 with 36% more index.
- Document bands 2 x 2: 1, 2, 4 and 6 bands measure the same at both levels, and the same
  0.977 recall on reprints re-paragraphed into one line (passage bands of their sentence
  groups find them): passage hits nominate reprints too. Two rather than one for short
  articles with no passage of ``min_passage_words``, where document bands are all there is;
  each band more costs a probe and ~11 bytes per article (6 bands: 950 bytes, 60 probes).
- Thresholds, document (containment >= 0.55): Jaccard 0.3 0.992/0.988, 0.4 0.999/0.983,
  0.5 1.000/0.964, 0.6 1.000/0.882, 0.7 1.000/0.692. 0.5 since 2026-11-22 (0.4 before): the
  one false reprint per 2,500 articles at 0.4 is gone, recall stays above datasketch's at
  equal precision (0.926 with the same rule), and an article that stops being a reprint
  is still checked for copied passages (passage P/R 0.951/0.961 at 0.5 against
  0.950/0.957 at 0.4). Passage, at document 0.5: 0.35 0.900/0.963, 0.4 0.951/0.961,
  0.45 0.984/0.947, 0.5 0.986/0.937; 0.45 missed a seed copy in 6 of 30 permutation seeds.
- ``report_floor`` 0.25: an article nominates 18 docs on average, mostly through phrases
  that same-beat articles share; 1.7 of them score 0.25 or more, the rest would only fill
  the hits.
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping, Sequence
from datetime import datetime, timedelta

from agents.dedup._fingerprint import exact_key, fingerprint, split_passages
from agents.dedup.index import probe, sweep
from agents.dedup.params import DedupParams
from agents.dedup.probes import (
    EXACT,
    ArticleSketch,
    BandHit,
    BandMatch,
    PassageSketch,
    SignaturePlan,
)
from streams.errors import StageError
from streams.records import Article, DuplicateMatch, DuplicateVerdict

__all__ = ["check", "decide", "plan", "prepare", "probe", "split_passages", "sweep"]


def plan(article: Article, params: DedupParams) -> SignaturePlan:
    """Fingerprint ``article``: the band keys that index and query it, and its sketches."""
    fp = fingerprint(split_passages(article.text, params), params)
    return SignaturePlan(
        article=ArticleSketch(
            doc=article.doc,
            fetched_at=article.fetched_at,
            source=article.source,
            shingles=fp.distinct,
            sketch=fp.doc_sketch,
        ),
        passages=tuple(
            PassageSketch(passage_id=pid, shingles=shingles, sketch=sketch)
            for pid, shingles, sketch in fp.passages
        ),
        keys=(exact_key(article.text_hash), *fp.keys),
        targets=(EXACT, *fp.targets),
    )


def prepare(params: DedupParams) -> None:
    """Load the compiled loops ``plan`` runs (numba: ~0.4 s from its cache, ~4 s to compile
    without one) now, at start-up, rather than on the first article a worker is given."""
    fingerprint(["a warm-up passage long enough to have shingles and bands"], params)


def decide(
    article: Article, plan: SignaturePlan, hits: Sequence[BandHit], params: DedupParams
) -> DuplicateVerdict:
    """The verdict for ``article`` from the answers to every probe batch of ``plan``.

    A doc found in several partitions comes back once from each, with the same scores.
    Raises ``StageError`` when a hit belongs to another article (a routing bug upstream).
    """
    me = plan.article
    found: dict[str, BandMatch] = {}
    first_seen: dict[str, datetime] = {}
    copied: dict[str, dict[int, float]] = {}
    exact: list[BandMatch] = []
    for hit in hits:
        if hit.doc != me.doc or hit.doc != article.doc:
            raise StageError(f"dedup hit for {hit.doc!r} reached the decision for {me.doc!r}")
        for match in hit.matches:
            seen = first_seen.get(match.doc)
            if seen is None or match.fetched_at < seen:
                first_seen[match.doc] = match.fetched_at
            found[match.doc] = match
            if match.exact:
                exact.append(match)
            for pid, _, similarity in match.passages:
                if similarity >= params.passage_threshold:
                    sims = copied.setdefault(match.doc, {})
                    if similarity > sims.get(pid, 0.0):
                        sims[pid] = similarity
    if exact:
        origin = min(exact, key=lambda m: (m.fetched_at, m.doc))
        first = DuplicateMatch(doc=origin.doc, similarity=1.0)
        return DuplicateVerdict(kind="duplicate_of", matches=(first,), exact=True)
    reprinted = [
        (doc, match.similarity)
        for doc, match in found.items()
        if match.similarity >= params.document_threshold
        and _containment(match.similarity, me.shingles, match.shingles)
        >= params.document_containment
    ]
    if reprinted:
        reprinted.sort(key=lambda d: (-d[1], first_seen[d[0]], d[0]))
        matches = tuple(_match(doc, sim, copied.get(doc, {})) for doc, sim in reprinted)
        return DuplicateVerdict(kind="duplicate_of", matches=matches)
    ranked = sorted(
        copied.items(),
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
    """``plan``, ``probe`` the whole plan as one batch, ``decide``: the embedded runtime's call.

    The same three functions the Kafka agents run, over one mapping instead of partitions.
    """
    signature = plan(article, params)
    hit = probe(signature.probes, buckets, params, now=now, horizon=horizon)
    return decide(article, signature, (hit,), params)
