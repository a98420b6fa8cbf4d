"""Figure stage core: reported counts of people (killed, wounded, hostages, ...) in one article.

Pure: article and lexicons in, mentions out; no clock, no I/O. Matching runs on folded text
(``agents.normalize.text.fold``) and every mention quotes the original sentence. The rules
that make a number a figure are in ``_binding``; place and source in ``_context``; numbers in
``_numbers``; what is *not* a count of people in ``_sentence``.

Speed: only lines whose words include a category trigger and that hold a number are split
into sentences (``_prefilter``); those are folded together, in one ``fold`` call, and only
sentences with a trigger and a number are analysed.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache
from itertools import accumulate, count
from operator import add

from agents.figures._binding import find_figures
from agents.figures._context import attribution, nearest_source
from agents.figures._lexicon import FigureLexicons, Lexicon, load_lexicons
from agents.figures._numbers import number_words
from agents.figures._prefilter import QuickFold
from agents.figures._sentence import Sentence
from agents.normalize.text import decode_units, fold
from streams.records import Article, FigureCategory, FigureMention

__all__ = ["FigureLexicons", "extract_figures", "load_lexicons", "series_key"]

_NUMBER_LANGS = frozenset({"ar", "fa", "en"})


def series_key(category: FigureCategory | str, location: str | None, subject: str | None) -> str:
    """The series a figure belongs to: ``category|location|subject``, lower-case, ASCII names.

    Location and subject are the canonical English names from the lexicons, so the same toll
    reported in Arabic, Persian and English lands in one series (``killed|gaza|palestinians``).
    """
    return "|".join(
        (
            str(category).strip().lower().replace(" ", "-"),
            (location or "").strip().lower().replace(" ", "-"),
            (subject or "").strip().lower().replace(" ", "-"),
        )
    )


# ``series_key`` costs ~2 µs a figure; its arguments are canonical lexicon names (a bounded
# set), so the stage remembers each key it builds.
_series_key = lru_cache(maxsize=4096)(series_key)


def extract_figures(article: Article, lexicons: FigureLexicons) -> list[FigureMention]:
    """Every count of people ``article`` reports, in text order, each once per article.

    The same (series, value) reported twice in one article is returned once (the first
    sentence is the evidence). Text in a language without a lexicon is read with all of them.
    """
    lexicon = lexicons.for_lang(article.lang)
    lang = _number_lang(article.lang)
    sentences = _candidate_sentences(
        _text(article), lexicon, lexicons.quick_fold, number_words(lang)
    )
    return _figures(article, sentences, _fold_each(sentences), lexicon, lang)


def _number_lang(lang: str) -> str | None:
    """The language whose number words are read; ``None``: all of them."""
    return lang if lang in _NUMBER_LANGS else None


def _text(article: Article) -> str:
    """The article's text with its title as the first line (unless the text starts with it)."""
    if article.title and not article.text.startswith(article.title):
        return f"{article.title}\n{article.text}"
    return article.text


def _figures(
    article: Article, sentences: list[str], folded: list[str], lexicon: Lexicon, lang: str | None
) -> list[FigureMention]:
    """The figures of ``sentences`` (``folded``: each one folded), deduplicated, in order."""
    out: list[FigureMention] = []
    seen: set[tuple[str, int]] = set()
    for sentence, text in zip(sentences, folded, strict=True):
        analysed = Sentence.from_folded(text, lexicon, lang)
        if analysed is None:
            continue
        figures = find_figures(analysed)
        sources = attribution(analysed) if figures else []
        for fig in figures:
            source, source_place = nearest_source(sources, fig.first)
            location = fig.location or source_place
            key = _series_key(fig.category, location, fig.subject)
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


def _candidate_sentences(
    text: str, lexicon: Lexicon, quick_fold: QuickFold, numbers: frozenset[str]
) -> list[str]:
    """Sentences of the lines whose words include a category trigger and a number.

    ``split_sentences`` splits at line breaks too, so splitting line by line gives the same
    sentences as splitting the whole text. ``numbers`` are the number words ``find_numbers``
    starts at (``QuickFold.has_number``).
    """
    units = quick_fold.fold_units(text)
    finder = lexicon.trigger_finder
    found = finder.ends(units) if finder is not None else None
    if found is not None and not found:
        return []  # most articles: no word of any casualty category (and never decoded)
    quick = decode_units(units)
    if found is None or units.size != len(quick):
        # no finder, or a character beyond the BMP: unit indices are not character indices
        found = lexicon.trigger_positions(quick)
        if not found:
            return []
    # The lines that hold a trigger (``quick`` keeps the text's line breaks, so its lines
    # are the text's), each read once, in order.
    quick_lines = quick.split("\n")
    # where each line ends: its length and those before, + the line breaks before it
    ends = list(map(add, accumulate(map(len, quick_lines)), count()))
    lines = text.split("\n")
    out: list[str] = []
    for n in sorted({bisect_left(ends, at) for at in found}):
        if quick_fold.has_number(lines[n], quick_lines[n], numbers):
            out.extend(_rejoin(_split_line(lines[n])))
    return out


def _fold_each(sentences: list[str]) -> list[str]:
    """``[fold(s) for s in sentences]`` in one call: ``fold`` costs ~10 µs a call, any length.

    Folding is per character except that runs of blanks shrink and NFKC composes a mark with
    the letter before it; a line break is no blank, is never changed and composes with
    nothing, so folding the sentences joined by line breaks and splitting there gives each
    one's fold (a sentence holds no line break). ``test_figures_prefilter`` pins this.
    """
    if len(sentences) < 2:
        return [fold(s) for s in sentences]
    folded = fold("\n".join(sentences)).split("\n")
    if len(folded) != len(sentences):  # cannot happen with today's fold; stay exact if it does
        return [fold(s) for s in sentences]
    return folded


# Where ``split_sentences`` cuts a line: after an end mark followed by a space, or after
# ".", "!", "؟" glued to the next word. Searched for directly, which is ~10x faster than
# splitting with the lookbehind pattern; one leading character class (the second case
# checked behind it) lets ``re`` skip ahead to the marks: two alternatives that each start
# with a class made it try every position, ~2x slower.
_CUT = re.compile(r"[.!?؟።](?:(?=\s)|(?<=[.؟!])(?=[^\s\d.\"'”»)\]]))")


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
        # (``\b`` still sees the character before ``pos``), and only after a full stop.
        if (
            out
            and out[-1][-1] == "."
            and _ABBREVIATION.search(out[-1], max(len(out[-1]) - _ABBREVIATION_TAIL, 0))
        ):
            out[-1] = f"{out[-1]} {sentence}"
        else:
            out.append(sentence)
    return out
