"""Publication dates: any common textual form -> ISO 8601 calendar date, or ``None``."""

from __future__ import annotations

import re
import warnings
from datetime import date, datetime

from dateutil import parser as dateutil_parser

# Two different defaults: a component dateutil filled in from the default (a bare "2022" or
# "June") shows up as a difference between the two parses, and the string is rejected.
_DEFAULT_A = datetime(2000, 1, 1)
_DEFAULT_B = datetime(2001, 2, 2)
_LABEL = re.compile(r"^(?:published|updated|posted|last\s+modified|date)(?:\s+on)?\s*:?\s*", re.I)
_AMBIGUOUS_NUMERIC = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})$")
_MIN_YEAR, _MAX_YEAR = 1800, 2200


def normalize_date(value: object) -> str | None:
    """Return ``value`` as an ISO 8601 date ``YYYY-MM-DD``, or ``None``.

    Parameters
    ----------
    value
        A date string such as ``"2026-06-01T08:30:00+02:00"``, ``"2022/06/13"``,
        ``"June 1, 2026"`` or ``"Tue, 01 Jun 2026 10:00:00 GMT"``, or a ``date``/``datetime``.
        Anything else (``None``, numbers, lists) gives ``None``.

    Returns
    -------
    str or None
        The calendar date as written, in the string's own time zone: an offset datetime
        keeps its local date (``...T00:30+02:00`` stays on that day). ``None`` when the
        value is empty, unparseable, impossible (``2026-13-45``), lacks a year, month or
        day (``"2022"``, ``"June 2026"``: nothing is filled in), is an all-numeric form that
        could be read day-first or month-first (``"01/06/2026"``), or lies outside the
        years 1800-2200. Never raises.
    """
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str):
        return None
    text = _LABEL.sub("", value.strip()).strip()
    if not text or not any(ch.isdigit() for ch in text):
        return None
    ambiguous = _AMBIGUOUS_NUMERIC.match(text)
    if ambiguous:
        first, second = int(ambiguous.group(1)), int(ambiguous.group(2))
        if first != second and first <= 12 and second <= 12:
            return None
    first_parse = _parse(text, _DEFAULT_A)
    second_parse = _parse(text, _DEFAULT_B)
    if first_parse is None or second_parse is None or first_parse != second_parse:
        return None
    if not _MIN_YEAR <= first_parse.year <= _MAX_YEAR:
        return None
    return first_parse.isoformat()


def _parse(text: str, default: datetime) -> date | None:
    """Parse ``text`` with ``default`` for missing parts; ``None`` when dateutil refuses it."""
    try:
        with warnings.catch_warnings():
            # Unknown zone names ("ET") only drop the offset; the local date is what we keep.
            warnings.simplefilter("ignore")
            parsed = dateutil_parser.parse(text, default=default)
    except (ValueError, OverflowError, TypeError, LookupError):
        return None
    return parsed.date() if isinstance(parsed, datetime) else None
