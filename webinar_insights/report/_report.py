"""The public :class:`Report`: the frozen model with its outputs (HTML, summary, data files)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from webinar_insights._files import atomic_write

from ._bundle import vega_bundle
from ._export import export_data
from ._figures import figures_frame
from ._model import ReportData
from ._render import render_document
from ._summary import summary_text

__all__ = ["Report"]


@dataclass(frozen=True, eq=False)
class Report(ReportData):
    """A finished report: computed once, never changed (use :func:`dataclasses.replace`).

    ``to_html()`` gives the self-contained document, ``write_html(path)`` writes it and
    ``export_data(directory)`` writes the frames (Parquet and CSV) and charts (SVG and PNG)
    behind it. The range is ``[start, end)`` in UTC; the previous period, ``[previous_start,
    start)``, is as long just before it (as many local days when the range is whole days).
    """

    def figures(self) -> pl.DataFrame:
        """Every key figure as the page shows it, one row each, in the page's order.

        Columns: ``key`` (as in ``metrics.KPIS``), ``label``, ``value`` (a number; None when
        unknown), ``text`` (as shown), ``change`` (against the previous period, or why not
        shown), ``definition``, ``basis`` (for a share: the two counts it is computed from, as
        shown), ``numerator`` and ``denominator`` (those counts), ``previous_value``.
        """
        return figures_frame(self)

    def summary(self) -> str:
        """The key figures and their changes as a few plain lines (what the CLI prints)."""
        return summary_text(self)

    def to_html(self) -> str:
        """The report as one HTML document that needs no network (about 1 MB of it is Vega)."""
        return render_document(self, bundle=vega_bundle())

    def write_html(self, path: str | os.PathLike[str]) -> Path:
        """Write :meth:`to_html` to ``path`` (parent folders created); returns the path.

        The file appears whole or not at all: it is written beside and renamed into place.
        """
        target = Path(path)
        document = self.to_html()  # render first: a failure leaves nothing behind
        atomic_write(target, document.encode("utf-8"))
        return target

    def export_data(self, directory: str | os.PathLike[str], *, images: bool = True) -> list[Path]:
        """Write each frame as Parquet and CSV and each chart as SVG and PNG into ``directory``.

        CSV cells that begin with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return get a
        leading ``'`` so that a spreadsheet does not run them as formulas (text columns only:
        numbers stay numbers). Returns the files written.
        """
        return export_data(self, Path(directory), images=images)
