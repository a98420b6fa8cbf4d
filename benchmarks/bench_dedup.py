"""Near-duplicate detection: precision, recall, speed and index size, beside datasketch.

    .venv/bin/python -m benchmarks.bench_dedup [--n 2500] [--seed 7] [--sweep]

Every detector reads the same generated corpus (``benchmarks/corpus.py``) in fetch order,
folds and shingles it the same way (``fold``, 4-word shingles, the same passages), and
decides with the same thresholds and boilerplate rule; they differ in hashing, signatures,
LSH and index layout. datasketch's ``MinHashLSH`` keeps full 64-value signatures to verify
candidates (``MinHash.jaccard``); backchannel keeps a 7-byte entry under a 6-character key
per band plus one record per document with its 2-bit sketches (the document's and each
passage's). datasketch runs twice: as its README shows (a new
``MinHash`` per set, which redraws the permutations each time) and tuned (permutations drawn
once and shared, its documented fast path).

Speed: articles per CPU-second of this process (``time.process_time``), indexing + query,
``fold`` included, the detectors interleaved article by article so that other load on the
machine weighs on all alike, after a warm-up on throwaway instances (numba loading or
compiling backchannel's MinHash loop is a once-per-process cost, like an import). Index
size: bytes of keys + values in the mapping per article (what a Faust table stores), and
the Python heap of the embedded ``dict`` per article.

Scoring (ground truth from the generator):

- document level, per article: a true positive is a ``duplicate_of`` whose first match is
  of the same reprint family; recall is over articles with an earlier family member.
- passage level, per (article, passage) of non-reprint articles: a true positive is a
  passage reported as copied from an earlier article that really contains its text.

``--sweep`` adds the precision/recall comparison over shingle size and band layouts that
chose the defaults, with document recall on re-paragraphed reprints (a few minutes).
"""

from __future__ import annotations

import argparse
import gc
import re
import sys
import time
from collections.abc import Callable, MutableMapping, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from agents.dedup import (
    BandHit,
    DedupParams,
    SignaturePlan,
    check,
    decide,
    plan,
    probe,
    split_passages,
)
from agents.normalize import normalize
from agents.normalize.text import fold
from benchmarks.corpus import Generated, generate_corpus
from streams.records import Article, DuplicateMatch, DuplicateVerdict, RawArticle

HORIZON = timedelta(days=7)
_WORDS = re.compile(r"[^\W_]+")


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
        self.copied: dict[str, set[int]] = {}
        seen_families: set[int] = set()
        seen_origins: set[int] = set()
        for g, article in zip(corpus, articles, strict=True):
            by_line: dict[str, frozenset[int]] = {}
            for line, origins in zip(g.text.split("\n"), g.origins, strict=True):
                by_line[line.strip()] = by_line.get(line.strip(), frozenset()) | origins
            per_passage: list[frozenset[int]] = []
            for line in article.text.split("\n"):
                if line.strip():  # passage ids count lines (and sentence groups) in order
                    count = len(split_passages(line, params))
                    per_passage += [by_line.get(line.strip(), frozenset())] * count
            self.passage_origins[g.doc] = per_passage
            self.has_earlier[g.doc] = g.family in seen_families
            if g.kind != "reprint":
                self.copied[g.doc] = {pid for pid, o in enumerate(per_passage) if o & seen_origins}
            seen_families.add(g.family)
            seen_origins |= self.origins[g.doc]

    def score(self, verdicts: dict[str, DuplicateVerdict]) -> Score:
        tp = fp = fn = ptp = pfp = pfn = 0
        for doc, verdict in verdicts.items():
            hit = verdict.kind == "duplicate_of" and (
                self.family[verdict.matches[0].doc] == self.family[doc]
            )
            tp += hit
            fp += verdict.kind == "duplicate_of" and not hit
            fn += self.has_earlier[doc] and not hit
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
    """Normalised articles; the generator knows each language, so langdetect is skipped."""
    return [
        normalize(
            RawArticle(
                doc=g.doc, text=g.text, source=g.source, origin="generated", fetched_at=g.fetched_at
            ),
            detector=_known(g.lang),
        )
        for g in corpus
    ]


