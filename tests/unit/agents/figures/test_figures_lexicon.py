"""Lexicon files: loading, validation, language choice, the pre-filter fold, exports."""

from __future__ import annotations

from pathlib import Path

import pytest

import agents.figures
from agents.figures import FigureLexicons, load_lexicons
from agents.figures._lexicon import DEFAULT_LEXICON_DIR, Role
from agents.figures._numbers import tokenize
from agents.normalize.text import fold
from streams.errors import ConfigError


def test_exports() -> None:
    assert sorted(agents.figures.__all__) == [
        "FigureLexicons",
        "extract_figures",
        "load_lexicons",
        "series_key",
        "series_points",
        "update_series",
    ]
    for name in agents.figures.__all__:
        assert hasattr(agents.figures, name)


def test_packaged_lexicons_are_versioned(lexicons: FigureLexicons) -> None:
    assert sorted(lexicons.by_lang) == ["ar", "en", "fa"]
    for lang, lexicon in lexicons.by_lang.items():
        assert lexicon.langs == (lang,)
        assert lexicon.versions == (1,)
    assert lexicons.merged.langs == ("ar", "fa", "en")


def test_unknown_language_uses_the_union(lexicons: FigureLexicons) -> None:
    assert lexicons.for_lang("ur") is lexicons.merged
    assert lexicons.for_lang("ar") is lexicons.by_lang["ar"]


def test_entries_are_folded_and_clitics_added(lexicons: FigureLexicons) -> None:
    ar = lexicons.for_lang("ar")
    for written in ("والجرحى", "للقتلى", "فلسطينيًا", "الشهداء"):
        matches = ar.match(tokenize(fold(written)))
        assert matches[0], written
    (source,) = [m for m in ar.match(tokenize(fold("لوزارة الصحة")))[0] if m.role is Role.SOURCE]
    assert (source.value, source.prefix) == ("health ministry", "ل")


def test_modifier_stems(lexicons: FigureLexicons) -> None:
    ar = lexicons.for_lang("ar")
    assert ar.modifier(fold("الفلسطيننية")) == "Palestinian"  # misspelt, still the stem
    assert ar.modifier(fold("المصرية")) is None


def test_custom_lexicon_file(tmp_path: Path) -> None:
    path = tmp_path / "lexicon_xx.yaml"
    path.write_text(
        "version: 7\nlang: xx\ncategories:\n  killed:\n    after: [morts]\n    before: []\n"
        "people: [personnes]\n",
        encoding="utf-8",
    )
    lexicons = load_lexicons([path])
    assert lexicons.for_lang("xx").versions == (7,)
    assert "morts" in lexicons.for_lang("xx").triggers


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("lang: xx\n", "version"),
        ("version: 1\n", "lang"),
        ("version: 1\nlang: xx\npeople: personnes\n", "people must be a list"),
        ("version: 1\nlang: xx\nnot_people:\n  weekdays: [lundi]\n", "not_people.weekdays"),
        ("version: 1\nlang: xx\npeople: [pers*]\n", "only modifiers"),
        ("version: 1\nlang: xx\nmax_gap_words: -1\n", "max_gap_words"),
        ("version: 1\nlang: xx\ncategories: [killed]\n", "categories must be a mapping"),
        ("version: [1\n", "cannot be read"),
    ],
)
def test_malformed_lexicon_names_the_problem(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "lexicon_xx.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_lexicons([path])


def test_missing_lexicon_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot be read"):
        load_lexicons([tmp_path / "nope.yaml"])


def test_yaml_booleans_are_quoted() -> None:
    # YAML 1.1 reads a bare "on"/"no" as a boolean; the loader would reject the file.
    for path in DEFAULT_LEXICON_DIR.glob("lexicon_*.yaml"):
        load_lexicons([path])


@pytest.mark.parametrize(
    "text",
    [
        "وأصيب أكثرُ من ٢٠٠ شخصٍ في غزّة، بحسب «وزارة الصحة».",
        "دست‌کم ۲۰ نفر کشته شدند؛ گزارش‌ها حاکی است.",
        "At LEAST 15 people—mostly civilians—were killed.\nSecond line",
    ],
)
def test_quick_fold_agrees_with_fold_on_words(lexicons: FigureLexicons, text: str) -> None:
    quick = lexicons.quick_fold(text)
    words = [t.text for t in tokenize(fold(text)) if t.kind != "punct"]
    assert quick.split() == words
    assert quick.count("\n") == text.count("\n")


def test_from_path_reads_a_folder(tmp_path: Path) -> None:
    assert sorted(FigureLexicons.from_path().by_lang) == ["ar", "en", "fa"]
    for lang in ("ar", "en"):
        (tmp_path / f"lexicon_{lang}.yaml").write_bytes(
            (DEFAULT_LEXICON_DIR / f"lexicon_{lang}.yaml").read_bytes()
        )
    assert sorted(FigureLexicons.from_path(tmp_path).by_lang) == ["ar", "en"]
    with pytest.raises(ConfigError, match="no lexicon_"):
        FigureLexicons.from_path(tmp_path / "empty")
