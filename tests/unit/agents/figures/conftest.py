"""Fixtures of the figure-stage tests: the packaged lexicons and an article factory."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from agents.figures import FigureLexicons, extract_figures, load_lexicons
from streams.records import Article, FigureMention

ArticleFactory = Callable[..., Article]
Extract = Callable[..., list[FigureMention]]


@pytest.fixture(scope="session")
def lexicons() -> FigureLexicons:
    return load_lexicons()


@pytest.fixture()
def make_article() -> ArticleFactory:
    """``make_article(text, lang, doc="doc-1", **fields)``: an Article as normalize makes it."""

    def build(text: str, lang: str, doc: str = "doc-1", **fields: Any) -> Article:
        return Article(
            doc=doc,
            text=text,
            lang=lang,
            source="test",
            origin="file",
            fetched_at=datetime(2023, 11, 6, 8, 0, tzinfo=UTC),
            text_hash="0",
            **fields,
        )

    return build


@pytest.fixture()
def extract(lexicons: FigureLexicons, make_article: ArticleFactory) -> Extract:
    """``extract(text, lang)``: the figures of one text."""

    def run(text: str, lang: str, **fields: Any) -> list[FigureMention]:
        return extract_figures(make_article(text, lang, **fields), lexicons)

    return run
