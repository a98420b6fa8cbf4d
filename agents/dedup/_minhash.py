"""MinHash signatures of every line of a text and of the whole, then band keys and
sketches from them: two compiled loops.

The numpy formulation (a permutations x shingles product, then a segmented minimum along
its rows) spent ~40 us of a 3 KB article's ~230 us fingerprint writing and re-reading a
180 KB array, in broadcast loops too short for numpy to vectorise well. Here each shingle's
hash is mixed once and folded into its line's running minima: one pass, no array beyond the
result, and the inner loop over permutations is branch-free so LLVM vectorises it (~4 us).
Keys and sketches (~20 us as a dozen numpy calls on small arrays) are one more loop. numba
compiles both on first use (~1 s) and caches the machine code beside this file.

The arithmetic is the numpy versions', bit for bit (``tests/unit/agents/dedup``
checks them against each other): MurmurHash3's 64-bit finaliser on each shingle sum, the
high 32 bits of that, times each odd 32-bit multiplier modulo 2**32.
"""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt

from agents.normalize.text import use_compiled_folding

__all__ = ["keys_and_sketches", "line_minima", "shingle_sums"]

use_compiled_folding()  # numba is loaded now: fold may as well use it

U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]
INTP = npt.NDArray[np.intp]

_SHIFT = np.uint64(33)
_HIGH = np.uint64(32)
_MIX1 = np.uint64(0xFF51AFD7ED558CCD)
_MIX2 = np.uint64(0xC4CEB9FE1A85EC53)
_EMPTY = np.uint32(0xFFFFFFFF)


_NEWLINE = 10


