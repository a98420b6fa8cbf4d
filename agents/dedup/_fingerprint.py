"""Passages, word shingles, MinHash signatures and LSH band keys, vectorised with numpy.

Everything after ``fold`` runs as whole-array operations; the only Python loops are over
lines (passages), never over words, shingles or permutations:

1. The text is cut into passages on the ORIGINAL spelling (lines; a line longer than
   ``max_passage_words`` becomes groups of whole sentences), so passage ids can be mapped
   back to quotable text (``split_passages``). The passages are folded in one ``fold`` call.
2. Code points of the folded text become a uint32 array; a lookup table marks word
   characters (``str.isalnum``, punctuation and spaces split words).
3. Word hashes are polynomial hashes over code points, computed for all words at once from
   one prefix sum: ``H(word) = (C[end] - C[start]) * B**-start`` in uint64 arithmetic, where
   wrap-around *is* the modulus and the odd base ``B`` has an inverse mod 2**64.
4. A shingle is ``k`` consecutive words of one passage; its hash mixes the ``k`` word hashes.
5. MinHash: every permutation at once as an (shingles x permutations) array
   ``(a*x + b) mod 2**64``, top 32 bits, then a segmented minimum (``np.minimum.reduceat``)
   gives every passage's signature in one call; the document's is the minimum of those.
6. Band keys: ``rows`` signature values per band are mixed with a per-level, per-band salt
   into 48 bits, written as 8 base64url characters (48 bits: 2**-48 chance that two distinct
   bands share a key, harmless since one band never decides alone).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import sys
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from agents.dedup.params import DedupParams
from agents.normalize.text import fold, split_sentences

__all__ = [
    "Fingerprint",
    "doc_hash",
    "exact_key",
    "fingerprint",
    "sketch_bits",
    "sketch_similarity",
    "split_passages",
]

U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]

_BASE = np.uint64(0x100000001B3)  # FNV-64 prime: odd, so invertible mod 2**64
_BASE_INV = np.uint64(pow(0x100000001B3, -1, 2**64))
_SHIFT32 = np.uint64(32)
_SHIFT16 = np.uint64(16)
# Odd multipliers, one per shingle position, so "a b c" and "c b a" hash apart.
_POSITION = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93,
     0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53, 0x94D049BB133111EB, 0xBF58476D1CE4E5B9],
    dtype=np.uint64,
)  # fmt: skip
_LEVEL_SALT = {"doc": 0x243F6A8885A308D3, "passage": 0x13198A2E03707344}
_WORD_CHAR = np.array([chr(c).isalnum() for c in range(0x10000)], dtype=bool)
_NEWLINE = 10
_LITTLE = sys.byteorder == "little"


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """Band keys and sketches of one text: the whole document and each passage.

    ``passages`` lists ``(passage_id, shingles, band keys, sketch)`` for passages with at
    least ``min_passage_words`` words; ``shingles`` counts the passage's shingle positions.
    ``distinct`` counts the document's distinct shingles (the set size behind its Jaccard
    similarities); 0 means the text has no shingle and no band. Sketches are base64 text
    (they travel in JSON records).
    """

    doc_keys: list[str]
    doc_sketch: str
    passages: list[tuple[int, int, list[str], str]]
    distinct: int


def split_passages(text: str, params: DedupParams) -> list[str]:
    """The article's passages in original spelling; a passage id indexes this list.

    A passage is a non-empty line, or, for a line over ``max_passage_words`` words, a group
    of consecutive sentences reaching about half that many words (the last group may be
    short). Beyond ``max_passages`` the remaining text joins the last passage.
    """
    passages: list[str] = []
    target = max(params.max_passage_words // 2, params.min_passage_words)
    for raw_line in text.split("\n"):
        line = raw_line.strip()
        if not line:
            continue
        if len(line.split()) <= params.max_passage_words:
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


def _mix(x: U64) -> U64:
    """MurmurHash3's 64-bit finaliser: an avalanching bijection, applied in place."""
    x ^= x >> np.uint64(33)
    x *= np.uint64(0xFF51AFD7ED558CCD)
    x ^= x >> np.uint64(33)
    x *= np.uint64(0xC4CEB9FE1A85EC53)
    x ^= x >> np.uint64(33)
    return x


def _powers(base: np.uint64, n: int) -> U64:
    """``base**0 .. base**(n-1)`` mod 2**64."""
    out = np.empty(n, dtype=np.uint64)
    out[0] = 1
    if n > 1:
        np.cumprod(np.full(n - 1, base, dtype=np.uint64), out=out[1:])
    return out


# Powers for texts up to 32k code points (512 KB): most articles skip two prefix products.
_TABLE = 1 << 15
_POW = _powers(_BASE, _TABLE)
_POW_INV = _powers(_BASE_INV, _TABLE)


