"""Helpers that several kinds of tests import: resource inputs, and the engine's calls on a provider in-process.

Fixtures live in tests/conftest.py; what one folder alone needs lives in that folder.
"""
