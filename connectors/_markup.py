"""HTML fragments from feed entries (titles, summaries, content) to plain text.

lxml (already installed as trafilatura's parser) is used rather than ``html.parser`` because
feed summaries are parsed for every new entry and lxml is about ten times faster. Block
elements end a line, so paragraphs stay paragraphs for sentence splitting downstream; scripts,
styles and embedded objects are dropped.
"""

from __future__ import annotations

import html
import re

import lxml.html  # type: ignore[import-untyped]
from lxml import etree

__all__ = ["collapse_spaces", "html_to_text"]

_BLOCKS = frozenset(
    (
        *("p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "pre"),
        *("blockquote", "tr", "table", "section", "article", "header", "footer", "figure"),
        *("figcaption", "dd", "dt"),
    )
)
_DROP = ("script", "style", "noscript", "iframe", "object", "embed", "template")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")
_MARKUP_HINT = re.compile(r"<[A-Za-z/!]|&(?:#\d+|#x[0-9A-Fa-f]+|[A-Za-z]+);")


def collapse_spaces(text: str) -> str:
    """Runs of spaces collapsed, lines trimmed, empty lines dropped."""
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def html_to_text(fragment: str) -> str:
    """The readable text of an HTML fragment (plain text passes through, spaces tidied)."""
    if not _MARKUP_HINT.search(fragment):
        return collapse_spaces(fragment)
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return collapse_spaces(html.unescape(re.sub(r"<[^>]*>", " ", fragment)))
    for element in list(root.iter(*_DROP)):
        element.drop_tree()
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCKS:
            element.tail = "\n" + (element.tail or "")
    return collapse_spaces(root.text_content())
