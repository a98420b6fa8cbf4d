"""Benchmarks: ``python -m benchmarks.bench_<stage>``; figures come from here, never from tests."""
