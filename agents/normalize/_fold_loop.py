"""``fold``'s table pass as one compiled loop (numba), for processes that load numba anyway.

As numpy it is five or six array operations (kinds, their maximum, a mask for dropped
characters, the gather, blank runs), ~23 us on a 2 KB article and ~9 us on a sentence,
most of it per-call overhead; one pass over the code units does the same work in a few
microseconds. Importing numba costs ~145 MB resident, so ``text.use_compiled_folding``
switches to this only where dedup or the figure pre-filter has loaded it already. The
tables (``text._KIND``, ``text._FOLDED``) and the rules are the numpy pass's;
``tests/unit/agents/normalize`` holds the two passes to each other.
"""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt

__all__ = ["fold_table_pass"]

U16 = npt.NDArray[np.uint16]
U8 = npt.NDArray[np.uint8]


@numba.njit(cache=True, nogil=True)
def _fold_table_pass(
    units: U16, kind: U8, folded: U16, blank: int, dropped: int, slow: int
) -> tuple[U16, bool]:  # pragma: no cover (compiled)
    out = np.empty(units.size, dtype=np.uint16)
    count = 0
    after_blank = False
    for unit in units:
        what = kind[unit]
        if what == slow:
            return out[:0], False
        if what == dropped:
            continue
        if what == blank:
            if after_blank:
                continue
            after_blank = True
        else:
            after_blank = False
        out[count] = folded[unit]
        count += 1
    return out[:count], True


def fold_table_pass(
    units: U16, kind: U8, folded: U16, *, blank: int, dropped: int, slow: int
) -> U16 | None:
    """``units`` mapped through ``folded``: characters of kind ``dropped`` removed, a run of
    ``blank`` ones (dropped ones between them ignored) kept as its first; None as soon as
    one is of kind ``slow`` (the caller takes the reference path)."""
    out, done = _fold_table_pass(units, kind, folded, blank, dropped, slow)
    return out if done else None
