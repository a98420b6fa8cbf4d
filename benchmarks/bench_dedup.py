"""Near-duplicate detection: precision, recall, speed and index size, beside datasketch.

    .venv/bin/python -m benchmarks.bench_dedup [--n 3000] [--seed 7] [--sweep]

Both detectors read the same generated corpus (``benchmarks/corpus.py``) in fetch order,
fold and shingle it the same way, and decide with the same thresholds and the same
boilerplate rule (a passage bucket with ``bucket_capacity`` docs is ignored); they differ in
hashing, signatures, LSH and index layout. datasketch's ``MinHashLSH`` keeps full
signatures to verify candidates (``MinHash.jaccard``); ours keeps 11-byte band entries and
4-bit sketches. Speed is articles per second on one core, indexing + query, fold included.

Scoring (ground truth from the generator):

- document level, per article: a true positive is a ``duplicate_of`` whose first match is
  of the same reprint family; recall is over articles with an earlier family member.
- passage level, per (article, passage) of non-reprint articles: a true positive is a
  passage reported as copied from an earlier article that really contains its text.

``--sweep`` adds the precision/recall curve over shingle size and band layouts that chose
the defaults (about a minute more).
"""

from __future__ import annotations

import argparse
import base64
import gc
import sys
import time
from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

import numpy as np

from agents.dedup import BandHit, DedupParams, check, decide, plan, probe, split_passages
from agents.normalize import normalize
from agents.normalize.text import fold
from benchmarks.corpus import Generated, generate_corpus
from streams.records import Article, DuplicateVerdict, RawArticle

HORIZON = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class Score:
    doc_p: float
    doc_r: float
    pass_p: float
    pass_r: float


class Truth:
    """Ground truth per article: its family, and the origins behind each passage id."""

    def __init__(
        self, corpus: Sequence[Generated], articles: Sequence[Article], params: DedupParams
    ):
        self.family = {g.doc: g.family for g in corpus}
        self.kind = {g.doc: g.kind for g in corpus}
        self.origins = {g.doc: frozenset().union(*g.origins) for g in corpus}
        self.passage_origins: dict[str, list[frozenset[int]]] = {}
        self.has_earlier: dict[str, bool] = {}
        seen_families: set[int] = set()
        seen_origins: set[int] = set()
        self.copied: dict[str, set[int]] = {}
        for g, article in zip(corpus, articles, strict=True):
            by_line: dict[str, frozenset[int]] = {}
            for line, origins in zip(g.text.split("\n"), g.origins, strict=True):
                by_line[line.strip()] = by_line.get(line.strip(), frozenset()) | origins
            per_passage: list[frozenset[int]] = []
            for line in article.text.split("\n"):
                if line.strip():
                    count = len(split_passages(line, params))
                    per_passage += [by_line.get(line.strip(), frozenset())] * count
            self.passage_origins[g.doc] = per_passage
            self.has_earlier[g.doc] = g.family in seen_families
            if g.kind != "reprint":
                self.copied[g.doc] = {
                    pid for pid, origins in enumerate(per_passage) if origins & seen_origins
                }
            seen_families.add(g.family)
            seen_origins |= self.origins[g.doc]

    def score(self, verdicts: dict[str, DuplicateVerdict]) -> Score:
        tp = fp = fn = 0
        ptp = pfp = pfn = 0
        for doc, verdict in verdicts.items():
            hit = verdict.kind == "duplicate_of" and (
                self.family[verdict.matches[0].doc] == self.family[doc]
            )
            if hit:
                tp += 1
            elif verdict.kind == "duplicate_of":
                fp += 1
            if self.has_earlier[doc] and not hit:
                fn += 1
            if self.kind[doc] == "reprint":
                continue
            claimed: dict[int, bool] = {}
            if verdict.kind == "contains_copies_of":
                for match in verdict.matches:
                    for pid in match.passage_ids:
                        ok = bool(self.passage_origins[doc][pid] & self.origins[match.doc])
                        claimed[pid] = claimed.get(pid, False) or ok
            ptp += sum(claimed.values())
            pfp += sum(not ok for ok in claimed.values())
            pfn += len(self.copied[doc] - {pid for pid, ok in claimed.items() if ok})
        return Score(
            _ratio(tp, tp + fp), _ratio(tp, tp + fn), _ratio(ptp, ptp + pfp), _ratio(ptp, ptp + pfn)
        )


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def _articles(corpus: Sequence[Generated]) -> list[Article]:
    return [
        normalize(
            RawArticle(
                doc=g.doc, text=g.text, source=g.source, origin="generated", fetched_at=g.fetched_at
            ),
            detector=lambda _text, lang=g.lang: lang,
        )
        for g in corpus
    ]


def run_ours(
    articles: Sequence[Article], params: DedupParams
) -> tuple[dict[str, DuplicateVerdict], float, dict[str, bytes]]:
    buckets: dict[str, bytes] = {}
    verdicts: dict[str, DuplicateVerdict] = {}
    gc.collect()
    start = time.process_time()
    for article in articles:
        verdicts[article.doc] = check(
            article, buckets, params, now=article.fetched_at, horizon=HORIZON
        )
    return verdicts, time.process_time() - start, buckets


