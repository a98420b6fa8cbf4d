import pytest

from agents.normalize import detect_language, fold, split_sentences, strip_boilerplate, text_hash


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("إبراهيم", "ابراهيم"),  # alef with hamza below
        ("أحمد", "احمد"),
        ("مصطفى", "مصطفي"),  # alef maqsura
        ("کتاب", "كتاب"),  # Persian kaf
        ("ایران", "ايران"),  # Persian ya
        ("هاتفيًّا", "هاتفيا"),  # diacritics
        ("الـــرئيس", "الرئيس"),  # tatweel
        ("٢٠٢٣", "2023"),
        ("۱۴۰۲", "1402"),
        ("می\u200cگوید", "می گوید"),
        ("Tehran", "tehran"),
    ],
)
def test_fold_equates_variants(a: str, b: str) -> None:
    assert fold(a) == fold(b)


def test_fold_keeps_distinct_words_distinct() -> None:
    assert fold("قال") != fold("قام")


def test_boilerplate_lines_removed() -> None:
    text = "خبر أول.\nاقرأ أيضًا: عنوان آخر\nبیشتر بخوانید: چیزی\nRead more: elsewhere\nخبر ثان."
    assert strip_boilerplate(text) == "خبر أول.\nخبر ثان."


def test_split_sentences_keeps_numbers_whole() -> None:
    parts = split_sentences("The toll rose to 1.5 million. Talks resumed? Yes.\nNew line")
    assert parts == ["The toll rose to 1.5 million.", "Talks resumed?", "Yes.", "New line"]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("اتصل وزير الخارجية بنظيره في العاصمة وبحث معه آخر التطورات في المنطقة", "ar"),
        ("وزیر امور خارجه با همتای خود گفتگوی تلفنی کرد و درباره تحولات منطقه گفتگو کرد", "fa"),
        ("The foreign minister spoke by phone with his counterpart about the region.", "en"),
    ],
)
def test_detect_language(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_detect_language_uses_fallback_only_for_latin() -> None:
    calls: list[str] = []

    def fake(text: str) -> str:
        calls.append(text)
        return "en"

    detect_language("وزیر امور خارجه با همتای خود گفتگو کرد", fallback=fake)
    assert calls == []
    assert detect_language("hello there friends", fallback=fake) == "en"
    assert len(calls) == 1


def test_text_hash_ignores_spelling_variants() -> None:
    assert text_hash("إبراهيم رئيسي") == text_hash("ابراهیم رئیسی")
    assert text_hash("a") != text_hash("b")


def test_split_sentences_after_a_number_ending_a_sentence() -> None:
    assert split_sentences("killed 1,400. Hamas took 239.") == ["killed 1,400.", "Hamas took 239."]


def _reference_fold(text: str) -> str:
    """fold() as first written: str.translate with the dict table (slow, obviously right)."""
    import unicodedata

    from agents.normalize import text as t

    text = unicodedata.normalize("NFKC", text) if not text.isascii() else text
    return t._SPACES.sub(" ", text.translate(t._FOLD_TABLE)).lower()


def test_vectorised_fold_equals_reference_on_every_bmp_character() -> None:
    chars = (chr(c) for c in range(0x10000))  # lone surrogates included: broken input happens

    assert [c for c in chars if fold(c) != _reference_fold(c)] == []


def test_vectorised_fold_equals_reference_on_mixed_text() -> None:
    import random

    rng = random.Random(7)
    pool = [chr(c) for c in range(0x0600, 0x0700)] + list("abc ABC 12 \t\n") + ["\u200c", "😀", "ﻻ", "e\u0301"]
    for _ in range(3000):
        sample = "".join(rng.choices(pool, k=rng.randint(0, 30)))
        assert fold(sample) == _reference_fold(sample), repr(sample)


def test_text_that_is_not_nfkc_folds_as_the_reference() -> None:
    import unicodedata

    from agents.normalize.text import fold_words

    # shadda typed before fatha (canonical order is the reverse), and alef + hamza above
    text = "محمّ\u064eد قال إن ا\u0654لوفد وصل\nﻻ تعليق"
    assert not unicodedata.is_normalized("NFKC", text)
    assert fold(text) == _reference_fold(text) == "محمد قال ان الوفد وصل\nلا تعليق"
    assert fold_words(text) == "محمد قال ان الوفد وصل لا تعليق"


def test_fold_words_equals_fold_split_join() -> None:
    import random

    from agents.normalize.text import fold_words

    rng = random.Random(11)
    pool = [chr(c) for c in range(0x0600, 0x0700)] + list("abc ABC 12 \t\n\r\x1c\x85")
    pool += ["\u200c", "\u00a0", "\u3000", "\u2028", "😀", "ﻻ", "e\u0301", "\ud800", "Σ"]
    for _ in range(3000):
        sample = "".join(rng.choices(pool, k=rng.randint(0, 30)))
        assert fold_words(sample) == " ".join(fold(sample).split()), repr(sample)


@pytest.mark.parametrize(
    ("text", "english"),
    [
        ("The minister said on Tuesday that the talks with his counterpart were held in the capital and would resume after the holiday.", True),
        ("O ministro disse na terça-feira que as conversas com o seu homólogo foram realizadas na capital e serão retomadas depois do feriado.", False),
        ("El ministro dijo el martes que las conversaciones con su homólogo se celebraron en la capital y se reanudarán después de las fiestas.", False),
        ("Le ministre a déclaré mardi que les entretiens avec son homologue se sont tenus dans la capitale et reprendront après les fêtes.", False),
        ("Short English line.", False),  # too few words to decide without langdetect
    ],
)
def test_english_fast_path(text: str, english: bool) -> None:
    from agents.normalize.core import _looks_english

    assert _looks_english(text) is english


def test_english_fast_path_skips_langdetect() -> None:
    calls: list[str] = []

    def fake(text: str) -> str:
        calls.append(text)
        return "xx"

    text = "The minister said on Tuesday that the talks with his counterpart were held in the capital and would resume."
    assert detect_language(text, fallback=fake) == "en"
    assert calls == []


def test_fold_with_origin_folds_as_fold_and_points_at_the_source() -> None:
    import random

    from agents.normalize.text import fold_with_origin

    rng = random.Random(11)
    pool = (
        [chr(c) for c in range(0x0600, 0x0700)]
        + list("abc ABC 12 \t\n\r\x0b")
        + ["\u200c", "\u00a0", "\u00ad", "Σ", "İ", "😀", "ﻻ", "\ud83d"]
    )
    on_table = 0
    for _ in range(3000):
        sample = "".join(rng.choices(pool, k=rng.randint(0, 30)))
        found = fold_with_origin(sample)
        if found is None:  # the reference path: emoji, not NFKC, two-character lower case
            assert fold(sample) == _reference_fold(sample)
            continue
        on_table += 1
        folded, origin = found
        assert folded == fold(sample), repr(sample)
        offsets = list(range(len(folded))) if origin is None else origin.tolist()
        assert len(offsets) == len(folded)
        assert offsets == sorted(set(offsets))
        for char, index in zip(folded, offsets, strict=True):
            assert char == " " or fold(sample[index]) == char, repr(sample)
    assert on_table > 1000


@pytest.mark.parametrize("text", ["😀 x", "ﻻ", "İstanbul", "ΟΔΟΣ"])
def test_fold_with_origin_leaves_the_reference_path_to_the_caller(text: str) -> None:
    from agents.normalize.text import fold_with_origin

    assert fold_with_origin(text) is None


def test_compiled_and_numpy_folding_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    import random

    from agents.normalize import text as t

    t.use_compiled_folding()
    compiled = t._compiled_pass
    assert compiled is not None
    rng = random.Random(3)
    pool = [chr(c) for c in range(0x0600, 0x0700)] + list("abc ABC 12 \t\n\r\u00a0\u200c")
    pool += ["😀", "ﻻ", "e\u0301", "\ud800", "Σ", "  ", "\u0651\u064e"]
    samples = [chr(c) for c in range(0x10000)]
    samples += ["".join(rng.choices(pool, k=rng.randint(0, 40))) for _ in range(3000)]
    by_compiled = [(t.fold(s), t.fold_units(s).tobytes()) for s in samples]
    monkeypatch.setattr(t, "_compiled_pass", None)
    by_numpy = [(t.fold(s), t.fold_units(s).tobytes()) for s in samples]
    assert by_compiled == by_numpy
