"""Dates a document gives for itself ("25 March 2021", "Distr.: General 11 August 2017"),
as ISO 8601, and the check that a date names a real day."""

from __future__ import annotations

import datetime
import re

MONTHS = [
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
]  # fmt: skip
DATE_PATTERNS = (
    re.compile(r"\b(?P<month>[A-Z][a-z]+)\s+(?P<day>\d{1,2}),\s*(?P<year>(?:19|20)\d\d)\b"),
    re.compile(r"\b(?P<day>\d{1,2})\s+(?P<month>[A-Z][a-z]+)\s+(?P<year>(?:19|20)\d\d)\b"),
)
ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
MONTH_YEAR = re.compile(r"\b(?P<month>[A-Z][a-z]+)\s+(?P<year>(?:19|20)\d\d)\b")
# UN documents: "[Date received: 14 July 2017]" is when the author sent the text, and
# "Distr.: General 11 August 2017" when the UN issued it, weeks later.
DATE_RECEIVED = re.compile(r"\[\s*date\s+received\s*:\s*(?P<date>[^\]]{4,40})\]", re.IGNORECASE)
DISTRIBUTION_DATE = re.compile(r"\bdistr\.?\s*:\s*[a-z]+\s+(?P<date>.{4,40})", re.IGNORECASE)
# A line that says when the document came out ("Published 21 March 2024", "Ordered to be
# printed 11 July 2011 and published 19 July 2011"); the publication date wins on the line.
PUBLICATION_LINE = re.compile(
    r"\b(?:published|updated|presented|ordered\b.{0,60}\bprinted)\b", re.IGNORECASE
)
PUBLISHED = re.compile(r"\bpublished\b", re.IGNORECASE)
DATE_LINE_MAX_CHARS = 40  # a line this short that holds a date is a date line, not prose


def infer_date(head: str) -> str | None:
    """The document's own date as ISO 8601, from the head of its text (the title page and
    first pages: the caller cuts it).

    In order: a UN "[Date received: …]" (when the author sent it), a UN "Distr.: General …"
    (when it was issued), the first date on a date line or publication line, and last a
    month alone on such a line ("January 2026" → "2026-01").
    """
    for m in (DATE_RECEIVED.search(head), DISTRIBUTION_DATE.search(head)):
        date = find_date(m.group("date")) if m else None
        if date:
            return date
    lines = [line.strip() for line in head.splitlines()]
    short = [ln for ln in lines if len(ln) < DATE_LINE_MAX_CHARS or PUBLICATION_LINE.search(ln)]
    date = next((d for ln in short for d in [_date_on_line(ln)] if d), None)
    if date:
        return date
    month_lines = [ln for ln in short if PUBLICATION_LINE.search(ln) or MONTH_YEAR.fullmatch(ln)]
    return next((m for ln in month_lines for m in [find_month(ln)] if m), None)


def _date_on_line(line: str) -> str | None:
    """The line's date; on "printed 11 July 2011 and published 19 July 2011", the second."""
    published = PUBLISHED.search(line)
    return (find_date(line[published.end() :]) if published else None) or find_date(line)


def find_date(text: str) -> str | None:
    """The first written date ('January 24, 2018', '25 March 2021') as ISO 8601."""
    for pattern in DATE_PATTERNS:
        for m in pattern.finditer(text):
            month = m.group("month").lower()
            if month in MONTHS:
                iso = f"{m.group('year')}-{MONTHS.index(month) + 1:02d}-{int(m.group('day')):02d}"
                if valid_iso(iso):
                    return iso
    return None


def find_month(text: str) -> str | None:
    """The first written month ('January 2026') as ISO 8601 ('2026-01')."""
    for m in MONTH_YEAR.finditer(text):
        month = m.group("month").lower()
        if month in MONTHS:
            return f"{m.group('year')}-{MONTHS.index(month) + 1:02d}"
    return None


def valid_iso(date: str) -> bool:
    """YYYY, YYYY-MM or YYYY-MM-DD naming a real day (no 2023-02-31)."""
    if not ISO_DATE.match(date):
        return False
    year, month, day = (*(int(p) for p in date.split("-")), 1, 1)[:3]
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True
