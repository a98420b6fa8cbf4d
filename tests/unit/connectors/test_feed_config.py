"""The sources file: valid files load, every mistake is reported with its line and field."""

from __future__ import annotations

from pathlib import Path

import pytest
from feedserver import REPO

from connectors.config import load_sources, parse_sources
from streams.errors import ConfigError

VALID = """\
feeds:
  - name: arabic-wire
    url: https://news.example/ar/rss.xml
    lang: AR
    tags: [wire]
  - name: persian-daily
    url: http://fa.example/feed
    interval_seconds: 300
    enabled: false
    fetch_pages: false
dirs:
  - name: inbox
    path: incoming
    watch: true
"""


def test_a_valid_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(VALID, encoding="utf-8")
    config = load_sources(path, default_interval=90)
    first, second = config.feeds
    assert (first.name, first.lang, first.interval_seconds, first.tags) == (
        "arabic-wire",
        "ar",
        90.0,
        ("wire",),
    )
    assert (second.interval_seconds, second.enabled, second.fetch_pages) == (300.0, False, False)
    assert config.enabled_feeds == (first,)
    assert config.dirs[0].path == tmp_path / "incoming"
    assert config.dirs[0].watch


def test_the_example_file_is_valid() -> None:
    config = load_sources(REPO / "examples" / "feeds.yaml")
    assert {feed.lang for feed in config.feeds} == {"ar", "fa", "en"}


def _error(text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        parse_sources(text, origin="feeds.yaml")
    return str(caught.value)


def test_errors_name_line_field_and_fix() -> None:
    message = _error(
        "feeds:\n"
        "  - name: ok\n"
        "    url: https://a.example/rss\n"
        "  - name: second\n"
        "    url: ftp://b.example/rss\n"
        "    interval_seconds: 5\n"
        "    colour: red\n"
    )
    assert "feeds.yaml:5: feeds[1].url: 'ftp://b.example/rss' is not an http(s) URL" in message
    assert "feeds.yaml:6: feeds[1].interval_seconds: Input should be greater than" in message
    assert "(got 5)" in message
    assert "feeds.yaml:7: feeds[1].colour: unknown key" in message
    assert "(3 problem(s))" in message


def test_missing_url_points_at_the_entry() -> None:
    message = _error("feeds:\n  - name: a\n    url: https://a.example/x\n  - name: lonely\n")
    assert "feeds.yaml:4: feeds[1].url: required key is missing" in message


def test_names_are_metric_labels() -> None:
    message = _error("feeds:\n  - name: 'BBC Persian'\n    url: https://a.example/x\n")
    assert "feeds.yaml:2: feeds[0].name: 'BBC Persian' is not a source name" in message


def test_duplicate_names_urls_and_keys() -> None:
    message = _error(
        "feeds:\n"
        "  - name: a\n"
        "    url: https://a.example/x\n"
        "  - name: a\n"
        "    url: https://a.example/x\n"
        "    lang: ar\n"
        "    lang: fa\n"
    )
    assert "feeds.yaml:7: key 'lang' repeats an earlier one" in message
    assert "feeds.yaml:4: feeds[1].name: 'a' is used twice" in message
    assert "feeds.yaml:5: feeds[1].url: listed twice" in message


def test_yaml_syntax_error_names_the_line() -> None:
    message = _error("feeds:\n  - name: a\n    url: [unclosed\n")
    assert message.startswith("feeds.yaml:4: not valid YAML")


def test_unknown_top_level_key_but_settings_are_ignored() -> None:
    assert "unknown top-level key 'feed'" in _error("feed: []\n")
    config = parse_sources("broker: kafka://k:9092\nfeeds: []\n")
    assert config.feeds == ()


def test_yaml_booleans_in_names_get_a_hint() -> None:
    message = _error("feeds:\n  - name: off\n    url: https://a.example/x\n")
    assert "feeds.yaml:2: feeds[0].name: Input should be a valid string (got False)" in message
    assert "quote the value" in message


def test_empty_file_is_an_empty_config() -> None:
    assert parse_sources("").feeds == ()
