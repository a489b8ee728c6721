"""Benchmarks: each prints its figure as a ratio to a baseline measured in the same run.

Run them all with `make bench`, or one with `python -m bench <name>` (the module name
without `bench_`). See bench/common.py for the server, the load generator and the report.
"""
