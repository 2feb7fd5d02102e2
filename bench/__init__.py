"""Benchmarks of the portal at regional scale (`make bench`): see bench/README.md."""
