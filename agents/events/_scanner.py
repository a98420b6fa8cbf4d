"""Run several phrase matchers over one sentence's words in a single pass.

A candidate sentence is searched for contact words, blockers, names, terms, cues and date
words. Six ``finditer`` passes walked its words six times, each word looked up in six
first-word dicts; most words start no phrase at all. A ``Scanner`` keeps one dict from every
first word (and stem head) to the matchers it may start, so such a word costs one lookup
per clitic reading, and only the matchers it may start try to match there.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import Any

from agents.events._terms import TermHit, TermMatcher, Words

__all__ = ["Scanner", "scan_all"]


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
        self._slots = [  # the matchers of each bit mask, in slot order
            tuple(slot for slot in range(len(self.matchers)) if mask >> slot & 1)
            for mask in range(1 << len(self.matchers))
        ]

    def scan(self, words: Words) -> list[list[TermHit[Any]]]:
        """Each matcher's hits in ``words``: ``list(matcher.finditer(words))`` per matcher."""
        out: list[list[TermHit[Any]]] = [[] for _ in self.matchers]
        resume = [0] * len(self.matchers)  # first token each matcher may match again
        firsts, heads, starts = self._firsts.get, self._heads, words.starts
        for index, word_cores in enumerate(words.cores):
            mask = 0
            for _, core in word_cores:
                mask |= firsts(core, 0)
                if heads:
                    mask |= heads.get(core[:3], 0)
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
