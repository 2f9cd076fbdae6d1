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
_MONTH_NAME = re.compile(
    r"\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b", re.I
)
# A year 1800-2299 standing alone: not a zone offset (-0500) or part of a time (10:30).
_FOUR_DIGIT_YEAR = re.compile(
    r"(?<![\d:])(?<!\s[+-])(?<!\d[+-])(?<!^[+-])(?:1[89]|2[0-2])\d{2}(?![\d:])"
)
# All-numeric dates read only in unambiguous shapes; what may follow is a time and a zone.
_TIME_TAIL = r"(?:$|[T\s,]+\d)"
_YEAR_FIRST = re.compile(rf"^\d{{4}}([-/.])\d{{1,2}}\1\d{{1,2}}{_TIME_TAIL}")
_COMPACT = re.compile(r"^\d{8}(?:T?\d{4}(?:\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")
_DAY_MONTH = re.compile(rf"^(\d{{1,2}})([-/.])(\d{{1,2}})\2\d{{4}}{_TIME_TAIL}")
_SEPARATORS = re.compile(r"\s*[|\u2022\u00b7]\s*")
# A leading weekday in any language ("Mo,", "lun.", "Dienstag"): ignored, never fatal.
_LEADING_WORD = re.compile(r"^([^\W\d_]{2,12})\.?,?\s+(?=\d)")
_WORD = re.compile(r"[^\W\d_]+")
# Month names of common feed languages (de, fr, es, it, pt, nl) -> English; only names and
# abbreviations that are no English word or weekday ("mar" is Tuesday in Spanish).
_MONTHS = {
    "jan": ("januar", "janvier", "janv", "enero", "gennaio", "janeiro", "januari", "jänner"),
    "feb": ("februar", "février", "févr", "fevrier", "febrero", "febbraio", "fevereiro",
            "februari"),
    "mar": ("märz", "mär", "mrz", "mars", "marzo", "março", "maart"),
    "apr": ("avril", "avr", "abril", "aprile"),
    "may": ("mai", "mayo", "maggio", "maio", "mei"),
    "jun": ("juni", "juin", "junio", "giugno", "junho"),
    "jul": ("juli", "juillet", "juil", "julio", "luglio", "julho"),
    "aug": ("août", "aout", "agosto", "augustus"),
    "sep": ("septembre", "septiembre", "setiembre", "settembre", "setembro"),
    "oct": ("oktober", "okt", "octobre", "octubre", "ottobre", "outubro"),
    "nov": ("novembre", "noviembre", "novembro"),
    "dec": ("dezember", "dez", "décembre", "déc", "decembre", "diciembre", "dicembre",
            "dezembro"),
}
_ENGLISH_MONTH = {name: english for english, names in _MONTHS.items() for name in names}
# "25 de junho de 2018", "25. Juni 2018": connecting words and a dot after the day.
_FILLER = re.compile(r"(?<=\d)\.(?=\s+[^\W\d_])|\s(?:de|del)(?=\s)", re.I)
_MIN_YEAR, _MAX_YEAR = 1800, 2200
# Full dates written anywhere in a page or URL (for checking a date another tool found).
_MONTH = (r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?")
_WRITTEN_DATE = re.compile(
    r"(?<!\d)(?:(?:1[89]|2[0-2])\d\d([-/.])\d{1,2}\1\d{1,2}(?!\d)"
    r"|\d{1,2}([-/.])\d{1,2}\2(?:1[89]|2[0-2])\d\d(?!\d)"
    r"|(?:1[89]|2[0-2])\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?!\d)"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\.?\s+(?:of\s+)?{_MONTH},?\s+(?:1[89]|2[0-2])\d\d"
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:1[89]|2[0-2])\d\d)",
    re.I,
)
_ORDINAL = re.compile(r"(?<=\d)(?:st|nd|rd|th)\b", re.I)
_MAX_DATE_CHARS = 100  # longer strings are prose, not a date field


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
        day (``"2022"``, ``"June 2026"``: nothing is filled in), or lies outside the years
        1800-2200. Nothing is guessed: an all-numeric date is read only as ``YYYY-MM-DD``,
        ``YYYY/MM/DD``, ``YYYY.MM.DD``, ``YYYYMMDD``, or day and month with a 4-digit year
        when only one order is possible (``13/06/2022``, ``06/13/2022``); ``1/2/3``,
        ``01/06/2026`` and any 2-digit year (``1/2/03``, ``June 1, 26``) give ``None``.
        A date with a month name needs a 4-digit year. Strings over 100 characters give
        ``None``. Never raises.
    """
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str):
        return None
    text = _english_months(_SEPARATORS.sub(" ", _LABEL.sub("", value.strip())).strip())
    if not text or len(text) > _MAX_DATE_CHARS or not any(ch.isdigit() for ch in text):
        return None
    if not _unambiguous(text):
        return None
    first_parse = _parse(text, _DEFAULT_A)
    second_parse = _parse(text, _DEFAULT_B)
    if first_parse is None or second_parse is None or first_parse != second_parse:
        return None
    if not _MIN_YEAR <= first_parse.year <= _MAX_YEAR:
        return None
    return first_parse.isoformat()


def stated_dates(*texts: str | None) -> frozenset[str]:
    """Return the ISO dates written out in full (day, month and year) in ``texts``.

    Used to check a date found by another tool: a date that no text states in full (one
    whose day or month was filled in) is not kept. Both readings of an all-numeric day and
    month (``05/10/2018``) count as stated.
    """
    found: set[str] = set()
    for text in texts:
        for match in _WRITTEN_DATE.finditer(text or ""):
            written = _ORDINAL.sub("", match.group(0))
            if match.group(2):  # "05/10/2018": either order is stated, the tool chose one
                first, second, year = re.split(r"[-/.]", written)
                readings = [f"{year}-{second}-{first}", f"{year}-{first}-{second}"]
            else:
                readings = [written]
            found.update(filter(None, map(normalize_date, readings)))
    return frozenset(found)


def _english_months(text: str) -> str:
    """Drop a leading non-month word (a weekday) and write foreign month names in English."""
    leading = _LEADING_WORD.match(text)
    if leading and not _MONTH_NAME.fullmatch(leading.group(1)) and (
        leading.group(1).casefold() not in _ENGLISH_MONTH
    ):
        text = text[leading.end():]
    text = _FILLER.sub("", text)
    return _WORD.sub(lambda word: _ENGLISH_MONTH.get(word.group(0).casefold(), word.group(0)), text)


def _unambiguous(text: str) -> bool:
    """Return whether ``text`` can name only one date (see `normalize_date`)."""
    if _MONTH_NAME.search(text):
        return bool(_FOUR_DIGIT_YEAR.search(text))
    if _YEAR_FIRST.match(text) or _COMPACT.match(text):
        return True
    day_month = _DAY_MONTH.match(text)
    if day_month is None:
        return False
    first, second = int(day_month.group(1)), int(day_month.group(3))
    return first == second or first > 12 or second > 12


def _parse(text: str, default: datetime) -> date | None:
    """Parse ``text`` with ``default`` for missing parts; ``None`` when dateutil refuses it."""
    try:
        with warnings.catch_warnings():
            # Unknown zone names ("ET") only drop the offset; the local date is what we keep.
            warnings.simplefilter("ignore")
            parsed = dateutil_parser.parse(text, default=default)
    except (ValueError, ArithmeticError, TypeError, LookupError):  # decimal errors too
        return None
    return parsed.date() if isinstance(parsed, datetime) else None
