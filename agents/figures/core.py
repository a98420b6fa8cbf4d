"""Figure stage core: reported counts of people (killed, wounded, hostages, ...) in one article.

Pure: article and lexicons in, mentions out; no clock, no I/O. Matching runs on folded text
(``agents.normalize.text.fold``) and every mention quotes the original sentence. The rules
that make a number a figure are in ``_binding``; place and source in ``_context``; numbers in
``_numbers``; what is *not* a count of people in ``_sentence``.

Speed: only lines whose words include a category trigger are split into sentences and
folded (``_prefilter``), and only sentences with a trigger and a number are analysed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from agents.figures._binding import find_figures
from agents.figures._context import attribution, nearest_source
from agents.figures._lexicon import FigureLexicons, Lexicon, load_lexicons
from agents.figures._prefilter import QuickFold
from agents.figures._sentence import Sentence
from agents.normalize.text import fold
from streams.records import Article, FigureCategory, FigureMention

__all__ = ["FigureLexicons", "extract_figures", "load_lexicons", "series_key"]

_NUMBER_LANGS = frozenset({"ar", "fa", "en"})


def series_key(category: FigureCategory | str, location: str | None, subject: str | None) -> str:
    """The series a figure belongs to: ``category|location|subject``, lower-case, ASCII names.

    Location and subject are the canonical English names from the lexicons, so the same toll
    reported in Arabic, Persian and English lands in one series (``killed|gaza|palestinians``).
    """
    parts = (str(category), location or "", subject or "")
    return "|".join(p.strip().lower().replace(" ", "-") for p in parts)


def extract_figures(article: Article, lexicons: FigureLexicons) -> list[FigureMention]:
    """Every count of people ``article`` reports, in text order, each once per article.

    The same (series, value) reported twice in one article is returned once (the first
    sentence is the evidence). Text in a language without a lexicon is read with all of them.
    """
    lexicon = lexicons.for_lang(article.lang)
    lang = article.lang if article.lang in _NUMBER_LANGS else None
    text = article.text
    if article.title and not text.startswith(article.title):
        text = f"{article.title}\n{text}"
    out: list[FigureMention] = []
    seen: set[tuple[str, int]] = set()
    for sentence in _candidate_sentences(text, lexicon, lexicons.quick_fold):
        analysed = Sentence.from_folded(fold(sentence), lexicon, lang)
        if analysed is None:
            continue
        figures = find_figures(analysed)
        sources = attribution(analysed) if figures else []
        for fig in figures:
            source, source_place = nearest_source(sources, fig.first)
            location = fig.location or source_place
            key = series_key(fig.category, location, fig.subject)
            if (key, fig.value) in seen:
                continue
            seen.add((key, fig.value))
            out.append(
                FigureMention(
                    series_key=key,
                    doc=article.doc,
                    category=fig.category,
                    value=fig.value,
                    qualifier=fig.qualifier,
                    evidence=sentence,
                    subject=fig.subject,
                    location=location,
                    attributed_to=source,
                    published=article.published,
                    fetched_at=article.fetched_at,
                    url=article.url,
                    lang=article.lang,
                )
            )
    return out


def _candidate_sentences(text: str, lexicon: Lexicon, quick_fold: QuickFold) -> Iterator[str]:
    """Sentences of the lines whose words include a category trigger (see ``_prefilter``).

    ``split_sentences`` splits at line breaks too, so splitting line by line gives the same
    sentences as splitting the whole text.
    """
    quick = quick_fold(text)
    found = lexicon.triggers.intersection(quick.split())
    if not found:
        return
    for line, quick_line in zip(text.split("\n"), quick.split("\n"), strict=True):
        # A substring test first: most lines hold none of the triggers the article holds.
        if any(word in quick_line for word in found) and lexicon.is_candidate(quick_line.split()):
            yield from _rejoin(_split_line(line))


# Where ``split_sentences`` cuts a line: after an end mark followed by a space, or after
# ".", "!", "؟" glued to the next word. Searched for directly (a leading character class lets
# ``re`` skip ahead), which is ~10x faster than splitting with the lookbehind pattern.
_CUT = re.compile(r"[.!?؟።](?=\s)|[.؟!](?=[^\s\d.\"'”»)\]])")


def _split_line(line: str) -> list[str]:
    """``split_sentences(line)`` for a line without line breaks (same sentences, faster)."""
    out: list[str] = []
    start = 0
    for m in _CUT.finditer(line):
        piece = line[start : m.end()].strip()
        if piece:
            out.append(piece)
        start = m.end()
    piece = line[start:].strip()
    if piece:
        out.append(piece)
    return out


_ABBREVIATION = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|Mr|Mrs|Ms|Dr|Gen|Col|Sgt|St|No|U\.S|U\.N)\.$"
)
_ABBREVIATION_TAIL = 8


def _rejoin(sentences: list[str]) -> list[str]:
    """Undo splits after abbreviations ("since Oct. 7 has risen to 200" is one sentence)."""
    out: list[str] = []
    for sentence in sentences:
        # An abbreviation is at most 5 characters ending the sentence: search only its tail
        # (``\b`` still sees the character before ``pos``).
        if out and _ABBREVIATION.search(out[-1], max(len(out[-1]) - _ABBREVIATION_TAIL, 0)):
            out[-1] = f"{out[-1]} {sentence}"
        else:
            out.append(sentence)
    return out
