"""The short cuts of the figure stage change no result (agents.figures.core, _prefilter, _numbers).

``extract_figures`` reads only lines with a category trigger and a number, folds their
sentences in one call, cuts tokens with ``str`` methods rather than the token pattern,
matches the lexicon in bulk, and reads a lone run of digits without the general number reader.
Each test here runs every text the other figure tests use (collected from their
``parametrize`` marks, so a new case is covered too), in every language, both ways.
"""

from __future__ import annotations

import importlib.util
import unicodedata
from pathlib import Path
from types import ModuleType

import pytest

from agents.figures import FigureLexicons, extract_figures
from agents.figures import core as figures_core
from agents.figures._numbers import _KINDS, _TOKEN, find_numbers, number_words, scan, tokenize
from agents.normalize.text import fold, split_sentences
from streams.records import Article, FigureMention
from tests.unit.agents.figures.conftest import ArticleFactory

HERE = Path(__file__).resolve().parent
SIBLINGS = (
    "test_figures_extract.py",
    "test_figures_exclusions.py",
    "test_figures_numbers.py",
    "test_figures_lexicon.py",
)
ARTICLES = HERE.parents[2] / "fixtures" / "figures" / "articles"
LANGS = ("ar", "fa", "en", "und")

# A number form in a sentence that reports a toll, so the pre-filter has a trigger to see.
CONTEXTS = (
    "{} people were killed in the strike.",
    "قتل {} شخصا في الغارة.",
    "{} نفر در این حمله کشته شدند.",
)
# Characters the quick fold cannot fold exactly: NFKC digits and ligatures, a space outside
# the blocks it knows, an emoji, a hamza that NFKC composes with the letter before it.
EXOTIC = (
    "½ people were killed.",
    "① killed and ² wounded.",
    "١٢ قتيلا و１٥ جريحا",
    "قتل ﺛﻼﺛﺔ أشخاص",
    "قتل ثلاثة\u3000أشخاص",
    "killed 15\U0001f600 people",
    "کشته شدن سه\u0654 نفر",
    "ΟΔΟΣ 12 killed",
    "قتل ٣\u200c شخص",
)


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"_figures_sibling_{name[:-3]}", HERE / name)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


def _sibling_texts() -> list[str]:
    """Every string the sibling test modules parametrize with (sentences, numbers, codes)."""
    texts: set[str] = set()
    for name in SIBLINGS:
        module = _load(name)
        for attr in vars(module).values():
            for mark in getattr(attr, "pytestmark", ()):
                if mark.name == "parametrize":
                    texts.update(_strings(list(mark.args[1])))
        texts.update(_strings(getattr(module, "CASES", [])))
    return sorted(t for t in texts if t.strip())


TEXTS = _sibling_texts()
NUMBER_FORMS = sorted({t for t in TEXTS if len(t) < 40 and any(c.isalnum() for c in t)})
ARTICLE_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(ARTICLES.glob("*.txt"))]


def _every_sentence(article: Article, lexicons: FigureLexicons) -> list[FigureMention]:
    """``extract_figures`` without the pre-filter: every sentence, each folded on its own."""
    text = figures_core._text(article)
    sentences = [
        s for line in text.split("\n") for s in figures_core._rejoin(split_sentences(line))
    ]
    lang = figures_core._number_lang(article.lang)
    return figures_core._figures(
        article, sentences, [fold(s) for s in sentences], lexicons.for_lang(article.lang), lang
    )


def _same_both_ways(
    texts: list[str], lexicons: FigureLexicons, make_article: ArticleFactory
) -> int:
    found = 0
    for lang in LANGS:
        for text in texts:
            article = make_article(text, lang)
            fast = extract_figures(article, lexicons)
            assert fast == _every_sentence(article, lexicons), (lang, text)
            found += len(fast)
    return found


def test_sibling_texts_are_collected() -> None:
    assert len(TEXTS) > 150
    assert "٩٤٠٠" in TEXTS and "ألفين" in TEXTS  # number forms
    assert "killed in the 7th raid" in TEXTS  # exclusions


def test_prefilter_keeps_every_figure_of_the_test_sentences(
    lexicons: FigureLexicons, make_article: ArticleFactory
) -> None:
    assert _same_both_ways(TEXTS, lexicons, make_article) > 100


def test_prefilter_keeps_every_number_form_next_to_a_toll(
    lexicons: FigureLexicons, make_article: ArticleFactory
) -> None:
    texts = [context.format(form) for form in NUMBER_FORMS for context in CONTEXTS]
    assert _same_both_ways(texts, lexicons, make_article) > 100


def test_prefilter_keeps_the_figures_of_whole_articles(
    lexicons: FigureLexicons, make_article: ArticleFactory
) -> None:
    joined = ["\n".join(TEXTS), *ARTICLE_TEXTS]
    assert _same_both_ways(joined, lexicons, make_article) > 50


