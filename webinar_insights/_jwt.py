"""What a JWT says about itself: its expiry date, read from the payload (never verified: the
server decides)."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any


def jwt_expiry(token: str) -> datetime | None:
    """When ``token`` expires, from the ``exp`` claim of its payload; None when it is not in
    a JWT's usual form. Nothing of the token leaves this function, not even in an exception."""
    payload: str | None = None
    claims: Any = None
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        exp = claims["exp"] if isinstance(claims, dict) else None
        if isinstance(exp, bool) or not isinstance(exp, int | float):
            return None
        return datetime.fromtimestamp(exp, UTC)
    except (IndexError, ValueError, KeyError, TypeError, OverflowError, OSError):
        return None
    finally:
        payload = claims = None
