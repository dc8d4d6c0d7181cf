"""Reading alerts: short news that expires (``content/alerts/<id>.yaml``), each checked like every record.

An alert says something that changed faster than the pages (a centre closed, a hotline moved). It
holds only for a while, so its end date is required and at most ``ALERT_MAX_DAYS`` after its start:
an alert nobody remembers to take down would end up telling readers something old as news. Like
every fact it names its source, which must show a date. An empty or missing folder means no alerts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from rightsinfo.content.fields import FieldReader, check_source_ids, read_record
from rightsinfo.content.models import Organisation, Source
from rightsinfo.content.problems import Problems
from rightsinfo.content.records import read_text_by_language

ALERT_MAX_DAYS = 90
CONCERNS_SITE = "site"
CONCERNS_KINDS = ("page", "organisation")
CONCERNS_HELP = "write 'site', '{page: <slug>}' or '{organisation: <id>}'"


@dataclass
class Alert:
    """One alert: when it holds, what it concerns, its source, and its text per language."""

    id: str
    path: Path
    starts: dt.date
    ends: dt.date
    concerns: str  # "site", "page" or "organisation"
    target: str | None  # the page's slug or the organisation's id
    source: str
    source_date: str  # the source's date, ISO, as precise as the source shows it
    text: dict[str, dict]  # language → {"text": …, "status": …}


def day_field(reader: FieldReader, key: str) -> dt.date | None:
    """Return a field that must be a whole day (YYYY-MM-DD): an alert starts and ends on a day."""
    day = reader.date_field(key)
    if day is not None and day.day is None:
        reader.problem(key, f"'{key}' must be a day (YYYY-MM-DD)")
        return None
    return day.first_day() if day else None


def read_concerns(reader: FieldReader, pages: dict, organisations: list[Organisation]) -> tuple | None:
    """Return what the alert concerns, ("site", None) or (kind, id), if that page or record exists."""
    value = reader.data.get("concerns")
    if value == CONCERNS_SITE:
        return CONCERNS_SITE, None
    if not isinstance(value, dict) or len(value) != 1 or next(iter(value)) not in CONCERNS_KINDS:
        reader.problem("concerns", f"'concerns' must say what the alert is about: {CONCERNS_HELP}")
        return None
    kind, target = next(iter(value.items()))
    known = set(pages) if kind == "page" else {org.id for org in organisations}
    if str(target) not in known:
        folder = "pages" if kind == "page" else "organisations"
        reader.problem("concerns", f"'concerns': there is no {kind} '{target}' in content/{folder}")
        return None
    return kind, str(target)


def read_source(reader: FieldReader, sources: dict[str, Source]) -> tuple[str, str] | None:
    """Return the alert's source number and that source's date; an undated source cannot date news."""
    source = reader.text_field("source")
    if source is None:
        return None
    check_source_ids(reader, "source", [source], sources)
    if source not in sources:
        return None
    if sources[source].dated is None:
        reader.problem("source", f"'source': {source} shows no date; an alert needs a dated source")
        return None
    return source, sources[source].dated.isoformat()


def read_alert(
    path: Path, sources: dict[str, Source], pages: dict, organisations: list[Organisation], problems: Problems
) -> Alert | None:
    """Read and check one alert file."""
    reader = read_record(path, problems)
    if reader is None:
        return None
    starts, ends = day_field(reader, "starts"), day_field(reader, "ends")
    if starts and ends and ends < starts:
        reader.problem("ends", "'ends' is before 'starts'")
    elif starts and ends and (ends - starts).days > ALERT_MAX_DAYS:
        message = (
            f"'ends' is {(ends - starts).days} days after 'starts'; an alert lasts at most {ALERT_MAX_DAYS}"
        )
        reader.problem("ends", message)
    concerns = read_concerns(reader, pages, organisations)
    source = read_source(reader, sources)
    text = read_text_by_language(reader, "text")
    if not (starts and ends and starts <= ends <= starts + dt.timedelta(days=ALERT_MAX_DAYS)):
        return None
    if concerns is None or source is None or not text:
        return None
    return Alert(path.stem, path, starts, ends, concerns[0], concerns[1], source[0], source[1], text)


def read_alerts(
    folder: Path,
    sources: dict[str, Source],
    pages: dict,
    organisations: list[Organisation],
    problems: Problems,
) -> list[Alert]:
    """Read every alert in ``folder``, soonest start first; no folder, or an empty one, is no alerts."""
    alerts = [
        alert
        for path in sorted(folder.glob("*.yaml"))
        if (alert := read_alert(path, sources, pages, organisations, problems)) is not None
    ]
    return sorted(alerts, key=lambda alert: (alert.starts, alert.id))
