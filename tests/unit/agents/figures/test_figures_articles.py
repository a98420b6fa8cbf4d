"""Whole articles written for these tests (tests/fixtures/figures/articles), 3-4 KB each.

Each language has a casualty report dense with figures and traps (dates, times, ages,
durations, percentages, money, counts of things, vague counts) and a diplomatic report with
few figures among many other numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from streams.records import FigureMention

Extract = Callable[..., list[FigureMention]]


def _repo_root() -> Path:
    here = Path(__file__).resolve()
    return next(p for p in here.parents if (p / "pyproject.toml").is_file())


ARTICLES = _repo_root() / "tests" / "fixtures" / "figures" / "articles"
EXPECTED = yaml.safe_load((ARTICLES / "expected.yaml").read_text(encoding="utf-8"))
NAMES = sorted(k for k in EXPECTED if k != "version")


@pytest.mark.parametrize("name", NAMES)
def test_article_figures(extract: Extract, name: str) -> None:
    text = (ARTICLES / name).read_text(encoding="utf-8")
    found = extract(text, name[:2], doc=name)
    got = [[m.category.value, m.value, m.qualifier.value] for m in found]
    assert got == EXPECTED[name]


def test_every_article_is_listed() -> None:
    assert sorted(p.name for p in ARTICLES.glob("*.txt")) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_articles_are_benchmark_sized(name: str) -> None:
    assert 2_500 <= (ARTICLES / name).stat().st_size <= 6_000


def test_same_toll_lines_up_across_languages(extract: Extract) -> None:
    keys = {}
    for lang in ("ar", "fa", "en"):
        found = extract((ARTICLES / f"{lang}_toll.txt").read_text(encoding="utf-8"), lang)
        keys[lang] = {m.series_key for m in found if m.value == 11078}
    assert keys["ar"] == keys["fa"] == keys["en"] == {"killed|gaza|"}
