"""Who reports a contact: news agencies and institutions named around it.

An agency named in the sentence is a source ("وأفادت وكالة تسنيم", "به گزارش ایرنا",
"according to IRNA"). An institution (a ministry, a presidency, the Kremlin) is a source only
next to an attribution word ("قالت وزارة الخارجية المصرية", "the Kremlin said"), since it may
also be a place or a party. A ministry or presidency is named by the country written next to
it: "Egyptian foreign ministry". When the sentence names none, the agencies named earlier in
the same paragraph are used ("According to IRNA, ... . X called Y.").
"""

from __future__ import annotations

from agents.events._sentence import Sentence
from agents.events._terms import Words
from agents.events.knowledge import KnowledgeBase
from agents.events.lexicon import Cue, Lexicon, TermKind

__all__ = ["paragraph_sources", "sentence_sources"]

_ATTRIBUTION_REACH = 30


def sentence_sources(s: Sentence, kb: KnowledgeBase) -> list[str]:
    """Canonical names of the sources named in one sentence, in text order."""
    out: list[str] = []
    attributions = [c for c in s.cues if c[2] is Cue.ATTRIBUTION]
    for index, tok in enumerate(s.tokens):
        if tok.term is None:
            continue
        name = None
        if tok.kind == "agency":
            name = tok.term.value
        elif tok.kind == "institution" and any(
            0 <= tok.start - c[1] <= _ATTRIBUTION_REACH or 0 <= c[0] - tok.end <= _ATTRIBUTION_REACH
            for c in attributions
        ):
            name = tok.term.value
            if "{adj}" in name:
                after = [t for t in s.tokens[index + 1 : index + 2] if 0 <= t.start - tok.end <= 3]
                before = [
                    t for t in s.tokens[max(0, index - 1) : index] if 0 <= tok.start - t.end <= 3
                ]
                near = [t for t in after + before if t.where in kb.countries]
                if not near:
                    continue
                name = name.replace("{adj}", kb.countries[str(near[0].where)].adj)
        if name and name not in out:
            out.append(name)
    return out


def paragraph_sources(folded_before: str, lexicon: Lexicon) -> list[str]:
    """Agencies (not ambiguous ones) named in the text of the paragraph before the sentence."""
    found: list[str] = []
    for hit in lexicon.terms.finditer(Words(folded_before)):
        for term in hit.values:
            if term.kind is TermKind.AGENCY and not term.needs_cue and term.value not in found:
                found.append(term.value)
    return found
