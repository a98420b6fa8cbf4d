"""The five real seed articles (../shared/corpus, read at test time, never copied).

Every gold figure must be found with its value and an accepted qualifier, and nothing else
may be reported except the gold's ``optional_figures``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from agents.figures import FigureLexicons, extract_figures
from agents.normalize import normalize
from streams.records import FigureMention, RawArticle


def _gold(seeds_dir: Path) -> dict[str, dict[str, object]]:
    path = seeds_dir.parent / "seeds.gold.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return {row["doc"]: row for row in rows}


def _figures(seeds_dir: Path, name: str, lexicons: FigureLexicons) -> list[FigureMention]:
    raw = RawArticle(
        doc=name,
        text=(seeds_dir / name).read_text(encoding="utf-8"),
        source="file",
        origin="file",
        fetched_at=datetime(2023, 11, 6, tzinfo=UTC),
    )
    return extract_figures(normalize(raw), lexicons)


def _matches(gold: dict[str, object], found: FigureMention) -> bool:
    return gold["category"] == found.category.value and gold["value"] == found.value


SEEDS = [f"00{i}" for i in range(5)]


@pytest.mark.parametrize("prefix", SEEDS)
def test_seed_figures_match_gold(seeds_dir: Path, lexicons: FigureLexicons, prefix: str) -> None:
    (name,) = [p.name for p in seeds_dir.glob(f"{prefix}_*.txt")]
    gold = _gold(seeds_dir)[name]
    found = _figures(seeds_dir, name, lexicons)
    left = list(found)
    for want in gold.get("figures", []):  # type: ignore[union-attr]
        hit = next((f for f in left if _matches(want, f)), None)
        assert hit is not None, f"{name}: missed {want}"
        accepted = want["qualifier"] if isinstance(want["qualifier"], list) else [want["qualifier"]]
        assert hit.qualifier.value in accepted, f"{name}: {want} read as {hit.qualifier}"
        left.remove(hit)
    optional = gold.get("optional_figures", [])
    extra = [f for f in left if not any(_matches(o, f) for o in optional)]  # type: ignore[union-attr]
    assert extra == [], f"{name}: reported {[(f.category, f.value) for f in extra]}"


def test_every_seed_is_covered(seeds_dir: Path) -> None:
    assert sorted(p.name[:3] for p in seeds_dir.glob("*.txt")) == SEEDS
    assert set(_gold(seeds_dir)) == {p.name for p in seeds_dir.glob("*.txt")}


def test_seed_attribution_and_subject(seeds_dir: Path, lexicons: FigureLexicons) -> None:
    (name,) = [p.name for p in seeds_dir.glob("003_*.txt")]
    killed, wounded = _figures(seeds_dir, name, lexicons)
    assert (killed.subject, wounded.subject) == ("Palestinians", "Palestinians")
    assert killed.attributed_to == wounded.attributed_to == "Palestinian medical sources"
