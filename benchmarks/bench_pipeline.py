"""Embedded pipeline throughput: articles/s through every stage on one core.

Corpus: Arabic and Persian articles of 3-6 KB built from our own neutral news prose, a share of
them carrying an own-written contact sentence and a casualty figure: the news mix (1 in 4) and
the worst case (all). Prints a table with the rates and the costliest stages.

    .venv/bin/python -m benchmarks.bench_pipeline [--articles N]
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, datetime, timedelta

from prometheus_client import CollectorRegistry
from rich.console import Console
from rich.table import Table

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
# Neutral news prose (our own): most of an article's sentences report no contact and no toll.
FILLER = {
    "ar": [
        "ارتفعت أسعار الخضروات في الأسواق المحلية خلال الأسبوع الماضي بسبب موجة الحر التي ضربت المناطق الزراعية.",
        "وقال تجار في السوق المركزي إن الطلب تراجع مع اقتراب نهاية الشهر وإن المخزون يكفي حتى الموسم المقبل.",
        "وتعمل البلدية على توسيع شبكة الطرق في الأحياء الشمالية، ومن المتوقع أن تنتهي الأعمال قبل فصل الشتاء.",
        "وشهد معرض الكتاب السنوي إقبالا واسعا من العائلات والطلاب، وخصصت دور النشر أجنحة لأدب الأطفال.",
        "وأشار خبراء الأرصاد إلى أن درجات الحرارة ستنخفض تدريجيا مع نهاية الأسبوع وأن الأمطار قد تعود إلى الساحل.",
        "ويرى اقتصاديون أن تحسن الصادرات الزراعية قد يخفف الضغط على العملة المحلية في الأشهر المقبلة.",
        "وافتتحت الجامعة مختبرا جديدا للطاقة المتجددة بالتعاون مع عدد من الشركات الخاصة في المدينة الصناعية.",
        "وتستعد الأندية المحلية لانطلاق الموسم الكروي الجديد وسط توقعات بمنافسة قوية على اللقب هذا العام.",
        "وطالب سكان القرى الجبلية بتحسين خدمات النقل العام وربط مناطقهم بشبكة الإنترنت السريع.",
        "وذكر التقرير السنوي أن عدد السياح الوافدين ارتفع مقارنة بالعام الماضي بفضل المهرجانات الصيفية.",
    ],
    "fa": [
        "قیمت میوه و سبزیجات در بازارهای شهر در هفته گذشته به دلیل گرمای هوا افزایش یافت.",
        "کارشناسان هواشناسی پیش بینی کردند که دمای هوا از اواخر هفته به تدریج کاهش یابد و باران به مناطق ساحلی بازگردد.",
        "شهرداری طرح توسعه شبکه حمل و نقل عمومی را در محله های شمالی آغاز کرده و انتظار می رود تا پیش از زمستان به پایان برسد.",
        "نمایشگاه سالانه کتاب با استقبال گسترده خانواده ها و دانشجویان همراه بود و ناشران غرفه هایی را به ادبیات کودک اختصاص دادند.",
        "به گفته اقتصاددانان بهبود صادرات کشاورزی می تواند فشار بر پول ملی را در ماه های آینده کاهش دهد.",
        "دانشگاه آزمایشگاه تازه ای برای انرژی های تجدیدپذیر با همکاری چند شرکت خصوصی افتتاح کرد.",
        "باشگاه های فوتبال برای آغاز فصل تازه آماده می شوند و رقابت سختی برای قهرمانی پیش بینی می شود.",
        "ساکنان روستاهای کوهستانی خواستار بهبود خدمات حمل و نقل و دسترسی به اینترنت پرسرعت شدند.",
    ],
}


VOCABULARY = {
    lang: sorted({w for line in lines for w in line.split()}) for lang, lines in FILLER.items()
}


def build_corpus(count: int, *, report_share: float = 0.25, seed: int = 11) -> list[RawArticle]:
    """``count`` Arabic/Persian articles of 3-6 KB of neutral prose; a ``report_share`` of them
    also carry a contact sentence and a figure sentence (1.0 = the worst case)."""
    rng = random.Random(seed)
    start = datetime(2024, 3, 1, tzinfo=UTC)
    out: list[RawArticle] = []
    for number in range(count):
        lang = "ar" if rng.random() < 0.6 else "fa"
        target = rng.randint(3000, 6000)
        lines: list[str] = []
        while sum(len(x.encode()) + 1 for x in lines) < target:
            # Words drawn at random from the filler prose: the script's letter statistics without
            # the shared passages a small pool of whole sentences would create between articles.
            lines.append(" ".join(rng.choices(VOCABULARY[lang], k=rng.randint(40, 70))) + ".")
        if rng.random() < report_share:
            lines.insert(rng.randint(0, len(lines)), rng.choice(CONTACTS[lang]))
            figure = rng.choice(FIGURES[lang]).format(
                n=rng.randint(5, 900), m=rng.randint(10, 2000)
            )
            lines.insert(rng.randint(0, len(lines)), figure)
        out.append(
            RawArticle(
                doc=f"bench-{number:06d}",
                text="\n".join(lines),
                source=f"bench-{lang}",
                origin="generated",
                fetched_at=start + timedelta(seconds=30 * number),
            )
        )
    return out


def run(
    corpus: list[RawArticle], resources: Resources
) -> tuple[float, float, list, Metrics, EmbeddedPipeline]:  # type: ignore[type-arg]
    """Process ``corpus`` once on fresh state; CPU seconds, wall seconds, results."""
    metrics = Metrics(CollectorRegistry())
    pipeline = EmbeddedPipeline(resources, StateStore(), metrics=metrics)
    started, wall = time.process_time(), time.perf_counter()
    results = list(pipeline.process_all(corpus))
    return time.process_time() - started, time.perf_counter() - wall, results, metrics, pipeline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    args = parser.parse_args()
    resources = Resources.load(Settings())
    run(build_corpus(50, seed=99), resources)  # warm-up: caches, lazy imports
    table = Table(title=f"Embedded pipeline, one core, {args.articles} ar/fa articles of 3-6 KB")
    for column in (
        "corpus",
        "articles/s (CPU)",
        "articles/s (wall)",
        "events",
        "figures",
        "dead letters",
        "costliest stages (µs/article)",
    ):
        table.add_column(column, justify="right" if column != "corpus" else "left")
    for label, share in (
        ("news mix: 1 in 4 reports a contact and a toll", 0.25),
        ("worst case: every article does", 1.0),
    ):
        corpus = build_corpus(args.articles, report_share=share)
        cpu, wall, results, metrics, pipeline = run(corpus, resources)
        costs = sorted(
            ((metrics.stage_seconds.labels(s)._sum.get(), s) for s in STAGES), reverse=True
        )[:3]
        table.add_row(
            label,
            f"{len(results) / cpu:,.0f}",
            f"{len(results) / wall:,.0f}",
            f"{sum(len(r.mentions) for r in results):,}",
            f"{sum(len(r.figures) for r in results):,}",
            str(len(pipeline.dead_letters)),
            ", ".join(f"{s} {1e6 * t / len(results):,.0f}" for t, s in costs),
        )
    table.caption = "target: ≥ 1,000 articles/s per core on the news mix"
    Console().print(table)


if __name__ == "__main__":
    main()
