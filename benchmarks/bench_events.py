"""Event extraction: articles per second on one core, and memory with the knowledge base loaded.

    .venv/bin/python -m benchmarks.bench_events [--seconds 1.0] [--repeat 3]

Articles of 3-6 KB are assembled from the own-written test articles in
``tests/fixtures/events`` (each a short report of one or more contacts) and own-written
background paragraphs below (statements, casualty tolls, economy: no contact), in the
proportion of a diplomacy-beat report: a few contact sentences among many others. "no
contact" rows are background only, the common case in a general news feed, where the
one-pass pre-filter answers. Each row runs ``extract_events`` repeatedly for ``--seconds``
of this process's CPU time (other processes on the machine do not count against it) and
keeps the best of ``--repeat`` runs. The knowledge base and lexicons are loaded once,
outside the timing, as the agent does; peak RSS is measured after loading and after the runs.

Targets (issue): >= 2,000 articles/s per core on 3-6 KB articles; <= 200 MB peak RSS.
"""

from __future__ import annotations

import argparse
import random
import resource
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import yaml
from rich.console import Console
from rich.table import Table

from agents.events import KnowledgeBase, Lexicons, extract_events
from streams.records import Article

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "events"
TARGET_RATE = 2_000
TARGET_RSS_MB = 200
SIZE_RANGE = (3 * 1024, 6 * 1024)

BACKGROUND = {
    "ar": [
        "وتواصل الأسواق المحلية تسجيل ارتفاع في أسعار المواد الغذائية منذ بداية الشهر، وسط مخاوف من موجة غلاء جديدة.",
        "وقالت وزارة الصحة إن عدد المصابين في المستشفيات ارتفع إلى أكثر من ألف مصاب خلال الأسبوع الأخير.",
        "وأشار تقرير للبنك الدولي إلى تراجع معدلات النمو في المنطقة بسبب استمرار التوترات وارتفاع تكاليف الشحن.",
        "ويرى محللون أن الأزمة الحالية تعكس عمق الخلافات الإقليمية حول مستقبل القطاع وإدارة المعابر.",
        "وشهدت العاصمة مظاهرات حاشدة للمطالبة بتحسين الخدمات العامة وتوفير فرص العمل للشباب.",
        "وأعلنت السلطات إغلاق عدد من الطرق الرئيسية بسبب الأمطار الغزيرة التي هطلت منذ مساء الخميس.",
        "وأكد المتحدث العسكري أن القوات تواصل عملياتها في المناطق الحدودية لملاحقة الخلايا المسلحة.",
        "وتشير الأرقام الرسمية إلى أن نسبة البطالة بلغت مستويات قياسية خلال العام الجاري.",
    ],
    "fa": [
        "قیمت ارز در بازار آزاد تهران امروز نیز روند افزایشی داشت و فعالان بازار نگران ادامه این وضعیت هستند.",
        "به گفته مسئولان وزارت بهداشت، شمار بیماران بستری در بیمارستان های استان در هفته گذشته افزایش یافته است.",
        "کارشناسان اقتصادی معتقدند کاهش صادرات نفت بر بودجه سال آینده تاثیر جدی خواهد گذاشت.",
        "بارش های سنگین در استان های شمالی موجب آبگرفتگی معابر و قطع برق در چند شهر شد.",
        "نمایندگان مجلس در جلسه علنی امروز لایحه بودجه را بررسی کردند و درباره جزئیات آن بحث شد.",
        "سازمان هواشناسی از کاهش دمای هوا و وزش باد شدید در روزهای آینده خبر داده است.",
        "گزارش ها حاکی است که صف های طولانی در جایگاه های سوخت برخی شهرها همچنان ادامه دارد.",
        "تحلیلگران می گویند تنش های منطقه ای بر بازار سرمایه و قیمت مسکن اثر گذاشته است.",
    ],
    "en": [
        "Food prices in local markets have kept rising since the start of the month, raising fears of a new wave of inflation.",
        "The health ministry said the number of wounded in hospitals rose to more than a thousand in the past week.",
        "A World Bank report pointed to slowing growth across the region as tensions persist and shipping costs climb.",
        "Analysts say the crisis reflects deep regional disagreements over the future of the territory and its crossings.",
        "Thousands marched in the capital to demand better public services and jobs for young people.",
        "Authorities closed several main roads after heavy rain that began on Thursday evening.",
        "The army spokesman said troops were pressing on with operations in border areas against armed cells.",
        "Official figures show unemployment reached a record level this year.",
    ],
}


