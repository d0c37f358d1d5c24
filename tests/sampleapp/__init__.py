"""A test-only app (installed only in the test settings, tests/settings.py) whose models try out
core's kits: an append-only stock ledger and fund ledger (core/ledger.py) and a source of
figures with its subtree rollups (core/rollup.py)."""
