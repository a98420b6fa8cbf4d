"""Run every benchmark in turn: ``python -m benchmarks`` (``make bench``)."""

import runpy
import sys

MODULES = [
    "benchmarks.bench_pipeline",
    "benchmarks.bench_events",
    "benchmarks.bench_figures",
    "benchmarks.bench_alerts",
    "benchmarks.bench_dedup",
    "benchmarks.bench_connectors",
    "benchmarks.bench_kafka",
    "benchmarks.bench_scale",
]

for module in MODULES:
    print(f"\n=== {module}", flush=True)
    sys.argv = [module]
    runpy.run_module(module, run_name="__main__")
