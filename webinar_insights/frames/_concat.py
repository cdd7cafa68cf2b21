"""Frames of one kind built apart, stacked: their enums may differ by values the API spec does
not list (each frame has the declared categories, then its own new values), which
``pl.concat`` refuses ("Enum mismatch")."""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from webinar_insights import schemas
from webinar_insights.errors import ConfigurationError


def concat_frames(frames: Iterable[pl.DataFrame]) -> pl.DataFrame:
    """Frames of one kind (e.g. sessions frames of two syncs) stacked, as ``pl.concat`` does.

    An enum column gets one ``pl.Enum`` holding the categories of every frame: those all of them
    start with (the declared ones, in their order), then every other one, sorted; so frames
    built from different pages stack whatever new enum values each of them met.

    Parameters
    ----------
    frames:
        polars DataFrames with the same columns in the same order, e.g. ``sessions_frame``'s.

    Raises
    ------
    ConfigurationError
        No frame, or something that is not a polars DataFrame.

    Examples
    --------
    >>> from webinar_insights.frames import sessions_frame
    >>> a = sessions_frame([{"id": "s1", "status": "Finished"}])
    >>> b = sessions_frame([{"id": "s2", "status": "Active"}])
    >>> concat_frames([a, b]).get_column("status").to_list()
    ['Finished', 'Active']
    """
    given: object = frames  # a lone frame is iterable too (of its columns); catch it here
    if isinstance(given, pl.DataFrame):
        raise ConfigurationError(
            "frames must be an iterable of frames, e.g. [a, b], not one frame."
        )
    listed = list(frames)
    if not listed:
        raise ConfigurationError("concat_frames needs at least one frame.")
    for frame in listed:
        if not isinstance(frame, pl.DataFrame):
            raise ConfigurationError(
                f"concat_frames takes polars DataFrames, not {type(frame).__name__}"
                " (call .collect() on a LazyFrame first)."
            )
    categories: dict[str, list[list[str]]] = {}
    for frame in listed:
        for name, dtype in frame.schema.items():
            if isinstance(dtype, pl.Enum):
                categories.setdefault(name, []).append(dtype.categories.to_list())
    enums = {name: pl.Enum(_merged(lists)) for name, lists in categories.items()}
    return pl.concat(
        [
            frame.cast(
                {n: enums[n] for n, dtype in frame.schema.items() if isinstance(dtype, pl.Enum)}
            )
            for frame in listed
        ]
    )


def _merged(lists: list[list[str]]) -> list[str]:
    """The categories every list starts with, in their order, then all others sorted."""
    shared = min(lists, key=len)
    for categories in lists:
        same = 0
        while same < len(shared) and categories[same] == shared[same]:
            same += 1
        shared = shared[:same]
    return schemas.with_new_values(shared, (value for values in lists for value in values))
