"""Helpers shared by tests and benchmarks (no test imports another test module)."""
