"""Embedded pipeline throughput: articles/s through every stage on one core.

Corpus: the generated Arabic and Persian articles of ``benchmarks/corpus.py`` (3-6 KB each),
each carrying one own-written contact sentence and one figure sentence, so extraction does
real work on every article. Prints a table with the overall rate and each stage's share.

    .venv/bin/python -m benchmarks.bench_pipeline [--articles N]
"""

from __future__ import annotations

import argparse
import random
import time
from dataclasses import replace
from datetime import timedelta

from prometheus_client import CollectorRegistry
from rich.console import Console
from rich.table import Table

from benchmarks.corpus import generate_corpus
from streams.embedded import EmbeddedPipeline
from streams.metrics import STAGES, Metrics
from streams.records import RawArticle
from streams.settings import Settings
from streams.state import StateStore
from streams.steps import Resources

CONTACTS = {
    "ar": [
        "وأجرى وزير الخارجية التركي هاكان فيدان اتصالا هاتفيا بنظيره الإيراني عباس عراقجي، بحثا خلاله تطورات المنطقة.",
        "وتلقى رئيس الوزراء العراقي محمد شياع السوداني اتصالا هاتفيا من الرئيس الفرنسي إيمانويل ماكرون.",
        "والتقى وزير الخارجية السعودي فيصل بن فرحان في الرياض نظيره المصري بدر عبد العاطي.",
    ],
    "fa": [
        "عباس عراقچی وزیر امور خارجه ایران در گفتگوی تلفنی با هاکان فیدان وزیر خارجه ترکیه درباره تحولات منطقه گفتگو کرد.",
        "مسعود پزشکیان رئیس جمهور ایران با رجب طیب اردوغان رئیس جمهور ترکیه تلفنی گفتگو کرد.",
    ],
}
FIGURES = {
    "ar": ["وأعلنت وزارة الصحة أن ما لا يقل عن {n} شخصا قتلوا وأصيب أكثر من {m} آخرين."],
    "fa": ["به گزارش وزارت بهداشت دست کم {n} نفر کشته و بیش از {m} نفر زخمی شدند."],
}


def build_corpus(count: int, seed: int = 11) -> list[RawArticle]:
    """``count`` Arabic/Persian articles of 3-6 KB with a contact and a figure sentence each."""
    rng = random.Random(seed)
    generated = generate_corpus(count * 2, seed=seed, langs=(("ar", 0.6), ("fa", 0.4)))
    out: list[RawArticle] = []
    for g in generated:
        text = g.text
        while len(text.encode()) < 3000:
            text += "\n" + rng.choice(generated).text if rng.random() < 0.5 else "\n" + text
        text = text.encode()[:5800].decode(errors="ignore")
        extra = rng.choice(CONTACTS[g.lang]) + "\n" + rng.choice(FIGURES[g.lang]).format(
            n=rng.randint(5, 900), m=rng.randint(10, 2000)
        )
        lines = text.split("\n")
        lines.insert(rng.randint(0, len(lines)), extra)
        out.append(
            RawArticle(doc=g.doc, text="\n".join(lines), source=g.source, origin="generated", fetched_at=g.fetched_at)
        )
        if len(out) == count:
            break
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    args = parser.parse_args()
    console = Console()
    corpus = build_corpus(args.articles)
    sizes = sorted(len(a.text.encode()) for a in corpus)
    metrics = Metrics(CollectorRegistry())
    resources = Resources.load(Settings())
    pipeline = EmbeddedPipeline(resources, StateStore(), metrics=metrics)
    warm = [replace(a, doc=a.doc + "#warm", fetched_at=a.fetched_at - timedelta(days=30)) for a in corpus[:50]]
    list(pipeline.process_all(warm))
    metrics = Metrics(CollectorRegistry())
    pipeline = EmbeddedPipeline(resources, StateStore(), metrics=metrics)
    started = time.process_time()
    wall = time.perf_counter()
    results = list(pipeline.process_all(corpus))
    cpu = time.process_time() - started
    elapsed = time.perf_counter() - wall
    events = sum(len(r.mentions) for r in results)
    figures = sum(len(r.figures) for r in results)
    table = Table(title=f"Embedded pipeline, {len(corpus)} ar/fa articles, {sizes[0]}-{sizes[-1]} bytes (median {sizes[len(sizes) // 2]})")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_row("articles/s (one core, CPU time)", f"{len(results) / cpu:,.0f}")
    table.add_row("articles/s (wall clock)", f"{len(results) / elapsed:,.0f}")
    table.add_row("target", "≥ 1,000")
    table.add_row("event mentions / figures found", f"{events:,} / {figures:,}")
    table.add_row("dead letters", str(len(pipeline.dead_letters)))
    total = sum(metrics.stage_seconds.labels(s)._sum.get() for s in STAGES)
    for stage in STAGES:
        spent = metrics.stage_seconds.labels(stage)._sum.get()
        if spent:
            table.add_row(f"  share: {stage}", f"{100 * spent / total:.1f} % ({1e6 * spent / len(results):.0f} µs/article)")
    console.print(table)


if __name__ == "__main__":
    main()
