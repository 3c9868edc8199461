"""Benchmarks: `make bench` (python -m bench) measures start-up, runs, keypresses, lint, scale and memory against their floors."""
