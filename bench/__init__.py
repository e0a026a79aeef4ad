"""Benchmarks for nbaprops: `python -m bench` prints one JSON object (see bench/RESULTS.md).

Never part of the test run: pytest only collects `tests/`.
"""