def collect_hits(articles: Sequence[Article], params: DedupParams):
    """plan/probe once, keeping each article's plan and non-empty hits for re-deciding."""
    buckets: dict[str, bytes] = {}
    kept = []
    for article in articles:
        signature = plan(article, params)
        hits = [
            probe(
                p,
                buckets,
                now=article.fetched_at,
                horizon=HORIZON,
                capacity=params.bucket_capacity,
                source_repeats=params.source_repeats,
            )
            for p in signature.probes
        ]
        kept.append((article, signature, [h for h in hits if h.matches]))
    return kept


def redecide(kept, params: DedupParams) -> dict[str, DuplicateVerdict]:
    return {
        article.doc: decide(article, signature, hits, params) for article, signature, hits in kept
    }


def mapping_bytes(buckets: MutableMapping[str, bytes]) -> tuple[int, int]:
    """(bytes of keys + values, Python heap bytes of the dict with its str/bytes objects)."""
    payload = sum(len(k) + len(v) for k, v in buckets.items())
    heap = sys.getsizeof(buckets) + sum(
        sys.getsizeof(k) + sys.getsizeof(v) for k, v in buckets.items()
    )
    return payload, heap


# ---------------------------------------------------------------------------------------------
# datasketch baseline


class DatasketchDedup:
    """The same two-level decision on datasketch ``MinHash`` + ``MinHashLSH``."""

    def __init__(self, params: DedupParams, num_perm: int = 64) -> None:
        from datasketch import MinHash, MinHashLSH

        self.MinHash = MinHash
        self.params = params
        self.num_perm = num_perm
        self.doc_lsh = MinHashLSH(threshold=params.document_threshold, num_perm=num_perm)
        self.passage_lsh = MinHashLSH(threshold=params.passage_threshold, num_perm=num_perm)
        self.signatures: dict[object, object] = {}
        self.exact: dict[str, str] = {}
        self.passage_docs: dict[object, int] = {}

    def _minhashes(self, article: Article):
        params = self.params
        k = params.shingle_words
        doc = self.MinHash(num_perm=self.num_perm)
        passages = []
        for pid, passage in enumerate(split_passages(article.text, params)):
            words = _words(fold(passage))
            shingles = [" ".join(words[i : i + k]).encode() for i in range(len(words) - k + 1)]
            if not shingles:
                continue
            m = self.MinHash(num_perm=self.num_perm)
            m.update_batch(shingles)
            doc.merge(m)
            if len(words) >= params.min_passage_words:
                passages.append((pid, m))
        return doc, passages

    def check(self, article: Article) -> DuplicateVerdict:
        from streams.records import DuplicateMatch

        params = self.params
        first = self.exact.setdefault(article.text_hash, article.doc)
        if first != article.doc:
            return DuplicateVerdict(
                kind="duplicate_of",
                matches=(DuplicateMatch(doc=first, similarity=1.0),),
                exact=True,
            )
        doc, passages = self._minhashes(article)
        documents = []
        for other in self.doc_lsh.query(doc):
            similarity = doc.jaccard(self.signatures[other])
            if similarity >= params.document_threshold:
                documents.append((other, similarity))
        copied: dict[str, set[int]] = {}
        for pid, m in passages:
            found = self.passage_lsh.query(m)
            if len(found) >= params.bucket_capacity:
                continue  # the same boilerplate rule as ours
            for key in found:
                if m.jaccard(self.signatures[key]) >= params.passage_threshold:
                    copied.setdefault(key[0], set()).add(pid)
        self.doc_lsh.insert(article.doc, doc)
        self.signatures[article.doc] = doc
        for pid, m in passages:
            key = (article.doc, pid)
            self.passage_lsh.insert(key, m)
            self.signatures[key] = m
        if documents:
            documents.sort(key=lambda d: -d[1])
            return DuplicateVerdict(
                kind="duplicate_of",
                matches=tuple(DuplicateMatch(doc=d, similarity=s) for d, s in documents),
            )
        if copied:
            ranked = sorted(copied.items(), key=lambda item: -len(item[1]))
            return DuplicateVerdict(
                kind="contains_copies_of",
                matches=tuple(
                    DuplicateMatch(
                        doc=d, similarity=0.0, passages=len(p), passage_ids=tuple(sorted(p))
                    )
                    for d, p in ranked
                ),
            )
        return DuplicateVerdict()

    def index_bytes(self) -> int:
        """Signatures (uint32 per permutation) plus one band hash per band per item."""
        per_item = self.num_perm * 4 + self.doc_lsh.b * (self.doc_lsh.r * 4)
        return len(self.signatures) * per_item


def _words(folded: str) -> list[str]:
    import re

    return re.findall(r"[^\W_]+", folded)


