"""``pytest --nbval notebooks/`` runs the notebooks on the simulator, as their stored outputs were.

The notebooks switch to the real API when the RC_* variables are set; nbval's kernels inherit
this process's environment, so a developer's credentials are removed here, before any kernel
starts, and can never reach an output.
"""

from __future__ import annotations

import os

for _name in (
    "RC_SERVER_URL",
    "RC_APP_CLIENT_ID",
    "RC_APP_CLIENT_SECRET",
    "RC_USER_JWT",
    "WEBINAR_INSIGHTS_STORE",
):
    os.environ.pop(_name, None)
