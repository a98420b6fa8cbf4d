"""Fixtures of the events-stage tests: the packaged knowledge base, lexicons, an article factory."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from agents.events import KnowledgeBase, Lexicons
from streams.records import Article

ArticleFactory = Callable[..., Article]

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "events"


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return KnowledgeBase.from_path()


@pytest.fixture(scope="session")
def lexicons() -> Lexicons:
    return Lexicons.from_path()


def build_article(
    text: str, lang: str, doc: str = "doc-1", published: date | None = None, **fields: Any
) -> Article:
    """An Article as normalize makes it; ``published`` is a day (noon UTC)."""
    return Article(
        doc=doc,
        text=text,
        lang=lang,
        source="test",
        origin="file",
        fetched_at=datetime(2024, 1, 1, 8, 0, tzinfo=UTC),
        text_hash="0",
        published=datetime(published.year, published.month, published.day, 12, tzinfo=UTC)
        if published
        else None,
        **fields,
    )


@pytest.fixture()
def make_article() -> ArticleFactory:
    return build_article
