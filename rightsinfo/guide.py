"""The one-file guide: a whole language in one self-contained HTML file, to pass from phone to phone.

Many readers never open a web address; they receive a file in WhatsApp or over Bluetooth. So
``/<lang>/guide.html`` holds every topic page, the organisations, the emergency numbers and the
"show this" cards in one file that needs nothing else: the styles are inline (allowed by their hash in
this route's own Content-Security-Policy), icons are inline SVG symbols, links between parts are
``#anchors``, and addresses of other sites are plain text, so opening the file never contacts anyone.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import cache
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from flask import Blueprint
from markupsafe import Markup

from rightsinfo import db
from rightsinfo.markup import without_tags
from rightsinfo.pages import ABOUT_SLUG
from rightsinfo.site import connection, current_site
from rightsinfo.templating import newest_date, public_url, render_page
from rightsinfo.vocabulary import KINDS_OF_HELP

bp = Blueprint("guide", __name__)

GUIDE_CSS_PATH = Path(__file__).parent / "templates" / "guide.css"
FILENAME_TEMPLATE = "rightsinfo-{lang}.html"

LINK_PATTERN = re.compile(r'<a href="([^"]*)"[^>]*>(.*?)</a>', re.DOTALL)
HEADING_PATTERN = re.compile(r"<(/?)h([2-5])>")
SYMBOL_PATTERN = re.compile(r'<symbol id="([^"]+)".*?</symbol>', re.DOTALL)


@cache
def guide_css() -> str:
    """Return the guide's stylesheet, read once: it is inlined into every guide."""
    return GUIDE_CSS_PATH.read_text(encoding="utf-8").strip()


def css_hash() -> str:
    """Return the base64 SHA-256 of the inline style, the only thing the guide's policy allows."""
    return base64.b64encode(hashlib.sha256(guide_css().encode()).digest()).decode()


def content_security_policy() -> str:
    """Return the guide's policy: nothing may load or run, except its one inline style, by hash."""
    return (
        f"default-src 'none'; style-src 'sha256-{css_hash()}'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    )


def icon_symbols(names: set[str]) -> str:
    """Return the site's SVG icon symbols that the guide uses, with ids the guide can point at."""
    assets = current_site().assets
    sprite = assets.entries[assets.url("icons.svg")].body.decode()
    symbols = []
    for match in SYMBOL_PATTERN.finditer(sprite):
        if match.group(1) in names:
            symbols.append(match.group(0).replace(f'id="{match.group(1)}"', f'id="i-{match.group(1)}"', 1))
    return "".join(symbols)


def anchor_for(path: str, lang: str, anchors: set[str]) -> str | None:
    """Return the guide's #anchor for a site path in this language, or None if the guide lacks it."""
    prefix = f"/{lang}/"
    if not path.startswith(prefix):
        return None
    rest = path[len(prefix) :].strip("/")
    parts = rest.split("/") if rest else []
    if not parts:
        candidate = "contents"
    elif parts == ["organisations"]:
        candidate = "organisations"
    elif parts == ["cards"]:
        candidate = "cards"
    elif len(parts) == 2 and parts[0] == "organisations":
        candidate = f"o-{parts[1]}"
    elif len(parts) == 1:
        candidate = f"t-{parts[0]}"
    else:
        return None
    return candidate if candidate in anchors else None


def localise_page_html(html: str, lang: str, slug: str, anchors: set[str]) -> str:
    """Rewrite a page's links for the file: site links become #anchors, other sites plain text."""
    page_url = f"/{lang}/{slug}/"

    def rewrite(match: re.Match) -> str:
        href, label = match.group(1), match.group(2)
        if href.startswith(("tel:", "mailto:")):
            return match.group(0)
        if href.startswith(("https:", "http:")):
            if without_tags(label).strip() == href:
                return f'<bdi class="url">{href}</bdi>'
            return f'{label} (<bdi class="url">{href}</bdi>)'
        anchor = anchor_for(urlsplit(urljoin(page_url, href)).path, lang, anchors)
        return f'<a href="#{anchor}">{label}</a>' if anchor else label

    html = LINK_PATTERN.sub(rewrite, html)
    return HEADING_PATTERN.sub(lambda m: f"<{m.group(1)}h{int(m.group(2)) + 1}>", html)


def site_url(lang: str) -> str:
    """Return the public address of the language's home page, where a newer guide can be found."""
    return public_url(f"/{lang}/")


def guide_pages(lang: str) -> list[dict]:
    """Return every page of a language in home-page order, About last, with its sources' ids."""
    topics = db.topic_pages(connection(), lang)
    topics.sort(key=lambda row: row["slug"] == ABOUT_SLUG)
    return [db.page(connection(), lang, row["slug"]) for row in topics]


@bp.get("/<lang>/guide.html")
def guide(lang: str):
    """Return the whole guide of a language as one file that downloads and opens anywhere."""
    pages = guide_pages(lang)
    organisations = db.organisations(connection(), lang)
    cards = db.cards(connection(), lang)
    anchors = {"contents", "organisations", "cards"}
    anchors |= {f"t-{page['slug']}" for page in pages} | {f"o-{org['id']}" for org in organisations}
    for page in pages:
        page["guide_html"] = localise_page_html(page["html"], lang, page["slug"], anchors)
    cited = {source for page in pages for source in page["sources"]}
    cited |= {org["source"] for org in organisations} | {s for org in organisations for s in org["sources"]}
    icons = {page["icon"] for page in pages} | {card["icon"] for card in cards}
    icons |= {"emergency", "organisations", "cards"}
    response = render_page(
        "guide.html",
        css=guide_css(),
        css_hash=css_hash(),
        sprite=icon_symbols(icons),
        pages=pages,
        organisations=organisations,
        cards=cards,
        emergency=db.emergency_numbers(connection(), lang),
        sources=db.sources(connection(), sorted(cited)),
        kind_labels=KINDS_OF_HELP,
        version=current_site().database.version,
        sources_up_to=newest_date(page["sources_up_to"] for page in pages),
        site_address=Markup('<bdi dir="ltr" class="url">%s</bdi>') % site_url(lang),
    )
    response.headers["Content-Security-Policy"] = content_security_policy()
    response.headers["Content-Disposition"] = f'attachment; filename="{FILENAME_TEMPLATE.format(lang=lang)}"'
    return response
