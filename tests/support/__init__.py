"""Helpers shared by the tests (and bench/): never a test module, never imported from one."""
