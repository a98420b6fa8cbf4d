"""Loading the lexicons and picking one per article."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from agents.events import Lexicons
from agents.events.lexicon import DEFAULT_LEXICON_DIR, LANGUAGES
from streams.errors import ConfigError
from tests.unit.agents.events.conftest import build_article


def test_three_versioned_lexicons(lexicons: Lexicons) -> None:
    assert sorted(lexicons.by_lang) == sorted(LANGUAGES)
    for lang, lexicon in lexicons.by_lang.items():
        assert lexicon.lang == lang and lexicon.version >= 1


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("ar", "تلقى اتصالا هاتفيا"),
        ("ar", "الاجتماع"),
        ("fa", "گفت‌وگوی تلفنی"),
        ("fa", "دیدارکرده"),
        ("en", "Phoned"),
    ],
)
def test_prefilter_finds_folded_triggers(lexicons: Lexicons, lang: str, sentence: str) -> None:
    folded = lexicons.folder.fold(sentence).text
    assert lexicons.by_lang[lang].triggers.search(folded)


def test_lexicon_picked_by_language_then_by_script(lexicons: Lexicons) -> None:
    assert lexicons.for_article(build_article("x", "fa")).lang == "fa"
    assert (
        lexicons.for_article(build_article("گفت که پزشکیان و وزیر کشور گفتگو کردند", "und")).lang
        == "fa"
    )
    assert (
        lexicons.for_article(build_article("قال الرئيس إن الاجتماع كان مثمرا", "ur")).lang == "ar"
    )
    assert (
        lexicons.for_article(build_article("The minister met his counterpart", "de")).lang == "en"
    )


def test_missing_version_is_a_config_error(tmp_path: Path) -> None:
    for lang in LANGUAGES:
        data = yaml.safe_load(
            (DEFAULT_LEXICON_DIR / f"lexicon_{lang}.yaml").read_text(encoding="utf-8")
        )
        if lang == "fa":
            del data["version"]
        (tmp_path / f"lexicon_{lang}.yaml").write_text(
            yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
        )
    with pytest.raises(ConfigError, match=r"lexicon_fa\.yaml has no top-level 'version:'"):
        Lexicons.from_path(tmp_path)


def test_bad_trigger_is_a_config_error(tmp_path: Path) -> None:
    for lang in LANGUAGES:
        data = yaml.safe_load(
            (DEFAULT_LEXICON_DIR / f"lexicon_{lang}.yaml").read_text(encoding="utf-8")
        )
        if lang == "en":
            data["triggers"].append({"text": "pinged", "type": "ping"})
        (tmp_path / f"lexicon_{lang}.yaml").write_text(
            yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
        )
    with pytest.raises(ConfigError, match="pinged"):
        Lexicons.from_path(tmp_path)
