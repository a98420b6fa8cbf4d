"""The compiled MinHash loop against the numpy formulation it replaced, value for value."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from agents.dedup._minhash import line_minima
from agents.dedup.params import DedupParams


def _mix(x: np.ndarray) -> np.ndarray:
    x = x.copy()
    x ^= x >> np.uint64(33)
    x *= np.uint64(0xFF51AFD7ED558CCD)
    x ^= x >> np.uint64(33)
    x *= np.uint64(0xC4CEB9FE1A85EC53)
    x ^= x >> np.uint64(33)
    return x


def _numpy_minima(sums: np.ndarray, bounds: list[int], multipliers: np.ndarray) -> np.ndarray:
    """The former numpy steps: a (permutations x shingles) product, then minima per line."""
    high = (_mix(sums) >> np.uint64(32)).astype(np.uint32)
    products = multipliers[:, None] * high[None, :]  # uint32: wraps modulo 2**32
    rows = [np.full(multipliers.size, 0xFFFFFFFF, dtype=np.uint32)]
    for start, end in itertools.pairwise(bounds):
        line = products[:, start:end].min(axis=1) if end > start else rows[0].copy()
        rows.append(line)
    rows[0] = np.minimum.reduce(rows[1:]) if len(rows) > 1 else rows[0]
    return np.array(rows, dtype=np.uint32)


@pytest.mark.parametrize("seed", range(8))
def test_line_minima_equal_the_numpy_formulation(seed: int) -> None:
    rng = np.random.default_rng(seed)
    counts = rng.integers(0, 40, size=rng.integers(1, 12))
    bounds = [0, *np.cumsum(counts).tolist()]
    sums = rng.integers(0, 2**64, size=bounds[-1], dtype=np.uint64)
    multipliers = DedupParams(seed=seed)._mul

    got = line_minima(sums, np.array(bounds, dtype=np.intp), multipliers)

    assert got.dtype == np.uint32
    assert got.shape == (len(bounds), multipliers.size)
    np.testing.assert_array_equal(got, _numpy_minima(sums, bounds, multipliers))


def test_a_line_without_shingles_keeps_the_empty_value() -> None:
    sums = np.array([1, 2, 3], dtype=np.uint64)
    got = line_minima(sums, np.array([0, 3, 3], dtype=np.intp), np.array([1, 3], dtype=np.uint32))
    assert got[2].tolist() == [0xFFFFFFFF, 0xFFFFFFFF]
    assert got[0].tolist() == got[1].tolist()


def _numpy_keys_and_sketches(
    columns: np.ndarray, params: DedupParams
) -> tuple[list[str], list[bytes]]:
    """The former numpy steps: band hashes by matrix products, keys by base64 of their top
    bytes, sketches by a packing multiply."""
    import base64

    doc_w, doc_s, pas_w, pas_s = params._band_hashing
    values = columns.astype(np.uint64)
    db, dr, pb, pr = params.doc_bands, params.doc_rows, params.passage_bands, params.passage_rows
    hashed = [*(values[0, : db * dr].reshape(db, dr) @ doc_w + doc_s)]
    hashed += [*((values[1:, : pb * pr].reshape(-1, pb, pr) @ pas_w) + pas_s).reshape(-1)]
    keys = [base64.urlsafe_b64encode(int(h).to_bytes(8, "big")).decode()[:6] for h in hashed]
    quads = (columns[:, params.band_values :] & 3).astype(np.uint32)
    packed = (quads[:, 0::4] << 6) | (quads[:, 1::4] << 4) | (quads[:, 2::4] << 2) | quads[:, 3::4]
    return keys, [bytes(row.astype(np.uint8)) for row in packed]


@pytest.mark.parametrize("seed", range(4))
def test_keys_and_sketches_equal_the_numpy_formulation(seed: int) -> None:
    from agents.dedup._minhash import keys_and_sketches

    params = DedupParams(seed=seed)
    rng = np.random.default_rng(seed)
    columns = rng.integers(0, 2**32, size=(1 + seed * 3, params.permutations), dtype=np.uint32)

    codes, packed = keys_and_sketches(columns, params.band_values, 128, params._band_hashing)

    keys, sketches = _numpy_keys_and_sketches(columns, params)
    assert [codes[at : at + 6].decode() for at in range(0, len(codes), 6)] == keys
    assert [bytes(row) for row in packed] == sketches


def _numpy_shingles(codes: np.ndarray, k: int) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """The former numpy steps: word bounds from the table, word hashes as a segmented sum of
    ``c[i] * B**i`` times ``B**-start``, shingles as a matrix product, lines by search."""
    from agents.dedup._fingerprint import _BASE, _POSITION, _WORD_CHAR

    n = codes.size
    flags = np.zeros(n + 2, dtype=bool)
    flags[1:-1] = _WORD_CHAR[codes]
    bounds = np.nonzero(flags[1:] != flags[:-1])[0]
    starts = bounds[0::2]
    m = starts.size - k + 1
    if m < 1:
        return np.empty(0, np.uint64), []
    power = np.ones(n + 1, dtype=np.uint64)
    np.cumprod(np.full(n, _BASE, dtype=np.uint64), out=power[1:])
    inverse = np.array([pow(int(p), -1, 2**64) for p in power[starts]], dtype=np.uint64)
    terms = np.zeros(n + 1, dtype=np.uint64)
    terms[:n] = codes.astype(np.uint64) * power[:n]
    words = np.add.reduceat(terms, bounds)[0::2] * inverse
    window = np.lib.stride_tricks.sliding_window_view(words, k)
    acc = window @ _POSITION[:k]
    line = np.searchsorted(np.flatnonzero(codes == 10), starts)
    keep = line[:m] == line[k - 1 :]
    counts = np.bincount(line[:m][keep], minlength=line[-1] + 1)
    lines = np.flatnonzero(counts)
    return acc[keep], list(zip(lines.tolist(), counts[lines].tolist(), strict=True))


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("k", [1, 4])
def test_shingle_sums_equal_the_numpy_formulation(seed: int, k: int) -> None:
    import random

    from agents.dedup._fingerprint import _BASE, _POSITION, _WORD_CHAR
    from agents.dedup._minhash import shingle_sums
    from agents.normalize.text import fold_units

    rng = random.Random(seed)
    pool = ["وفد", "الوزير", "ایران", "talks", "Oslo", "٢٠٢٤", " ", " ", "\n", "، ", "😀", "-"]
    text = "".join(rng.choices(pool, k=rng.randint(0, 120)))
    codes = fold_units(text)

    sums, runs, distinct = shingle_sums(codes, k, _WORD_CHAR, _BASE, _POSITION[:k])

    expected, expected_runs = _numpy_shingles(codes, k)
    np.testing.assert_array_equal(sums, expected)
    assert runs == expected_runs
    assert distinct == len(set(expected.tolist()))


def test_prepare_loads_the_compiled_loops_in_a_fresh_process() -> None:
    import subprocess
    import sys

    script = (
        "from agents.dedup import DedupParams, prepare\n"
        "from agents.dedup._minhash import _keys_and_sketches, _line_minima, _shingle_sums\n"
        "loops = (_shingle_sums, _line_minima, _keys_and_sketches)\n"
        "assert not any(loop.signatures for loop in loops)\n"
        "prepare(DedupParams())\n"
        "assert all(loop.signatures for loop in loops)\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120)