def _shingles(folded: str, k: int) -> tuple[U64, npt.NDArray[np.intp]]:
    """Hashes of every k-word shingle inside one line, and the line index of each.

    Lines come out in order, so each line's shingles are one contiguous run.
    """
    codes = np.frombuffer(folded.encode("utf-32-le"), dtype=np.uint32)
    n = codes.size
    flags = np.zeros(n + 2, dtype=bool)
    flags[1:-1] = _WORD_CHAR[np.minimum(codes, 0xFFFF)]
    bounds = np.flatnonzero(flags[1:] != flags[:-1])
    starts, ends = bounds[0::2], bounds[1::2]
    if starts.size < k:
        return np.empty(0, np.uint64), np.empty(0, np.intp)
    line = np.searchsorted(np.flatnonzero(codes == _NEWLINE), starts)
    power, inverse = (_POW, _POW_INV) if n < _TABLE else (_powers(_BASE, n), _powers(_BASE_INV, n))
    prefix = np.empty(n + 1, dtype=np.uint64)
    prefix[0] = 0
    np.cumsum(codes * power[:n], out=prefix[1:])
    # Polynomial word hashes; the shingle mix below avalanches them, so no per-word mix.
    words = (prefix[ends] - prefix[starts]) * inverse[starts]
    m = words.size - k + 1
    acc = words[:m] * _POSITION[0]
    for j in range(1, k):
        acc += words[j : j + m] * _POSITION[j]
    same_line = line[:m] == line[k - 1 :]
    return _mix(acc[same_line]), line[:m][same_line]


def fingerprint(passages: list[str], params: DedupParams) -> Fingerprint:
    """Band keys and sketches of ``passages`` (from ``split_passages``)."""
    k = params.shingle_words
    hashes, line = _shingles(fold("\n".join(passages)), k)
    if hashes.size == 0:
        return Fingerprint([], "", [], 0)
    # (shingles x permutations) in one multiply-add; wrap-around is the modulus. The high
    # 32 bits of each product are the odd uint32 halves (little-endian), read as a view.
    products = hashes[:, None] * params._mul
    products += params._add
    values = (
        products.view(np.uint32)[:, 1::2] if _LITTLE else (products >> _SHIFT32).astype(np.uint32)
    )
    cuts = np.flatnonzero(line[1:] != line[:-1]) + 1
    first = np.concatenate((np.zeros(1, np.intp), cuts))
    sizes = np.concatenate((cuts, [hashes.size])) - first
    minima: U32 = np.minimum.reduceat(values, first, axis=0)
    keep = np.flatnonzero(sizes >= params.min_passage_words - k + 1)
    rows = np.concatenate((minima.min(axis=0)[None, :], minima[keep]))  # document first
    bands = params.band_values
    sketches = _sketches(rows, bands, params.doc_sketch, params.passage_sketch)
    keys = _band_keys(
        _band_hashes(rows[:1], "doc", params.doc_bands, params.doc_rows),
        _band_hashes(rows[1:], "passage", params.passage_bands, params.passage_rows),
    )
    doc_keys, passage_keys = keys[: params.doc_bands], keys[params.doc_bands :]
    pb = params.passage_bands
    ids, counts = line[first[keep]].tolist(), sizes[keep].tolist()
    kept = [
        (ids[i], counts[i], passage_keys[i * pb : (i + 1) * pb], sketches[i + 1])
        for i in range(len(ids))
    ]
    return Fingerprint(doc_keys, sketches[0], kept, len(set(hashes.tolist())))


def _sketches(rows: U32, start: int, doc_width: int, passage_width: int) -> list[str]:
    """2-bit b-bit-MinHash sketches, base64: row 0 (the document) keeps ``doc_width``
    values, the other rows (passages) ``passage_width``, taken from column ``start`` on."""
    widest = max(doc_width, passage_width)
    quads = (rows[:, start : start + widest] & np.uint32(3)).astype(np.uint8)
    packed = (
        (quads[:, 0::4] << np.uint8(6))
        | (quads[:, 1::4] << np.uint8(4))
        | (quads[:, 2::4] << np.uint8(2))
        | quads[:, 3::4]
    ).tobytes()
    step = widest // 4
    out = []
    for i in range(rows.shape[0]):
        width = (doc_width if i == 0 else passage_width) // 4
        raw = packed[i * step : i * step + width]
        out.append(binascii.b2a_base64(raw, newline=False).decode("ascii"))
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


def _band_hashes(signatures: U32, level: str, bands: int, rows: int) -> U64:
    """Unmixed band hashes, row after row: salt(level, band) + sum of value * multiplier."""
    n = signatures.shape[0]
    grid = signatures[:, : bands * rows].reshape(n, bands, rows)
    salt = np.uint64(_LEVEL_SALT[level]) + np.arange(bands, dtype=np.uint64) * _POSITION[0]
    acc: U64 = grid[:, :, 0] * _POSITION[1] + salt
    for j in range(1, rows):
        acc += grid[:, :, j] * _POSITION[(j + 1) % len(_POSITION)]
    return acc.ravel()


def _band_keys(*hashes: U64) -> list[str]:
    """Band keys: each hash mixed, cut to 48 bits and written as 8 base64url characters."""
    mixed = _mix(np.concatenate(hashes)) >> _SHIFT16
    top = mixed.astype(">u8").view(np.uint8).reshape(-1, 8)[:, 2:]
    text = base64.urlsafe_b64encode(top.tobytes()).decode("ascii")
    return [text[i : i + 8] for i in range(0, len(text), 8)]


def doc_hash(doc: str) -> bytes:
    """Six-byte hash of a doc id: what band buckets store instead of the id itself."""
    return hashlib.blake2b(doc.encode("utf-8"), digest_size=6).digest()


def exact_key(text_hash: str) -> str:
    """Bucket key of an exact-duplicate probe, from ``Article.text_hash``."""
    digest = hashlib.blake2b(b"exact:" + text_hash.encode("ascii"), digest_size=6).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")
