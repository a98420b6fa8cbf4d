"""MinHash signatures of every line of a text, and of the whole, in one compiled loop.

The numpy formulation (a permutations x shingles product, then a segmented minimum along
its rows) spent ~40 us of a 3 KB article's ~230 us fingerprint writing and re-reading a
180 KB array, in broadcast loops too short for numpy to vectorise well. Here each shingle's
hash is mixed once and folded into its line's running minima: one pass, no array beyond the
result, and the inner loop over permutations is branch-free so LLVM vectorises it (~4 us).
numba compiles it on first use (~1 s) and caches the machine code beside this file.

The arithmetic is the numpy version's, bit for bit (``tests/unit/agents/dedup``
checks them against each other): MurmurHash3's 64-bit finaliser on each shingle sum, the
high 32 bits of that, times each odd 32-bit multiplier modulo 2**32.
"""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt

__all__ = ["line_minima"]

U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]
INTP = npt.NDArray[np.intp]

_SHIFT = np.uint64(33)
_HIGH = np.uint64(32)
_MIX1 = np.uint64(0xFF51AFD7ED558CCD)
_MIX2 = np.uint64(0xC4CEB9FE1A85EC53)
_EMPTY = np.uint32(0xFFFFFFFF)


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
