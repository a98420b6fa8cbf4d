"""``fold``'s table pass as one compiled loop (numba).

As numpy it was six array operations (kinds, their maximum, a mask for dropped characters,
one for blank runs, two gathers), ~15 us on a 2 KB article and ~8 us on a sentence, most
of it per-call overhead: stages fold every sentence they read. One pass over the code units
does the same work in ~2 us. The tables (``text._KIND``, ``text._FOLDED``) and the rules are
unchanged; ``tests/unit/agents/normalize`` holds ``fold`` to the ``str.translate``
reference on every BMP character and on random text.
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