def _known(lang: str) -> Callable[[str], str]:
    """A language detector that answers ``lang`` whatever the text."""
    return lambda _text: lang


class Ours:
    """backchannel's ``check`` over one dict: the embedded runtime's path."""

    name = "backchannel"

    def __init__(self, params: DedupParams) -> None:
        self.params = params
        self.buckets: dict[str, bytes] = {}

    def check(self, article: Article) -> DuplicateVerdict:
        return check(article, self.buckets, self.params, now=article.fetched_at, horizon=HORIZON)

    def index_bytes(self) -> tuple[int, int]:
        return mapping_bytes(self.buckets)


class DatasketchDedup:
    """The same two-level decision on datasketch ``MinHash`` + ``MinHashLSH``."""

    def __init__(
        self, params: DedupParams, *, shared_permutations: bool, num_perm: int = 64
    ) -> None:
        from datasketch import MinHash, MinHashLSH

        self.name = "datasketch (tuned)" if shared_permutations else "datasketch (as documented)"
        self.params = params
        self.num_perm = num_perm
        permutations = MinHash(num_perm=num_perm).permutations
        if shared_permutations:
            self._new: Callable[[], Any] = lambda: MinHash(
                num_perm=num_perm, permutations=permutations, scheme="affine32"
            )
        else:
            self._new = lambda: MinHash(num_perm=num_perm)
        self.doc_lsh = MinHashLSH(threshold=params.document_threshold, num_perm=num_perm)
        self.passage_lsh = MinHashLSH(threshold=params.passage_threshold, num_perm=num_perm)
        self.signatures: dict[object, Any] = {}
        self.sizes: dict[str, int] = {}
        self.exact: dict[str, str] = {}

    def _minhashes(self, article: Article) -> tuple[Any, list[tuple[int, Any]], int]:
        params = self.params
        k = params.shingle_words
        doc = self._new()
        distinct: set[bytes] = set()
        passages = []
        for pid, passage in enumerate(split_passages(article.text, params)):
            words = _WORDS.findall(fold(passage))
            shingles = [" ".join(words[i : i + k]).encode() for i in range(len(words) - k + 1)]
            if not shingles:
                continue
            distinct.update(shingles)
            m = self._new()
            m.update_batch(shingles)
            doc.merge(m)
            if len(words) >= params.min_passage_words:
                passages.append((pid, m))
        return doc, passages, len(distinct)

    def check(self, article: Article) -> DuplicateVerdict:
        params = self.params
        first = self.exact.setdefault(article.text_hash, article.doc)
        if first != article.doc:
            return DuplicateVerdict(
                kind="duplicate_of",
                matches=(DuplicateMatch(doc=first, similarity=1.0),),
                exact=True,
            )
        doc, passages, size = self._minhashes(article)
        reprinted = []
        for other in self.doc_lsh.query(doc):
            j = doc.jaccard(self.signatures[other])
            theirs = self.sizes[other]
            contained = j * (size + theirs) / ((1 + j) * size) if size else j
            if j >= params.document_threshold and contained >= params.document_containment:
                reprinted.append((other, j))
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
        self.sizes[article.doc] = size
        for pid, m in passages:
            self.passage_lsh.insert((article.doc, pid), m)
            self.signatures[(article.doc, pid)] = m
        if reprinted:
            reprinted.sort(key=lambda d: -d[1])
            return DuplicateVerdict(
                kind="duplicate_of",
                matches=tuple(DuplicateMatch(doc=d, similarity=s) for d, s in reprinted),
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

    def index_bytes(self) -> tuple[int, int | None]:
        """A lower bound: uint32 signature values plus one 4-byte value per band row."""
        lsh = self.doc_lsh
        return len(self.signatures) * (self.num_perm * 4 + lsh.b * lsh.r * 4), None


def run_interleaved(
    articles: Sequence[Article], detectors: Sequence[Any]
) -> list[tuple[dict[str, DuplicateVerdict], float]]:
    """Each detector on each article in turn; CPU seconds per detector."""
    verdicts: list[dict[str, DuplicateVerdict]] = [{} for _ in detectors]
    seconds = [0.0] * len(detectors)
    clock = time.process_time
    gc.collect()
    gc.disable()  # a collection would land on whichever detector happens to allocate
    try:
        for article in articles:
            for i, detector in enumerate(detectors):
                start = clock()
                verdicts[i][article.doc] = detector.check(article)
                seconds[i] += clock() - start
    finally:
        gc.enable()
    return list(zip(verdicts, seconds, strict=True))


Kept = list[tuple[Article, SignaturePlan, list[BandHit]]]


def collect_hits(articles: Sequence[Article], params: DedupParams) -> Kept:
    """plan/probe once, keeping each article's plan and non-empty hits for re-deciding."""
    buckets: dict[str, bytes] = {}
    kept: Kept = []
    for article in articles:
        signature = plan(article, params)
        hit = probe(signature.probes, buckets, params, now=article.fetched_at, horizon=HORIZON)
        kept.append((article, signature, [hit] if hit.matches else []))
    return kept


def redecide(kept: Kept, params: DedupParams) -> dict[str, DuplicateVerdict]:
    return {
        article.doc: decide(article, signature, hits, params) for article, signature, hits in kept
    }


def mapping_bytes(buckets: MutableMapping[str, bytes]) -> tuple[int, int]:
    """(bytes of keys + values, Python heap of the dict with its str and bytes objects)."""
    payload = sum(len(k) + len(v) for k, v in buckets.items())
    heap = sys.getsizeof(buckets) + sum(
        sys.getsizeof(k) + sys.getsizeof(v) for k, v in buckets.items()
    )
    return payload, heap


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--n", type=int, default=2500, help="articles to generate")
    parser.add_argument("--seed", type=int, default=7, help="corpus seed")
    parser.add_argument(
        "--sweep", action="store_true", help="also compare shingle sizes and band layouts"
    )
    args = parser.parse_args(argv)

    params = DedupParams()
    corpus = generate_corpus(args.n, seed=args.seed)
    articles = _articles(corpus)
    truth = Truth(corpus, articles, params)
    n = len(articles)
    words = sum(len(a.text.split()) for a in articles) / n
    kinds = {k: sum(g.kind == k for g in corpus) for k in ("original", "reprint", "copy")}
    print(
        f"corpus: {n} articles ({words:.0f} words each on average) {kinds},"
        f" {sum(g.exact for g in corpus)} exact, {sum(len(v) for v in truth.copied.values())} copied passages"
    )

    def detectors_for(variant: DedupParams) -> list[Any]:
        return [
            Ours(variant),
            DatasketchDedup(variant, shared_permutations=True),
            DatasketchDedup(variant, shared_permutations=False),
        ]

    # One-time costs stay out of the timing: numba loading its compiled MinHash loop (or
    # compiling it, ~1 s, on a first run), datasketch's first permutations and imports.
    run_interleaved(articles[:20], detectors_for(params))
    detectors = detectors_for(params)
    ours = detectors[0]
    results = run_interleaved(articles, detectors)
    header = f"{'detector':<27} {'doc P':>6} {'doc R':>6} {'pas P':>6} {'pas R':>6} {'art/s':>7} {'x ours':>7} {'B/art':>6} {'heap/art':>8}"
    print(header)
    print("-" * len(header))
    for detector, (verdicts, seconds) in zip(detectors, results, strict=True):
        s = truth.score(verdicts)
        payload, heap = detector.index_bytes()
        heap_text = f"{heap / n:8.0f}" if heap is not None else "       -"
        print(
            f"{detector.name:<27} {s.doc_p:6.3f} {s.doc_r:6.3f} {s.pass_p:6.3f} {s.pass_r:6.3f}"
            f" {n / seconds:7.0f} {seconds / results[0][1]:7.2f} {payload / n:6.0f} {heap_text}"
        )
    fold_start = time.process_time()
    for article in articles:
        fold(article.text)
    fold_share = (time.process_time() - fold_start) / results[0][1]
    print(
        f"(x ours = its time / ours; fold() is {fold_share:.0%} of ours; B/art for datasketch counts"
        f" signatures and band values only; ours is {payload_per_kword(ours, articles):.0f} B per 1000 words)"
    )

    kept = collect_hits(articles, params)
    print("\nthreshold curve at the default bands (precision/recall):")
    print(f"  document Jaccard (containment >= {params.document_containment:.2f}):", end="")
    for t in (0.3, 0.4, 0.5, 0.6, 0.7):
        s = truth.score(redecide(kept, replace(params, document_threshold=t)))
        print(f"  {t:.1f} {s.doc_p:.3f}/{s.doc_r:.3f}", end="")
    print("\n  passage Jaccard:", end="")
    for t in (0.3, 0.35, 0.4, 0.45, 0.5, 0.6):
        s = truth.score(redecide(kept, replace(params, passage_threshold=t)))
        print(f"  {t:.2f} {s.pass_p:.3f}/{s.pass_r:.3f}", end="")
    print()
    if args.sweep:
        sweep(articles, truth, params, corpus)


def payload_per_kword(ours: Ours, articles: Sequence[Article]) -> float:
    words = sum(len(a.text.split()) for a in articles)
    return mapping_bytes(ours.buckets)[0] / words * 1000


def sweep(
    articles: Sequence[Article], truth: Truth, params: DedupParams, corpus: Sequence[Generated]
) -> None:
    """Shingle size and band layouts at the default thresholds.

    ``re-par. R``: document recall on the reprints alone, with each reprint's lines joined
    into one paragraph (its passages then no longer line up with the original's lines, so
    only document bands and sentence groups can find it).
    """
    print(
        "\nsweep: k, doc bands x rows, passage bands x rows -> doc P/R, passage P/R,"
        " re-par. R, B/article, probes/article"
    )
    layouts: list[dict[str, Any]] = [dict(shingle_words=k) for k in (3, 5)] + [
        dict(doc_bands=db, doc_rows=dr, passage_bands=pb, passage_rows=pr)
        for db, dr, pb, pr in (
            (1, 2, 8, 2),
            (2, 2, 8, 2),
            (4, 2, 8, 2),
            (6, 2, 8, 2),
            (2, 2, 6, 2),
            (2, 2, 10, 2),
            (2, 2, 8, 1),
            (2, 2, 12, 3),
        )
    ]
    n = len(articles)
    joined = _reparagraphed(articles, corpus)
    reprints = [a.doc for a, g in zip(articles, corpus, strict=True) if g.kind == "reprint"]
    for layout in layouts:
        variant = replace(params, **layout)
        kept = collect_hits(articles, variant)
        s = truth.score(redecide(kept, variant))
        ours = Ours(variant)
        for article in articles:
            ours.check(article)
        again = Ours(variant)
        rejoined = {a.doc: again.check(a) for a in joined}
        found = sum(
            v.kind == "duplicate_of" and truth.family[v.matches[0].doc] == truth.family[doc]
            for doc in reprints
            for v in (rejoined[doc],)
        )
        probes = sum(len(signature.keys) for _, signature, _ in kept) / n
        print(
            f"  k={variant.shingle_words} doc {variant.doc_bands}x{variant.doc_rows}"
            f" passage {variant.passage_bands}x{variant.passage_rows}:"
            f" {s.doc_p:.3f}/{s.doc_r:.3f}  {s.pass_p:.3f}/{s.pass_r:.3f}"
            f"  {found / len(reprints):.3f}  {ours.index_bytes()[0] / n:5.0f}  {probes:4.0f}"
        )


def _reparagraphed(articles: Sequence[Article], corpus: Sequence[Generated]) -> list[Article]:
    """The articles with each reprint's lines joined into one paragraph."""
    out = []
    for article, g in zip(articles, corpus, strict=True):
        if g.kind == "reprint":
            text = " ".join(line.strip() for line in article.text.split("\n") if line.strip())
            article = replace(article, text=text)
        out.append(article)
    return out


if __name__ == "__main__":
    main()
