"""Helpers for the dedup tests: own-written articles, their re-spellings, a clock."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, MutableMapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from agents.dedup import DedupParams, check
from agents.normalize import normalize
from streams.records import Article, DuplicateVerdict, RawArticle

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "dedup"
T0 = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
HORIZON = timedelta(days=7)
PARAMS = DedupParams()

ArticleFactory = Callable[..., Article]


def fixture_text(name: str) -> str:
    """One of the own-written articles in ``tests/fixtures/dedup``."""
    return (FIXTURES / name).read_text(encoding="utf-8").strip()


def make_article(
    doc: str, text: str, minutes: float = 0, *, source: str = "outlet-a", lang: str = "ar"
) -> Article:
    """A normalised article fetched ``minutes`` after ``T0`` (language given, not detected)."""
    raw = RawArticle(
        doc=doc,
        text=text,
        source=source,
        origin="file",
        fetched_at=T0 + timedelta(minutes=minutes),
    )
    return normalize(raw, detector=lambda _text: lang)


def run(
    articles: Iterable[Article], buckets: MutableMapping[str, bytes] | None = None
) -> dict[str, DuplicateVerdict]:
    """``check`` each article in order over one mapping, the clock at its fetch time."""
    state: MutableMapping[str, bytes] = {} if buckets is None else buckets
    return {a.doc: check(a, state, PARAMS, now=a.fetched_at, horizon=HORIZON) for a in articles}


_DIACRITICS = "\u064e\u064f\u0650\u0651"


def respell_arabic(text: str) -> str:
    """Another outlet's Arabic spelling: hamza on initial alef, alef maqsura for final ya,
    ha for taa marbuta, Persian kaf, diacritics and tatweel, ASCII digits."""
    text = re.sub(r"(?<!\S)ا", "أ", text)
    text = re.sub(r"ي(?=\s|[،.]|$)", "ى", text)
    text = text.replace("ة", "ه").replace("ك", "ک")
    text = re.sub(
        r"([بتثجحخدذرزسشصضطظعغفقلمن])",
        lambda m: m.group(1) + _DIACRITICS[len(m.group(1)) % 4],
        text,
        count=40,
    )
    text = text.replace("لا", "لـا")
    return text.translate(str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789"))


def respell_persian(text: str) -> str:
    """Persian typed on an Arabic keyboard: Arabic ya and kaf, no zero-width joiner, ASCII digits."""
    text = text.replace("ی", "ي").replace("ک", "ك").replace("\u200c", " ")
    return text.translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789"))


@pytest.fixture()
def article() -> ArticleFactory:
    return make_article