def _article(doc: str, text: str, lang: str) -> Article:
    return Article(
        doc=doc,
        text=text,
        lang=lang,
        source="bench",
        origin="generated",
        fetched_at=datetime(2024, 1, 1, tzinfo=UTC),
        text_hash=doc,
        published=datetime(2024, 10, 8, 12, tzinfo=UTC),
    )


def _contacts(lang: str) -> list[str]:
    data = yaml.safe_load((FIXTURES / f"articles_{lang}.yaml").read_text(encoding="utf-8"))
    return [c["text"].strip() for c in data["cases"] if c.get("expect")]


def _articles(lang: str, count: int, *, contacts: bool, rng: random.Random) -> list[Article]:
    """``count`` articles of 3-6 KB: background paragraphs with (or without) contact reports."""
    reports, background = _contacts(lang), BACKGROUND[lang]
    out = []
    for index in range(count):
        size = rng.randint(*SIZE_RANGE)
        paragraphs = list(rng.sample(reports, 3)) if contacts else []
        while sum(len(p.encode("utf-8")) + 1 for p in paragraphs) < size:
            paragraphs.append(" ".join(rng.sample(background, 3)))
        rng.shuffle(paragraphs)
        out.append(_article(f"{lang}-{index}", "\n".join(paragraphs), lang))
    return out


def _rate(
    articles: Sequence[Article], kb: KnowledgeBase, lexicons: Lexicons, seconds: float, repeat: int
) -> float:
    best = 0.0
    for _ in range(repeat):
        done = 0
        start = time.process_time()
        deadline = start + seconds
        while time.process_time() < deadline:
            for article in articles:
                extract_events(article, kb, lexicons)
            done += len(articles)
        best = max(best, done / (time.process_time() - start))
    return best


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="timing window per run")
    parser.add_argument("--repeat", type=int, default=3, help="runs per row (best is kept)")
    parser.add_argument("--articles", type=int, default=20, help="articles per language and kind")
    args = parser.parse_args(argv)

    rss_before = _rss_mb()
    started = time.process_time()
    kb, lexicons = KnowledgeBase.from_path(), Lexicons.from_path()
    load_seconds = time.process_time() - started
    rss_loaded = _rss_mb()

    rng = random.Random(7)
    rows: list[tuple[str, list[Article]]] = []
    reports: list[Article] = []
    quiet: list[Article] = []
    for lang in ("ar", "fa", "en"):
        with_contacts = _articles(lang, args.articles, contacts=True, rng=rng)
        rows.append((f"{lang} contact reports", with_contacts))
        reports += with_contacts
        quiet += _articles(lang, args.articles, contacts=False, rng=rng)
    rows.append(("all contact reports", reports))
    rows.append(("no contact (all languages)", quiet))
    mixed = reports[: len(reports) // 3] + quiet
    rows.append(("feed mix (1 in 4 reports a contact)", mixed))

    table = Table(title=f"extract_events, one core (target {TARGET_RATE:,} articles/s)")
    for column in ("articles", "KB/article", "events/article", "articles/s", "µs/article"):
        table.add_column(column, justify="right" if column != "articles" else "left")
    for label, articles in rows:
        size = sum(len(a.text.encode("utf-8")) for a in articles) / len(articles) / 1024
        events = sum(len(extract_events(a, kb, lexicons)) for a in articles) / len(articles)
        rate = _rate(articles, kb, lexicons, args.seconds, args.repeat)
        table.add_row(label, f"{size:.1f}", f"{events:.1f}", f"{rate:,.0f}", f"{1e6 / rate:,.0f}")
    console = Console()
    console.print(table)

    memory = Table(title=f"memory (target <= {TARGET_RSS_MB} MB peak RSS)")
    for column in ("stage", "peak RSS MB"):
        memory.add_column(column, justify="right" if column != "stage" else "left")
    memory.add_row("interpreter and imports", f"{rss_before:.0f}")
    memory.add_row(
        f"knowledge base + lexicons loaded ({load_seconds:.1f} s CPU)", f"{rss_loaded:.0f}"
    )
    memory.add_row("after the runs", f"{_rss_mb():.0f}")
    console.print(memory)


if __name__ == "__main__":
    main()
