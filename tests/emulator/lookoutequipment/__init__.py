"""Tests of the emulated Lookout for Equipment, one module per group of operations (fixtures: conftest.py, helpers: support.py)."""