def run_datasketch(articles: Sequence[Article], params: DedupParams):
    baseline = DatasketchDedup(params)
    verdicts = {}
    gc.collect()
    start = time.process_time()
    for article in articles:
        verdicts[article.doc] = baseline.check(article)
    return verdicts, time.process_time() - start, baseline


# ---------------------------------------------------------------------------------------------


def _row(name: str, score: Score, rate: float, per_article: float, heap: float | None) -> str:
    heap_text = f"{heap:8.0f}" if heap is not None else "       -"
    return (
        f"{name:<22} {score.doc_p:6.3f} {score.doc_r:6.3f} {score.pass_p:6.3f} {score.pass_r:6.3f}"
        f" {rate:9.0f} {per_article:9.0f} {heap_text}"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=3000, help="articles to generate")
    parser.add_argument("--seed", type=int, default=7, help="corpus seed")
    parser.add_argument("--sweep", action="store_true", help="also sweep shingle size and bands")
    args = parser.parse_args(argv)

    params = DedupParams()
    corpus = generate_corpus(args.n, seed=args.seed)
    articles = _articles(corpus)
    truth = Truth(corpus, articles, params)
    kinds = {k: sum(g.kind == k for g in corpus) for k in ("original", "reprint", "copy")}
    print(
        f"corpus: {len(corpus)} articles {kinds}, exact copies {sum(g.exact for g in corpus)},"
        f" copied passages {sum(len(v) for v in truth.copied.values())}"
    )

    fold_start = time.process_time()
    for article in articles:
        fold(article.text)
    fold_seconds = time.process_time() - fold_start

    ours, seconds, buckets = run_ours(articles, params)
    payload, heap = mapping_bytes(buckets)
    theirs, ds_seconds, baseline = run_datasketch(articles, params)
    n = len(articles)
    header = f"{'detector':<22} {'doc P':>6} {'doc R':>6} {'pas P':>6} {'pas R':>6} {'art/s':>9} {'B/article':>9} {'heap B/a':>8}"
    print(header)
    print("-" * len(header))
    print(_row("backchannel", truth.score(ours), n / seconds, payload / n, heap / n))
    print(
        _row(
            "datasketch MinHashLSH",
            truth.score(theirs),
            n / ds_seconds,
            baseline.index_bytes() / n,
            None,
        )
    )
    print(
        f"speed-up {ds_seconds / seconds:.2f}x; fold() alone {n / fold_seconds:.0f} art/s"
        f" ({fold_seconds / seconds:.0%} of ours); index keys {len(buckets)};"
        f" datasketch bytes = signatures + band hashes only (a lower bound)"
    )

    kept = collect_hits(articles, params)
    print("\nthreshold curve (default bands): doc threshold -> P/R | passage threshold -> P/R")
    for doc_t, pass_t in (
        (0.3, 0.2),
        (0.4, 0.25),
        (0.5, 0.3),
        (0.5, 0.35),
        (0.6, 0.4),
        (0.7, 0.5),
        (0.8, 0.6),
    ):
        s = truth.score(
            redecide(kept, replace(params, document_threshold=doc_t, passage_threshold=pass_t))
        )
        print(
            f"  doc {doc_t:.2f}: {s.doc_p:.3f}/{s.doc_r:.3f}   passage {pass_t:.2f}: {s.pass_p:.3f}/{s.pass_r:.3f}"
        )

    if args.sweep:
        sweep(articles, truth, params)


def sweep(articles: Sequence[Article], truth: Truth, params: DedupParams) -> None:
    print("\nsweep: k, doc b x r, passage b x r -> doc P/R, passage P/R, B/article, art/s")
    configs = [
        dict(shingle_words=k, doc_bands=db, doc_rows=dr, passage_bands=pb, passage_rows=pr)
        for k in (3, 4, 5)
        for db, dr in ((8, 2),)
        for pb, pr in ((6, 1),)
    ] + [
        dict(shingle_words=4, doc_bands=db, doc_rows=dr, passage_bands=pb, passage_rows=pr)
        for db, dr, pb, pr in (
            (4, 2, 6, 1),
            (8, 3, 6, 1),
            (12, 2, 6, 1),
            (8, 2, 4, 1),
            (8, 2, 8, 1),
            (8, 2, 8, 2),
            (8, 2, 12, 2),
            (8, 2, 6, 2),
        )
    ]
    for config in configs:
        variant = replace(params, **config)
        verdicts, seconds, buckets = run_ours(articles, variant)
        s = truth.score(verdicts)
        payload, _ = mapping_bytes(buckets)
        n = len(articles)
        print(
            f"  k={variant.shingle_words} doc {variant.doc_bands}x{variant.doc_rows}"
            f" passage {variant.passage_bands}x{variant.passage_rows}:"
            f" {s.doc_p:.3f}/{s.doc_r:.3f}  {s.pass_p:.3f}/{s.pass_r:.3f}  {payload / n:6.0f}  {n / seconds:6.0f}"
        )


if __name__ == "__main__":
    main()
