"""Escaping for the two places API text lands in the report: HTML text and inline JSON.

Every string that came from the API (titles, names, reasons) passes through one of these two
functions before it reaches the document; nothing else in the report builds markup from data.
"""

from __future__ import annotations

import html
import json
from typing import Any

__all__ = ["attr", "script_json", "text"]

# Inside <script>, the HTML parser ends the element at the first "</script" and treats "<!--"
# specially; JavaScript treats U+2028/U+2029 as line breaks in old engines. Escaping "<", ">"
# and "&" as JSON unicode escapes makes "</script>" impossible while JSON.parse still gives the
# same string back.
_SCRIPT_SAFE = str.maketrans(
    {
        "<": "\\u003c",
        ">": "\\u003e",
        "&": "\\u0026",
        "\u2028": "\\u2028",
        "\u2029": "\\u2029",
    }
)


def text(value: object) -> str:
    """``value`` as HTML text (``&``, ``<``, ``>``, quotes escaped); None is an empty string."""
    return "" if value is None else html.escape(str(value), quote=True)


def attr(value: object) -> str:
    """``value`` as a double-quoted attribute value: the escaping of :func:`text`, and a carriage
    return as a character reference, since the HTML parser turns a literal one into a line feed
    (a table cell's ``data-value`` is what the page's CSV download holds, exactly)."""
    return text(value).replace("\r", "&#13;")


def script_json(value: Any) -> str:
    """Compact JSON that is safe inside a ``<script>`` element (``JSON.parse`` reads it back).

    ``<``, ``>``, ``&``, U+2028 and U+2029 become ``\\u003c`` and so on, so no string in it can
    close the element; NaN and infinities are refused (JSON has no spelling for them).
    """
    encoded = json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return encoded.translate(_SCRIPT_SAFE)
