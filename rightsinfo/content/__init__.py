"""Read the content folder into plain records, checking every file as it is read.

Content is edited by people with text editors, so every problem is reported as one line that names
the file, the line where we can tell, and what is wrong, in words an editor understands:
``content/pages/asylum/ps.md:4: 'reviewed' is not a date``. Reading never stops at the first problem:
an editor sees every mistake in one run.

The package: ``problems`` (collecting problems that name file and line), ``models`` (the records
read), ``fields`` (typed fields from YAML, each problem placed on its line), ``pages`` (Markdown pages
with front matter), ``records`` (sources, emergency numbers, organisations and cards), ``papers``
(words on official papers, in both Serbian scripts), ``alerts`` (short news with a required end date)
and ``typed_text`` (what translators never type: direction marks, phone numbers in other digits).
"""

from __future__ import annotations

from pathlib import Path

from rightsinfo.content.alerts import Alert, read_alerts
from rightsinfo.content.models import (
    Card,
    Contact,
    Content,
    EmergencyNumber,
    Organisation,
    Page,
    Source,
    substance_fingerprint,
)
from rightsinfo.content.pages import FRONT_MATTER_PATTERN, RESERVED_SLUGS, read_page, read_pages
from rightsinfo.content.papers import read_papers
from rightsinfo.content.problems import ContentError, Problems
from rightsinfo.content.records import read_card, read_emergency, read_organisation, read_sources
from rightsinfo.content.typed_text import check_typed_text

__all__ = [
    "FRONT_MATTER_PATTERN", "RESERVED_SLUGS", "Alert", "Card", "Contact", "Content", "ContentError",
    "EmergencyNumber", "Organisation", "Page", "Problems", "Source", "read_content", "read_page",
    "substance_fingerprint",
]  # fmt: skip


def read_content(content_dir: Path) -> Content:
    """Read and check the whole content folder, raising ContentError listing every problem."""
    problems = Problems(content_dir.parent)
    sources = read_sources(content_dir / "sources.yaml", problems)
    emergency = read_emergency(content_dir / "emergency.yaml", sources, problems)
    pages = read_pages(content_dir / "pages", sources, problems)
    organisations = [
        org
        for path in sorted((content_dir / "organisations").glob("*.yaml"))
        if (org := read_organisation(path, sources, problems)) is not None
    ]
    cards = [
        card
        for path in sorted((content_dir / "cards").glob("*.yaml"))
        if (card := read_card(path, problems)) is not None
    ]
    alerts = read_alerts(content_dir / "alerts", sources, pages, organisations, problems)
    papers = read_papers(content_dir / "papers", sources, set(pages), problems)
    check_typed_text(content_dir, pages, emergency, organisations, problems)
    problems.raise_if_any()
    cards.sort(key=lambda card: (card.order, card.id))
    return Content(sources, emergency, pages, organisations, cards, papers, alerts)
