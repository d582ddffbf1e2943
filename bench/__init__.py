"""Benchmarks: the pipeline benchmark and its synthetic inputs, and the adapters' latency runs."""
