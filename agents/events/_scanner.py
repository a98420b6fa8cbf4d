"""Run several phrase matchers over one sentence's words in a single pass.

A candidate sentence is searched for contact words, blockers, names, terms, cues and date
words. Six ``finditer`` passes walked its words six times, each word looked up in six
first-word dicts; most words start no phrase at all. A ``Scanner`` keeps one dict from every
first word (and stem head) to the matchers it may start, and remembers each word's answer,
so such a word costs one lookup, and only the matchers it may start try to match there.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import Any

from agents.events._terms import TermHit, TermMatcher, Words

__all__ = ["Scanner", "scan_all"]

_MASKS_KEPT = 200_000  # words whose mask is remembered (a few MB at most)


class Scanner:
    """``finditer`` of several matchers over the same words in one pass (built once)."""

    def __init__(self, matchers: Sequence[TermMatcher[Any]]) -> None:
        self.matchers = tuple(matchers)
        self._firsts: dict[str, int] = {}  # first word: bit ``1 << slot`` of each matcher
        self._heads: dict[str, int] = {}  # first three letters of a first-word stem: same
        for slot, matcher in enumerate(self.matchers):
            for word in matcher.first_words:
                self._firsts[word] = self._firsts.get(word, 0) | 1 << slot
            for head in matcher.stem_heads:
                self._heads[head] = self._heads.get(head, 0) | 1 << slot
        # each word's mask, remembered: a mask depends on the word alone (its clitic readings
        # are a function of it) and news vocabulary repeats, so most words cost one lookup
        self._masks: dict[str, int] = {}
        self._slots = [  # the matchers of each bit mask, in slot order
            tuple(slot for slot in range(len(self.matchers)) if mask >> slot & 1)
            for mask in range(1 << len(self.matchers))
        ]

    def _mask(self, word_cores: list[tuple[str, str]]) -> int:
        """Bits of the matchers that some clitic reading of a word may start."""
        mask = 0
        for _, core in word_cores:
            mask |= self._firsts.get(core, 0)
            if self._heads:
                mask |= self._heads.get(core[:3], 0)
        return mask

    def scan(self, words: Words) -> list[list[TermHit[Any]]]:
        """Each matcher's hits in ``words``: ``list(matcher.finditer(words))`` per matcher."""
        out: list[list[TermHit[Any]]] = [[] for _ in self.matchers]
        resume = [0] * len(self.matchers)  # first token each matcher may match again
        masks, starts, cores = self._masks, words.starts, words.cores
        for index, word in enumerate(words.words):
            mask = masks.get(word)
            if mask is None:
                mask = self._mask(cores[index])
                if len(masks) < _MASKS_KEPT:
                    masks[word] = mask
            if not mask:
                continue
            for slot in self._slots[mask]:
                if resume[slot] > index:
                    continue
                hit = self.matchers[slot].match_at(words, index)
                if hit is not None:
                    out[slot].append(hit)
                    resume[slot] = bisect.bisect_left(starts, hit.end)
        return out


def scan_all(words: Words, matchers: list[TermMatcher[Any]]) -> list[list[TermHit[Any]]]:
    """``Scanner(matchers).scan(words)``, for one-off use: a caller scanning many sentences
    keeps its ``Scanner`` (building one walks every matcher's first words)."""
    return Scanner(matchers).scan(words)