@pytest.mark.parametrize("text", EXOTIC)
def test_prefilter_keeps_lines_it_cannot_fold_exactly(
    lexicons: FigureLexicons, make_article: ArticleFactory, text: str
) -> None:
    _same_both_ways([text, f"Background line.\n{text}\nAnother line."], lexicons, make_article)


def test_a_line_without_a_number_is_skipped(lexicons: FigureLexicons) -> None:
    # A toll word but no number: nothing to read (and the line is not even split).
    lexicon = lexicons.for_lang("fa")
    text = "قیمت ها افزایش یافت و مردم شکایت کردند که کشته شدند.\nخبر دیگری بدون عدد."
    sentences = figures_core._candidate_sentences(
        text, lexicon, lexicons.quick_fold, number_words("fa")
    )
    assert sentences == []


def test_maybe_number_matches_every_character_that_folds_to_a_digit(
    lexicons: FigureLexicons,
) -> None:
    maybe = lexicons.quick_fold.maybe_number
    for code in range(0x10000):
        char = chr(code)
        if 0xD800 <= code < 0xE000:
            continue
        if not (char.isnumeric() or unicodedata.decomposition(char) or char != fold(char)):
            continue  # fold leaves it alone and it is no digit
        if any(c.isnumeric() for c in fold(char)):
            assert maybe.search(char), hex(code)


@pytest.mark.parametrize(
    "sentences",
    [
        ["one", "two"],
        ["\u200cstarts with a joiner", "ends with one\u200c", "tab\there", "no\u00a0break"],
        ["دست\u200cکم ۲۰ نفر", "غزّة\u0640", "\u064bmark first", "ΟΔΟΣ", "ﻻ ligature"],
        ["emoji \U0001f600 here", "plain", "a\ud800b"],
        ["", "x"],
    ],
)
def test_folding_sentences_together_is_folding_each(sentences: list[str]) -> None:
    assert figures_core._fold_each(sentences) == [fold(s) for s in sentences]


def test_line_split_is_split_sentences() -> None:
    for text in [*TEXTS, *ARTICLE_TEXTS]:
        for line in text.split("\n"):
            assert figures_core._split_line(line) == split_sentences(line), line


def test_scan_gives_the_tokens_of_the_token_pattern() -> None:
    texts = [*TEXTS, *(c.format(f) for f in NUMBER_FORMS for c in CONTEXTS), *ARTICLE_TEXTS]
    # Raw text too: blank runs, tabs and line breaks take the piece-by-piece path.
    for text in [*map(fold, texts), *texts, "  a\t b,\u3000 12 345  ", "x_y 7th ال48 ²3"]:
        texts_, kinds, offsets, digits = scan(text)
        expected = [(m.group(), m.start(), _KINDS[m.lastindex or 0]) for m in _TOKEN.finditer(text)]
        assert list(zip(texts_, offsets, kinds, strict=True)) == expected, text
        assert digits == [i for i, kind in enumerate(kinds) if kind == "num"], text


def test_matches_by_end_are_the_matches_by_start(lexicons: FigureLexicons) -> None:
    """``ends[j]``: every hit ending before token ``j``, earlier (longer) starts first."""
    for text in [*TEXTS, *ARTICLE_TEXTS]:
        for lang in ("ar", "fa", "en", "und"):
            words = scan(fold(text)).texts
            starts, ends, masks, hits = lexicons.for_lang(lang).match_texts(words)
            assert len(ends) == len(words) + 1
            for j, ending in enumerate(ends):
                expected = [h for i in range(j) for h in starts[i] if i + h.length == j]
                assert list(ending) == expected, (text, j)
            assert hits == [i for i, hs in enumerate(starts) if hs]
            for i, hs in enumerate(starts):
                assert masks[i] == sum({1 << h.role for h in hs}), (text, i)


def test_digits_alone_read_as_the_general_reader_reads_them() -> None:
    texts = [*TEXTS, *(c.format(f) for f in NUMBER_FORMS for c in CONTEXTS), *ARTICLE_TEXTS]
    for text in texts:
        tokens = tokenize(fold(text))
        for lang in ("ar", "fa", "en", None):
            fast = find_numbers(tokens, lang)
            assert fast == find_numbers(tokens, lang, digits_alone=False), text
            assert [str(n.value) for n in fast] == [
                str(n.value) for n in find_numbers(tokens, lang, digits_alone=False)
            ]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "5 people were killed Gaza"),
        ("ar", "5 قتلى غزة"),
        ("fa", "۵ نفر کشته غزه"),
    ],
)
def test_a_place_ending_the_sentence_does_not_fail(
    lexicons: FigureLexicons, make_article: ArticleFactory, lang: str, text: str
) -> None:
    # It used to raise IndexError (looking at the token after the last one).
    (mention,) = extract_figures(make_article(text, lang), lexicons)
    assert (mention.value, mention.location) == (5, "Gaza")


