"""Raw RingCentral Webinar API records to the typed frames defined in METRICS.md.

Each frame can be built from records (dicts as the API sends them) or from stored page bodies
(``{"records": [...], "paging": {...}}`` as bytes). Both are read against one declared nested
schema, without a Python loop per record: records are serialised into pages and read by polars;
many stored pages are read together, in batches, by Arrow's multi-threaded JSON reader, and
polars reads a batch's pages one by one whenever that reader refuses something, so that an odd
value is reported the same way on either path (tests hold the two paths to the same frames).

The package's modules: ``_spec`` (what a frame reads), ``_reader`` (pages to raw columns),
``_typed`` (raw columns to typed ones), ``_problems`` (bad-data collection, ``BadRecord``),
``_build`` (the pipeline from pages to a frame), ``_concat`` (frames built apart, stacked),
and one module per entity (``_sessions``, ``_participants``, ``_registrants``, ``_webinars``,
``_recordings``) mapping typed API fields to the columns of METRICS.md.

Bad data is raised (``on_bad_data="raise"``), loaded as null with one warning
(``on_bad_data="null"``), or, for stored pages, *quarantined* (``quarantine=[]``, what the store
does): nothing is raised and each problem is described in that list, one ``BadRecord`` each.

The quarantine rule (what the store's tables follow):

* a value of the wrong JSON type, a date-time that does not parse, a fraction or a string where
  a whole number belongs: that field is null, the record is kept, and the value is listed;
* a record that cannot be placed is left out of the frame and listed: a record that is not a
  JSON object, one without a usable ``id`` (missing, null, empty, not a string or number,
  longer than 64 characters or holding ``/``), or a session without a usable ``webinar.id``;
* a page that is not JSON, or not an object with a ``records`` list, is left out whole and
  listed (its other pages are read);
* an enum value the API spec does not list (the Webinar API is beta and may add some) is not
  bad data: it is kept as it is, after the declared categories of the column's ``pl.Enum``
  (new values sorted; ``role`` and ``original_role`` share theirs), with one ``DataWarning``
  and no quarantine entry, whatever ``on_bad_data``; a leave before the join has a null
  ``time_in_session``, with one ``DataWarning`` and no quarantine entry either.

A frame's dtypes are those of ``webinar_insights.schemas`` but for such an extended enum; the
declared one is the contract of the known values. Frames built apart may differ in such an
enum, which ``pl.concat`` refuses; ``concat_frames`` stacks them under one enum holding every
category (declared first, then the new ones sorted).
"""

from __future__ import annotations

from ._concat import concat_frames
from ._participants import (
    participants_frame,
    participants_frame_from_pages,
    participants_frame_from_session_pages,
)
from ._problems import BadRecord, OnBadData
from ._recordings import recordings_frame, recordings_frame_from_pages
from ._registrants import (
    registrants_frame,
    registrants_frame_from_pages,
    registrants_frame_from_session_pages,
)
from ._sessions import sessions_frame, sessions_frame_from_pages
from ._webinars import webinars_frame, webinars_frame_from_pages

__all__ = [
    "BadRecord",
    "OnBadData",
    "concat_frames",
    "participants_frame",
    "participants_frame_from_pages",
    "participants_frame_from_session_pages",
    "recordings_frame",
    "recordings_frame_from_pages",
    "registrants_frame",
    "registrants_frame_from_pages",
    "registrants_frame_from_session_pages",
    "sessions_frame",
    "sessions_frame_from_pages",
    "webinars_frame",
    "webinars_frame_from_pages",
]
