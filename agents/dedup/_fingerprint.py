"""Passages, word shingles, MinHash signatures, sketches and LSH band keys.

After splitting and folding, three compiled loops (``_minhash``, numba) do the work; the
only Python loops are over passages and over the finished keys, never over words,
shingles or permutations:

1. The text is cut into passages on the ORIGINAL spelling (lines; a line longer than
   ``max_passage_words`` becomes groups of whole sentences), so passage ids can be mapped
   back to quotable text (``split_passages``). The passages are folded in one call, to
   UTF-16 code units (``fold_units``: the folded text is never built as a string).
2. Words and shingles (``_minhash.shingle_sums``, numba): a lookup table marks word
   characters (``str.isalnum``; punctuation, spaces and the surrogate halves of a character
   beyond the BMP split words); lines end at newlines.
3. A word's hash is the polynomial ``sum(c[j] * B**j)`` over its code units in uint64
   arithmetic, where wrap-around *is* the modulus (``B``, the FNV-64 prime, is odd).
4. A shingle is ``k`` consecutive words of one line; its sum is their hashes times one odd
   multiplier per position, so "a b c" and "c b a" differ. The document's distinct
   shingle count is that of distinct sums. (Steps 2-4 were a dozen numpy calls, the word
   hashes a segmented sum of ``c[i] * B**i`` times ``B**-start``: the same values.)
5. MinHash (``_minhash.line_minima``, numba): each sum through MurmurHash3's finaliser,
   its high half ``x``, then ``a*x mod 2**32`` for every permutation (odd ``a``: a
   bijection), folded into its line's running minima; the document's are the minima of
   those. Until this was compiled it was a (permutations x shingles) numpy array and a
   segmented minimum, the same values at ten times the cost.
6. Sketches (``_minhash.keys_and_sketches``, numba, with step 7): the low 2 bits of each
   further minimum, four to a byte.
7. Band keys: ``rows`` signature values per band times one odd 64-bit multiplier per row,
   plus a per-level, per-band salt; the top 36 bits of that sum as 6 base64url characters.
   Two distinct bands share a key with probability about 2**-36: harmless, since a band
   only nominates and a sketch decides.

Steps 5 and 7 were 64-bit (``(a*x + b) mod 2**64``, high half; keys through a finaliser)
until the 32-bit version measured as well (``benchmarks/bench_dedup.py``, 2,500 articles,
8 permutation seeds, mean +- sd): document P/R 0.9968 +- 0.0014 / 0.9842 +- 0.0033 against
0.9956 +- 0.0014 / 0.9807 +- 0.0032, passage P/R 0.951 +- 0.007 / 0.946 +- 0.008 against
0.956 +- 0.006 / 0.938 +- 0.009, in about half the time of the 64-bit steps (the multiply
is vectorised, no offset pass, half the memory). ``DedupParams.seed`` now draws 32-bit
multipliers, so keys and sketches differ from the 64-bit version's: an index built before
holds nothing the new keys find (as when the seed changes).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from agents.dedup._minhash import keys_and_sketches, line_minima, shingle_sums
from agents.dedup.probes import DOCUMENT
from agents.normalize.text import fold_units, split_sentences

if TYPE_CHECKING:  # params builds its band hashing here (``band_hashing``)
    from agents.dedup.params import DedupParams

__all__ = [
    "KEY_CHARS",
    "Fingerprint",
    "band_hashing",
    "doc_hash",
    "exact_key",
    "fingerprint",
    "sketch_bits",
    "sketch_similarity",
    "split_passages",
]

U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]

KEY_CHARS = 6
"""Characters of a band key (6 bits each)."""

_BASE = np.uint64(0x100000001B3)  # FNV-64 prime: odd, so invertible mod 2**64
# Odd multipliers, one per shingle position, so "a b c" and "c b a" hash apart.
_POSITION = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93,
     0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53, 0x94D049BB133111EB, 0xBF58476D1CE4E5B9],
    dtype=np.uint64,
)  # fmt: skip
_LEVEL_SALT = {"doc": 0x243F6A8885A308D3, "passage": 0x13198A2E03707344}
_WORD_CHAR = np.array([chr(c).isalnum() for c in range(0x10000)], dtype=bool)


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """Band keys and sketches of one text: the whole document and each passage.

    ``keys`` lists the document's bands, then each probed passage's; ``targets`` says, key by
    key, what it fingerprints (``DOCUMENT`` or a passage id). ``passages`` lists
    ``(passage_id, shingles, sketch)`` for passages with at least ``min_passage_words``
    words; ``shingles`` counts the passage's shingle positions. ``distinct`` counts the
    document's distinct shingles (the set size behind its Jaccard similarities); 0 means the
    text has no shingle and no band. Sketches are base64 text (they travel in JSON records).
    """

    keys: list[str]
    targets: list[int]
    doc_sketch: str
    passages: list[tuple[int, int, str]]
    distinct: int


def split_passages(text: str, params: DedupParams) -> list[str]:
    """The article's passages in original spelling; a passage id indexes this list.

    A passage is a non-empty line, or, for a line over ``max_passage_words`` words, a group
    of consecutive sentences reaching about half that many words (the last group may be
    short). Beyond ``max_passages`` the remaining text joins the last passage.
    """
    passages: list[str] = []
    limit = params.max_passage_words
    target = max(limit // 2, params.min_passage_words)
    for line in map(str.strip, text.split("\n")):
        if not line:
            continue
        # With no separator but " " (``isprintable``), words never outnumber spaces + 1: most
        # lines pass without being split into words.
        if (line.count(" ") < limit and line.isprintable()) or len(line.split()) <= limit:
            passages.append(line)
            continue
        group: list[str] = []
        words = 0
        for sentence in split_sentences(line):
            group.append(sentence)
            words += len(sentence.split())
            if words >= target:
                passages.append(" ".join(group))
                group, words = [], 0
        if group:
            passages.append(" ".join(group))
    if len(passages) > params.max_passages:
        keep = params.max_passages - 1
        passages = [*passages[:keep], " ".join(passages[keep:])]
    return passages


def fingerprint(passages: list[str], params: DedupParams) -> Fingerprint:
    """Band keys and sketches of ``passages`` (from ``split_passages``)."""
    k = params.shingle_words
    sums, runs, distinct = shingle_sums(
        fold_units("\n".join(passages)), k, _WORD_CHAR, _BASE, _POSITION[:k]
    )
    if sums.size == 0:
        return Fingerprint([], [], "", [], 0)
    # Where each line's run starts, and which lines are long enough to be passages.
    bounds, keep = [0], [0]  # keep: rows of ``line_minima`` (row 0: the document)
    shortest = params.min_passage_words - k + 1
    for index, (_, count) in enumerate(runs, start=1):
        if count >= shortest:
            keep.append(index)
        bounds.append(bounds[-1] + count)
    minima = line_minima(sums, np.array(bounds, dtype=np.intp), params._mul)
    columns = minima if len(keep) == len(bounds) else minima[keep]
    widest = max(params.doc_sketch, params.passage_sketch)
    codes, packed = keys_and_sketches(columns, params.band_values, widest, params._band_hashing)
    keys = _key_text(codes)
    sketches = _sketch_text(packed, params.doc_sketch // 4, params.passage_sketch // 4)
    targets = [DOCUMENT] * params.doc_bands
    kept = []
    for column, index in enumerate(keep[1:], start=1):
        pid, count = runs[index - 1]
        targets += [pid] * params.passage_bands
        kept.append((pid, count, sketches[column]))
    return Fingerprint(keys, targets, sketches[0], kept, distinct)


def _sketch_text(packed: npt.NDArray[np.uint8], doc: int, passage: int) -> list[str]:
    """Each row's sketch as base64, the first (the document's) ``doc`` bytes long, the
    others (passages') ``passage``."""
    out = [binascii.b2a_base64(packed[0, :doc].tobytes(), newline=False).decode("ascii")]
    out += [
        binascii.b2a_base64(row, newline=False).decode("ascii")
        for row in map(bytes, packed[1:, :passage])
    ]
    return out


def sketch_bits(sketch: str) -> tuple[int, int]:
    """A sketch as ``(integer, number of 2-bit values)``, for ``sketch_similarity``."""
    raw = binascii.a2b_base64(sketch)
    return int.from_bytes(raw, "big"), 4 * len(raw)


def sketch_similarity(a: tuple[int, int], b: tuple[int, int]) -> float:
    """Jaccard estimate from two sketches: equal 2-bit values, corrected for chance (1/4).

    With 128 values the standard error is about 0.057 at J = 0.5 (0.055 at J = 0.1): less
    than 4-bit values in the same 32 bytes (64 values, 0.066), because more permutations
    outweigh the chance matches.
    """
    values = min(a[1], b[1])
    if values == 0:
        return 0.0
    diff = (a[0] >> 2 * (a[1] - values)) ^ (b[0] >> 2 * (b[1] - values))
    diff |= diff >> 1
    unequal = (diff & ((1 << 2 * values) // 3)).bit_count()  # 0x5555...: one bit per value
    return max(0.0, ((values - unequal) / values - 0.25) / 0.75)


def band_hashing(params: DedupParams) -> tuple[U64, U64, U64, U64]:
    """Row multipliers and band salts: document (rows,), (bands,), then passage likewise."""
    out = []
    for level, bands, rows in (
        ("doc", params.doc_bands, params.doc_rows),
        ("passage", params.passage_bands, params.passage_rows),
    ):
        out.append(_POSITION[[(row + 1) % len(_POSITION) for row in range(rows)]])
        salts = [(_LEVEL_SALT[level] + band * int(_POSITION[0])) % 2**64 for band in range(bands)]
        out.append(np.array(salts, dtype=np.uint64))
    return out[0], out[1], out[2], out[3]


_KEY_SLICES = [slice(at, at + KEY_CHARS) for at in range(0, KEY_CHARS * 1024, KEY_CHARS)]


def _key_text(codes: bytes) -> list[str]:
    """``keys_and_sketches``' key characters as one string per key."""
    text = codes.decode("ascii")
    count = len(text) // KEY_CHARS
    if count <= len(_KEY_SLICES):
        return list(map(text.__getitem__, _KEY_SLICES[:count]))
    return [text[at : at + KEY_CHARS] for at in range(0, len(text), KEY_CHARS)]


def doc_hash(doc: str) -> bytes:
    """Six-byte hash of a doc id: what band buckets store instead of the id itself."""
    return hashlib.blake2b(doc.encode("utf-8"), digest_size=6).digest()


def exact_key(text_hash: str) -> str:
    """Bucket key of the exact-text probe, from ``Article.text_hash``: 36 bits of a hash."""
    digest = hashlib.blake2b(b"exact:" + text_hash.encode("ascii"), digest_size=6).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:KEY_CHARS]
