"""The CLDR facts the site shows in each language, read from Babel once, and Babel's copy let go.

Babel loads a locale's CLDR data whole (calendars, time zones, currencies, units…) and keeps it for
the life of the process: about 9.6 MiB for the seven locales our five languages load (root, en, ps,
fa, fa_AF, ar, ur), in every gunicorn worker and every leaflet process. The site writes only three
shapes of date ("3 Jul 2025", "July 2025", "2025") and joins lists of names. So each language's
patterns and month names are read from Babel once, when the languages are made, and Babel's caches are
emptied afterwards (``release_babel_data``). ``tests/test_locale_facts.py`` checks that every shape
still writes exactly what Babel writes, and that serving every page and leaflet loads nothing back.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import babel.localedata
from babel import Locale
from babel.dates import format_date, parse_pattern

DAY_PATTERN = "d MMM y"  # "3 Jul 2025": the site's fixed pattern for a date with a day
MONTH_SKELETON = "yMMMM"  # "July 2025", in each language's own order
YEAR_SKELETON = "y"  # "2025"
LIST_STYLE = "standard"  # "a, b and c"
MONTHS = range(1, 13)
FIELD = re.compile(r"%\((\w+)\)s")


@dataclass(frozen=True)
class DateShape:
    """One way a language writes a date: Babel's pattern as a %-template, and the month names it uses.

    The day (``d``) and year (``y``) are plain numbers in Latin digits, as Babel writes them; any other
    field than a month name would make ``read_date_shape`` fail, so a new CLDR pattern cannot be
    written wrongly without a test failing.
    """

    template: str
    month_names: tuple[tuple[str, tuple[str, ...]], ...]  # (field, twelve names), e.g. ("MMM", (…))

    def format(self, year: int, month: int, day: int) -> str:
        """Write a date in this shape."""
        values = {field: names[month - 1] for field, names in self.month_names}
        return self.template % {**values, "d": str(day), "y": str(year)}


@dataclass(frozen=True)
class ListPatterns:
    """How a language joins names: CLDR's patterns for two names, and the start, middle and end of more."""

    two: str
    start: str
    middle: str
    end: str

    def join(self, names: list[str]) -> str:
        """Join names the way Babel's ``format_list`` does with these patterns."""
        if len(names) < 2:
            return "".join(names)
        if len(names) == 2:
            return self.two.format(*names)
        text = self.start.format(names[0], names[1])
        for name in names[2:-1]:
            text = self.middle.format(text, name)
        return self.end.format(text, names[-1])


@dataclass(frozen=True)
class DateShapes:
    """The three date shapes of a language: with a day, a month, or a year only."""

    day: DateShape
    month: DateShape
    year: DateShape


def read_date_shape(pattern: str, locale: Locale) -> DateShape:
    """Read a date pattern and the month names it needs; refuse fields the site does not write."""
    template = parse_pattern(pattern).format
    month_names = []
    for field in sorted(set(FIELD.findall(template))):
        if field in ("d", "y"):
            continue
        if field[0] not in "ML":
            raise ValueError(f"{locale}: the date pattern {pattern!r} has a {field!r} field")
        names = tuple(format_date(dt.date(2000, month, 1), field, locale=locale) for month in MONTHS)
        month_names.append((field, names))
    return DateShape(template, tuple(month_names))


def read_date_shapes(locale: Locale) -> DateShapes:
    """Read a locale's three date shapes from Babel."""
    skeletons = locale.datetime_skeletons
    return DateShapes(
        day=read_date_shape(DAY_PATTERN, locale),
        month=read_date_shape(skeletons[MONTH_SKELETON].pattern, locale),
        year=read_date_shape(skeletons[YEAR_SKELETON].pattern, locale),
    )


def read_list_patterns(locale: Locale) -> ListPatterns:
    """Read a locale's patterns for joining names."""
    patterns = locale.list_patterns[LIST_STYLE]
    return ListPatterns(
        two=patterns["2"], start=patterns["start"], middle=patterns["middle"], end=patterns["end"]
    )


def release_babel_data() -> None:
    """Empty Babel's caches of whole locales once the facts above are read; nothing else needs them."""
    babel.localedata.clear_caches()


def loaded_babel_locales() -> list[str]:
    """Return the locales whose whole CLDR data Babel holds now (for tests)."""
    # Babel has no public call for this: its two caches (the loaded files, and the dictionaries made
    # of them) are read by name. If a release renames them, this finds nothing, and the test that
    # first loads a locale and expects to see it here fails.
    names = set()
    for name in ("_cache", "_dict_cache"):
        names.update(getattr(babel.localedata, name, {}))
    return sorted(names)