@numba.njit(cache=True, nogil=True)
def _shingle_sums(
    codes: npt.NDArray[np.uint16],
    k: int,
    word_char: npt.NDArray[np.bool_],
    base: np.uint64,
    position: U64,
) -> tuple[U64, INTP, int]:  # pragma: no cover (compiled)
    n = codes.size
    words = np.empty(n // 2 + 1, dtype=np.uint64)  # a word and a separator: 2 units at least
    word_line = np.empty(n // 2 + 1, dtype=np.intp)
    count = 0
    line = 0
    inside = False
    h = np.uint64(0)
    power = np.uint64(1)
    for at in range(n):
        code = codes[at]
        if word_char[code]:
            if not inside:
                inside = True
                h = np.uint64(0)
                power = np.uint64(1)
            h += np.uint64(code) * power
            power *= base
            continue
        if inside:
            words[count] = h
            word_line[count] = line
            count += 1
            inside = False
        if code == _NEWLINE:
            line += 1
    if inside:
        words[count] = h
        word_line[count] = line
        count += 1
    per_line = np.zeros(line + 1, dtype=np.intp)
    sums = np.empty(max(count - k + 1, 0), dtype=np.uint64)
    kept = 0
    for first in range(count - k + 1):
        if word_line[first] != word_line[first + k - 1]:
            continue
        acc = np.uint64(0)
        for offset in range(k):
            acc += words[first + offset] * position[offset]
        sums[kept] = acc
        kept += 1
        per_line[word_line[first]] += 1
    sums = sums[:kept]
    ordered = np.sort(sums)
    distinct = 0
    for at in range(kept):
        if at == 0 or ordered[at] != ordered[at - 1]:
            distinct += 1
    return sums, per_line, distinct


def shingle_sums(
    codes: npt.NDArray[np.uint16],
    k: int,
    word_char: npt.NDArray[np.bool_],
    base: np.uint64,
    position: U64,
) -> tuple[U64, list[tuple[int, int]], int]:
    """Sums of every ``k``-word shingle inside one line, line after line; the runs
    ``(line index, shingles)`` of the lines that have any; and how many sums are distinct.

    A word is a run of code units that ``word_char`` marks; its hash is the polynomial
    ``sum(c[j] * base**j)`` over its units (modulo 2**64); a shingle's sum is its words'
    hashes times ``position[0..k-1]``. Lines end at newlines.
    """
    sums, per_line, distinct = _shingle_sums(codes, k, word_char, base, position)
    lines = np.flatnonzero(per_line)
    runs = list(zip(lines.tolist(), per_line[lines].tolist(), strict=True))
    return sums, runs, int(distinct)


@numba.njit(cache=True, nogil=True)
def _line_minima(sums: U64, bounds: INTP, multipliers: U32) -> U32:  # pragma: no cover (compiled)
    lines = bounds.size - 1
    perms = multipliers.size
    out = np.full((lines + 1, perms), _EMPTY, dtype=np.uint32)
    whole = out[0]
    for line in range(lines):
        row = out[line + 1]
        for at in range(bounds[line], bounds[line + 1]):
            x = sums[at]
            x ^= x >> _SHIFT
            x *= _MIX1
            x ^= x >> _SHIFT
            x *= _MIX2
            x ^= x >> _SHIFT
            high = np.uint32(x >> _HIGH)
            for perm in range(perms):
                row[perm] = min(row[perm], np.uint32(high * multipliers[perm]))
        for perm in range(perms):
            whole[perm] = min(whole[perm], row[perm])
    return out


def line_minima(sums: U64, bounds: INTP, multipliers: U32) -> U32:
    """MinHash values, ``(1 + lines) x permutations``: row 0 the whole text's, row ``i + 1``
    line ``i``'s, whose shingle sums are ``sums[bounds[i]:bounds[i + 1]]``.

    Value ``p`` of a row is the minimum over its shingles of ``(h * multipliers[p]) mod
    2**32``, ``h`` the high 32 bits of MurmurHash3's finaliser applied to the shingle sum
    (odd multipliers: each a bijection on 32-bit words). A line with no shingle keeps
    ``2**32 - 1`` everywhere; ``bounds`` must be non-decreasing, from 0 to ``sums.size``.
    """
    minima: U32 = _line_minima(sums, bounds, multipliers)
    return minima


_ALPHABET = np.frombuffer(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", dtype=np.uint8
)
_SIX = np.uint64(63)
_LOW2 = np.uint32(3)


@numba.njit(cache=True, nogil=True)
def _keys_and_sketches(
    columns: U32,
    band_values: int,
    sketch_width: int,
    doc_weights: U64,
    doc_salts: U64,
    passage_weights: U64,
    passage_salts: U64,
    alphabet: npt.NDArray[np.uint8],
) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8]]:  # pragma: no cover (compiled)
    rows = columns.shape[0]
    doc_bands, doc_rows = doc_salts.size, doc_weights.size
    passage_bands, passage_rows = passage_salts.size, passage_weights.size
    keys = np.empty((doc_bands + passage_bands * (rows - 1), 6), dtype=np.uint8)
    sketches = np.empty((rows, sketch_width // 4), dtype=np.uint8)
    key = 0
    for row in range(rows):
        values = columns[row]
        if row == 0:
            bands, width, weights, salts = doc_bands, doc_rows, doc_weights, doc_salts
        else:
            bands, width, weights, salts = (
                passage_bands,
                passage_rows,
                passage_weights,
                passage_salts,
            )
        for band in range(bands):
            h = salts[band]
            for r in range(width):
                h += np.uint64(values[band * width + r]) * weights[r]
            for char in range(6):
                keys[key, char] = alphabet[(h >> np.uint64(58 - 6 * char)) & _SIX]
            key += 1
        for at in range(sketch_width // 4):
            first = band_values + 4 * at
            sketches[row, at] = np.uint8(
                ((values[first] & _LOW2) << np.uint32(6))
                | ((values[first + 1] & _LOW2) << np.uint32(4))
                | ((values[first + 2] & _LOW2) << np.uint32(2))
                | (values[first + 3] & _LOW2)
            )
    return keys, sketches


def keys_and_sketches(
    columns: U32, band_values: int, sketch_width: int, hashing: tuple[U64, U64, U64, U64]
) -> tuple[bytes, npt.NDArray[np.uint8]]:
    """Band keys and packed sketches from MinHash rows (row 0 the document's, then passages').

    Keys: per band, its salt plus its values times one 64-bit multiplier per value (wrapping),
    the top 36 bits as 6 base64url characters; every key's characters in one ``bytes``, the
    document's ``doc_bands`` keys first. Sketches: ``(rows, sketch_width / 4)`` bytes, the low
    2 bits of the values from ``band_values`` on, four to a byte, the first value highest.
    ``hashing``: ``DedupParams._band_hashing`` (document multipliers and salts, then passage).
    """
    doc_weights, doc_salts, passage_weights, passage_salts = hashing
    keys, sketches = _keys_and_sketches(
        columns,
        band_values,
        sketch_width,
        doc_weights,
        doc_salts,
        passage_weights,
        passage_salts,
        _ALPHABET,
    )
    return keys.tobytes(), sketches
