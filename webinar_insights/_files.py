"""Writing files so that a reader sees the old file or the new one, never half of one."""

from __future__ import annotations

import errno
import os
from contextlib import suppress
from pathlib import Path

from webinar_insights.errors import StoreError

NO_SPACE = frozenset({errno.ENOSPC, errno.EDQUOT})


def no_space(path: Path) -> StoreError:
    return StoreError(
        f"no space left on the device holding {path}; free some space and run the same command"
        " again: nothing stored was lost"
    )


def discard(path: Path) -> None:
    """Remove a file if it is there; a file that cannot be removed is left alone."""
    with suppress(OSError):
        path.unlink(missing_ok=True)


def write_file(path: Path, data: bytes) -> None:
    """``atomic_write`` without the translation: an ``OSError`` propagates, with no temporary
    file left behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        discard(tmp)
        raise


def atomic_write(path: Path, data: bytes) -> None:
    r"""Write ``data`` to ``path`` so that readers see the old file or the new one, never half.

    When writing fails the temporary file is removed and the old file stays; a full disk raises
    ``StoreError`` saying so (other ``OSError``\ s propagate).
    """
    try:
        write_file(path, data)
    except OSError as error:
        if error.errno in NO_SPACE:
            raise no_space(path.parent) from None
        raise
