"""Quote parties and places as the article wrote them.

Positions found in the folded sentence are mapped back through the folded article's offsets
(``FoldedText.origin``). An office holder the knowledge base does not know keeps the name
written next to the title: between commas in Arabic and Persian ("وزير الخارجية السوداني،
علي يوسف،"), or as capitalised words in English ("Sudanese Foreign Minister Ali Youssef").
"""

from __future__ import annotations

import re

from agents.events._folding import FoldedText
from agents.events._tokens import Party, Sentence
from agents.events.lexicon import Lexicon

__all__ = ["Surfaces"]

# A name the knowledge base does not know, right after a title: "وزير الخارجية السوداني، علي
# يوسف،" (between commas) or "Sudanese Foreign Minister Ali Youssef" (capitalised words).
_APPOSITIVE = re.compile(r"\s*[,،]\s*((?:[^\s,،.:;()\"']+\s+){0,3}[^\s,،.:;()\"']+)\s*[,،]")
_CAPITALISED = re.compile(r"\s+((?:[A-Z][\w'’-]+\s?){1,4})")


class Surfaces:
    """Original text of folded spans of one sentence."""

    def __init__(
        self, article: str, folded: FoldedText, offset: int, sentence: Sentence, lexicon: Lexicon
    ) -> None:
        self.article, self.folded, self.offset, self.sentence = article, folded, offset, sentence
        self.lexicon = lexicon

    def surface(self, start: int, end: int) -> str:
        first, last = self.folded.original_span(self.offset + start, self.offset + end)
        return self.article[first:last].strip(" ,،.:;\"'()«»“”")

    def party(self, party: Party, *, known: bool = True) -> str:
        """The party as written; an unknown office holder's name is included when it follows."""
        start, end = party.start + len(party.prefix), party.end
        if not known and not party.persons:
            end = self._name_after(end)
        return self.surface(start, end)

    def _is_date(self, text: str) -> bool:
        """ "وزير الخارجية الإيراني، الثلاثاء،": a day between commas is not a name."""
        return (
            any(ch.isdigit() for ch in text)
            or next(self.lexicon.dates.finditer(text), None) is not None
        )

    def _name_after(self, end: int) -> int:
        s = self.sentence
        stop = min(
            [t.start for t in s.tokens if t.start >= end]
            + [t.start for t in s.triggers if t.start >= end]
            + [len(s.text)]
        )
        match = _APPOSITIVE.match(s.text, end, min(len(s.text), stop + 1))
        if match and not self._is_date(match.group(1)):
            return match.end(1)
        _, last = self.folded.original_span(self.offset + end - 1, self.offset + end)
        caps = _CAPITALISED.match(self.article, last)
        if caps is None or " " not in caps.group(1).strip():
            return end  # a single capitalised word is too often not a name
        return min(stop, end + len(caps.group(1).rstrip()) + (caps.start(1) - last))
