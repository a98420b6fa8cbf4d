"""Decoding feed and page bytes whose encoding is missing or wrong."""

from __future__ import annotations

import pytest
from feedserver import CORPUS_FEEDS

from connectors._charset import decode_markup

ARABIC = (
    "<rss><item><title>وزير الخارجية يبحث مع نظيره تطورات الأوضاع في المنطقة</title></item></rss>"
)
PERSIAN_CP1256 = "<p>گفتگوي تلفني وزيران خارجه درباره پيشنهاد تازه آتش‌بس</p>"
PORTUGUESE = "<p>Notícias: o ministro disse que a negociação continuará na próxima semana</p>"
HEBREW = "<p>שר החוץ שוחח בטלפון עם עמיתו על המצב באזור</p>"


@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [
        (ARABIC, "cp1256", "windows-1256"),
        (PERSIAN_CP1256, "cp1256", "windows-1256"),
        (PORTUGUESE, "latin-1", "windows-1252"),
        (HEBREW, "cp1255", "windows-1255"),
        (ARABIC, "utf-8", "utf-8"),
    ],
)
def test_undeclared_encodings_are_recognised(text: str, encoding: str, expected: str) -> None:
    decoded = decode_markup(text.encode(encoding))
    assert decoded.text == text
    assert decoded.encoding == expected


def test_a_wrong_latin1_declaration_is_overruled() -> None:
    data = ('<?xml version="1.0" encoding="iso-8859-1"?>' + ARABIC).encode("cp1256")
    decoded = decode_markup(data)
    assert ARABIC in decoded.text
    assert decoded.guessed


def test_http_charset_wins_when_it_decodes() -> None:
    data = ARABIC.encode("utf-8")
    assert decode_markup(data, http_encoding="utf-8").text == ARABIC


def test_corpus_hebrew_feed_is_windows_1255() -> None:
    data = (CORPUS_FEEDS / "06_malformed_feedparser_windows1255_rtl_nodecl.xml").read_bytes()
    decoded = decode_markup(data)
    assert decoded.encoding == "windows-1255"
    assert "אתר" in decoded.text  # a common Hebrew word of that feed, decoded
