"""Dates as precise as their source: a year (``2013``), a year and month (``2025-07``) or a day.

Many sources show no day, some only a year. Writing ``2013-01-01`` for "about 2013" would tell a
reader more than anyone knows, so content dates keep the precision the source gives, and are shown
that way: "2013", "July 2025", "3 Jul 2025", in the reader's language.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from rightsinfo.locale_facts import DateShapes

PARTIAL_DATE_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")
DATE_FORMAT_HELP = "write YYYY-MM-DD, or YYYY-MM or YYYY where the source gives no day"


@functools.total_ordering
@dataclass(frozen=True)
class PartialDate:
    """A date known to the year, the month or the day."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def sort_key(self) -> tuple[int, int, int]:
        """Order by what is known: a year sorts before any month of that year."""
        return (self.year, self.month or 0, self.day or 0)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self.sort_key < other.sort_key

    def first_day(self) -> dt.date:
        """Return the earliest day the date can mean (so age is never underestimated)."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    def isoformat(self) -> str:
        """Return ``2013``, ``2025-07`` or ``2025-07-03``."""
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    def format(self, shapes: DateShapes) -> str:
        """Format in a language's date shapes with as much precision as the date has (Latin digits)."""
        if self.day is not None:
            return shapes.day.format(self.year, self.month, self.day)
        if self.month is not None:
            return shapes.month.format(self.year, self.month, 1)
        return shapes.year.format(self.year, 1, 1)


def parse_partial_date(value: object) -> PartialDate | None:
    """Return a PartialDate for a YAML date, a year number or a ``YYYY[-MM[-DD]]`` text, else None."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return PartialDate(value.year, value.month, value.day)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str):
        return None
    match = PARTIAL_DATE_PATTERN.match(value.strip())
    if not match:
        return None
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError:
        return None
    return PartialDate(year, month, day)
