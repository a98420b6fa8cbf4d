"""Normalisation stage: cleaning, letter folding and language detection (pure core)."""

from agents.normalize.core import detect_language, normalize, text_hash
from agents.normalize.text import fold, split_sentences, strip_boilerplate

__all__ = [
    "detect_language",
    "fold",
    "normalize",
    "split_sentences",
    "strip_boilerplate",
    "text_hash",
]