@pytest.mark.parametrize("lang", ["ar", "fa", "en"])
def test_trigger_positions_are_those_of_the_trigger_words(lang: str) -> None:
    import dataclasses
    import random

    from agents.figures import load_lexicons

    lexicons = load_lexicons()
    lexicon = lexicons.for_lang(lang)
    without_automaton = dataclasses.replace(lexicon, trigger_finder=None)
    rng = random.Random(5)
    triggers = sorted(lexicon.triggers)
    pool = [*rng.sample(triggers, 20), "x", "قال", "و", "12", "", "killed1"]
    for _ in range(500):
        words = rng.choices(pool, k=rng.randint(0, 30))
        text = "".join(w + rng.choice([" ", " ", "\n", "  "]) for w in words).strip(" ")
        quick = lexicons.quick_fold(text)
        assert lexicon.trigger_positions(quick) == without_automaton.trigger_positions(quick)


def test_quick_fold_on_code_units_equals_the_code_point_table() -> None:
    import random

    import numpy as np

    from agents.figures import load_lexicons

    quick = load_lexicons().quick_fold
    rng = random.Random(9)
    pool = [chr(c) for c in range(0x0600, 0x0700)] + list("abc ABC 12 \t\n\x00,.")
    pool += ["😀", "\ud800", "\u200c", "\u00a0", "ﻻ", "e\u0301", "𝟏"]
    for _ in range(2000):
        text = "".join(rng.choices(pool, k=rng.randint(0, 40)))
        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        points = quick.table[codes]
        expected = points[points != 0].tobytes().decode("utf-32-le", "surrogatepass")
        assert quick(text) == expected, repr(text)


@pytest.mark.parametrize("lang", ["ar", "fa", "en"])
def test_trigger_search_on_code_units_is_the_word_split(lang: str) -> None:
    """The compiled trigger pass (``WordSet``), as the stage calls it on code units, finds
    the triggers splitting finds; a character beyond the BMP makes it split the text."""
    import random

    from agents.figures import load_lexicons
    from agents.normalize.text import code_units

    lexicons = load_lexicons()
    lexicon = lexicons.for_lang(lang)
    finder = lexicon.trigger_finder
    assert finder is not None
    triggers = sorted(lexicon.triggers)
    rng = random.Random(11)
    # near misses too: a trigger with a letter more or less, glued to a mark or a digit
    pool = [*rng.sample(triggers, 30), *(t[:-1] for t in triggers[:10]), "x", "", "12"]
    pool += [t + "x" for t in triggers[:10]] + [f"{t}," for t in triggers[:5]] + ["😀", "𝟓"]
    for _ in range(1000):
        words = rng.choices(pool, k=rng.randint(0, 30))
        text = "".join(w + rng.choice([" ", " ", "\n", "  ", "\t"]) for w in words)
        quick = lexicons.quick_fold(text)
        expected = [
            start + len(word) - 1
            for start, word in _words(quick.replace("\n", " "))
            if word in lexicon.triggers
        ]
        assert lexicon.trigger_positions(quick) == expected, repr(text)
        units = lexicons.quick_fold.fold_units(text)
        if units.size == len(quick):  # no character beyond the BMP
            assert finder.ends(units) == expected, repr(text)
        assert code_units(quick).tolist() == units.tolist()


def _words(text: str) -> list[tuple[int, str]]:
    out, start = [], 0
    for word in text.split(" "):
        out.append((start, word))
        start += len(word) + 1
    return out


def test_line_split_cuts_where_the_two_branch_pattern_cuts() -> None:
    """``_CUT`` (one leading class) finds the marks the plain two-branch pattern finds."""
    import random
    import re

    plain = re.compile(r"[.!?؟።](?=\s)|[.؟!](?=[^\s\d.\"'”»)\]])")
    rng = random.Random(3)
    pool = list(".!?؟።\"'”»)] \t\u00a0\u2003x5ا")
    lines = [line for text in [*TEXTS, *ARTICLE_TEXTS] for line in text.split("\n")]
    lines += ["".join(rng.choices(pool, k=rng.randint(0, 20))) for _ in range(20000)]
    for line in lines:
        found = [m.span() for m in figures_core._CUT.finditer(line)]
        assert found == [m.span() for m in plain.finditer(line)], repr(line)


def test_scan_reads_numbers_with_separators_as_the_token_pattern() -> None:
    """The fast paths for "11,078" and "11,078," in ``_cut`` agree with ``_TOKEN``."""
    import random

    rng = random.Random(7)
    pool = [*"0123456789.,،٫-:/%$ _ab²½", "٣", "۵", "ا", "١", "𝟓", "Ⅻ"]
    for _ in range(20000):
        text = "".join(rng.choices(pool, k=rng.randint(1, 10)))
        texts_, kinds, offsets, digits = scan(text)
        expected = [(m.group(), m.start(), _KINDS[m.lastindex or 0]) for m in _TOKEN.finditer(text)]
        assert list(zip(texts_, offsets, kinds, strict=True)) == expected, repr(text)
        assert digits == [i for i, kind in enumerate(kinds) if kind == "num"], repr(text)
