"""Test-only helpers: tiny models and configs, tool runners, fixtures.

The tests' folder is on ``sys.path`` (pytest puts the folder of the root
``conftest.py`` there), so test modules import ``_helpers.<module>``.
"""
