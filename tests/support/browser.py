"""Debian's Chromium driven by playwright, as the report's browser tests and ``bench/`` launch it.

The one list of Chromium flags: headless, no sandbox (containers), and no background traffic of
the browser's own (QUIC, component updates, sync), so every request a page makes is its own.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

__all__ = ["CHROMIUM", "CHROMIUM_FLAGS", "chromium_context"]

CHROMIUM: Final = Path("/usr/bin/chromium")
"""Debian's chromium (``make chromium`` installs it); playwright's own downloads are never used."""

CHROMIUM_FLAGS: Final = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


@contextlib.contextmanager
def chromium_context(profile: str | os.PathLike[str]) -> Iterator[Any]:
    """A persistent browser context of :data:`CHROMIUM` with :data:`CHROMIUM_FLAGS`, its profile
    in ``profile`` (a fresh folder), closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), headless=True, args=list(CHROMIUM_FLAGS)
        )
        try:
            yield context
        finally:
            context.close()
