"""The one-file guide: a whole language in one self-contained HTML file, to pass from phone to phone.

Many readers never open a web address; they receive a file in WhatsApp or over Bluetooth. So
``/<lang>/guide.html`` holds every topic page, the organisations, the emergency numbers and the
"show this" cards in one file that needs nothing else: the styles are inline (allowed by their hash in
this route's own Content-Security-Policy), icons are inline SVG symbols, links between parts are
``#anchors``, and addresses of other sites are plain text, so opening the file never contacts anyone.
Its two scripts are inline too, so what depends on the date ("may be out of date", alerts) is decided
by the phone's date whenever the file is opened, not by the day it was published.
The build renders each guide once and readers are served that file (``publish/guide_file.py``).
"""

from __future__ import annotations

import json
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from flask import Blueprint, current_app, request
from markupsafe import Markup
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from rightsinfo import db
from rightsinfo.markup import without_tags
from rightsinfo.pages import ABOUT_SLUG
from rightsinfo.publish.guide_file import PUBLISHING_KEY, guide_path, headers_path
from rightsinfo.publish.pack import pack_version
from rightsinfo.publish.serve import published_file
from rightsinfo.serving import inline_script, mark_as_written, policy_hash, preferred_encoding
from rightsinfo.site import build, connection, current_site
from rightsinfo.templating import newest_date, public_url, render_page

bp = Blueprint("guide", __name__)

GUIDE_CSS_PATH = Path(__file__).parent / "templates" / "guide.css"
FILENAME_TEMPLATE = "rightsinfo-{lang}.html"
# The only scripts a guide runs, inline: contacts' "may be out of date" flags and alerts, each decided by
# the phone's date. The policy allows both even in a guide with no alert, so it is one policy for every
# guide, the one the static export's nginx site sends (deploy/static/nginx-site.conf).
INLINE_SCRIPTS = ("stale.js", "alerts.js")

HEADING_TAGS = frozenset({"h2", "h3", "h4", "h5"})
# The guide's #anchor for each page of the site it holds, from the route's endpoint and values.
ANCHOR_TEMPLATES = {
    "pages.home": "contents",
    "pages.topic": "t-{slug}",
    "pages.cards": "cards",
    "directory.index": "organisations",
    "directory.organisation": "o-{org_id}",
    "papers.index": "papers",
}


@cache
def guide_css() -> str:
    """Return the guide's stylesheet, read once: it is inlined into every guide."""
    return GUIDE_CSS_PATH.read_text(encoding="utf-8").strip()


def policy_sources() -> str:
    """Return what the guide may use (its inline style and scripts, by hash), as its own <meta> says too."""
    scripts = " ".join(f"'sha256-{policy_hash(inline_script(name))}'" for name in INLINE_SCRIPTS)
    return f"default-src 'none'; style-src 'sha256-{policy_hash(guide_css())}'; script-src {scripts}"


def content_security_policy() -> str:
    """Return the guide's policy: nothing may load or run but its inline style and scripts, by hash."""
    return f"{policy_sources()}; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


class SymbolFinder(HTMLParser):
    """Find each ``<symbol>`` of the icon sprite and keep it as written, so it is copied byte for byte."""

    def __init__(self, sprite: str):
        super().__init__(convert_charrefs=False)
        self.sprite = sprite
        self.line_starts = [0, *(index + 1 for index, char in enumerate(sprite) if char == "\n")]
        self.found: dict[str, str] = {}  # id → the whole element as the sprite writes it
        self.open: tuple[str, int] | None = None  # the id of the symbol being read, and where it starts

    def position(self) -> int:
        """Return where in the sprite the tag being handled begins."""
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Note where a symbol with an id starts."""
        if tag == "symbol" and (ident := dict(attrs).get("id")):
            self.open = (ident, self.position())

    def handle_endtag(self, tag: str) -> None:
        """Keep a symbol, from its start tag to the end of its end tag."""
        if tag == "symbol" and self.open:
            (ident, start), self.open = self.open, None
            self.found[ident] = self.sprite[start : self.sprite.index(">", self.position()) + 1]


def icon_symbols(names: set[str]) -> str:
    """Return the site's SVG icon symbols that the guide uses, with ids the guide can point at."""
    assets = current_site().assets
    finder = SymbolFinder(assets.entries[assets.url("icons.svg")].body.decode())
    finder.feed(finder.sprite)
    finder.close()
    return "".join(
        symbol.replace(f'id="{ident}"', f'id="i-{ident}"', 1)
        for ident, symbol in finder.found.items()
        if ident in names
    )


def anchor_for(path: str, lang: str, anchors: set[str]) -> str | None:
    """Return the guide's #anchor for a site path in this language, or None if the guide lacks it.

    The app's own routes say what a path is, so the guide follows whatever shape the site gives them.
    """
    urls = current_app.url_map.bind("")
    try:
        try:
            endpoint, values = urls.match(path, method="GET")
        except RequestRedirect as redirect:  # ../beta for ../beta/: the page the site would send to
            endpoint, values = urls.match(urlsplit(redirect.new_url).path, method="GET")
    except HTTPException:  # not a page of the site
        return None
    template = ANCHOR_TEMPLATES.get(endpoint)
    if template is None or values.get("lang") != lang:
        return None
    candidate = template.format(**values)
    return candidate if candidate in anchors else None


def attribute_text(value: str) -> str:
    """Return an attribute's value written as the sanitiser writes it, so a copied address keeps its bytes."""
    return value.replace("&", "&amp;").replace("\u00a0", "&nbsp;").replace('"', "&quot;")


class PageLocaliser(HTMLParser):
    """Re-emit a page's sanitised HTML for the file: links made #anchors or plain text, headings one down.

    A page's own ``h2`` sits under the guide's ``h2`` of the page's title, so every heading goes one
    level down. Everything else is copied as it was written.
    """

    def __init__(self, page_url: str, lang: str, anchors: set[str]):
        super().__init__(convert_charrefs=False)
        self.page_url, self.lang, self.anchors = page_url, lang, anchors
        self.out: list[str] = []
        self.href = ""
        self.label: list[str] | None = None  # the text of a link being rewritten, as written

    def write(self, text: str) -> None:
        """Write text out, or into the label of the link being rewritten."""
        (self.out if self.label is None else self.label).append(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Start collecting a link's label, move a heading down, or copy the tag."""
        href, is_link = dict(attrs).get("href"), tag == "a" and self.label is None
        if is_link and href is not None and not href.startswith(("tel:", "mailto:")):
            self.href, self.label = href, []
            return
        written = self.get_starttag_text() or ""
        if tag in HEADING_TAGS:
            written = f"<h{int(tag[1]) + 1}{written[3:]}"
        self.write(written)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Copy a self-closed tag."""
        self.write(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        """End a link with its rewritten form, move a heading down, or copy the tag."""
        if tag == "a" and self.label is not None:
            label, self.label = "".join(self.label), None
            self.write(self.localised_link(self.href, label))
            return
        self.write(f"</h{int(tag[1]) + 1}>" if tag in HEADING_TAGS else f"</{tag}>")

    def localised_link(self, href: str, label: str) -> str:
        """Return a link for the file: an #anchor, the label alone, or the label with its address."""
        if href.startswith(("https:", "http:")):
            address = attribute_text(href)
            if without_tags(label).strip() == address:
                return f'<bdi class="url">{address}</bdi>'
            return f'{label} (<bdi class="url">{address}</bdi>)'
        anchor = anchor_for(urlsplit(urljoin(self.page_url, href)).path, self.lang, self.anchors)
        return f'<a href="#{anchor}">{label}</a>' if anchor else label

    def handle_data(self, data: str) -> None:
        """Copy text."""
        self.write(data)

    def handle_entityref(self, name: str) -> None:
        """Copy a named character reference as it was written."""
        self.write(f"&{name};")

    def handle_charref(self, name: str) -> None:
        """Copy a numeric character reference as it was written."""
        self.write(f"&#{name};")


def localise_page_html(html: str, lang: str, slug: str, anchors: set[str]) -> str:
    """Rewrite a page's links for the file: site links become #anchors, other sites plain text."""
    localiser = PageLocaliser(f"/{lang}/{slug}/", lang, anchors)
    localiser.feed(html)
    localiser.close()
    return "".join(localiser.out)


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
    """Return the guide of a language as the build wrote it: one file that downloads and opens anywhere.

    Only the publishing step's own requests render it (``publish/guide_file.py``), once per build.
    """
    if request.environ.get(PUBLISHING_KEY):
        return rendered_guide(lang)
    encoding = preferred_encoding(request.headers.get("Accept-Encoding"))
    version, instance = pack_version(), current_app.instance_path
    try:
        headers = json.loads(headers_path(instance, version, lang).read_text(encoding="utf-8"))
    except FileNotFoundError:
        headers = {}  # not written yet: the file is missing too, and the answer a 503
    headers["Vary"] = "Accept-Encoding"
    if encoding:
        headers["Content-Encoding"] = encoding
    return published_file(guide_path(instance, version, lang, encoding), "text/html", headers)


def rendered_guide(lang: str):
    """Render the whole guide of a language, for the build to publish."""
    pages = guide_pages(lang)
    organisations = db.organisations(connection(), lang)
    cards = db.cards(connection(), lang)
    papers = db.papers(connection(), lang)
    anchors = {"contents", "organisations", "cards", "papers"}
    anchors |= {f"t-{page['slug']}" for page in pages} | {f"o-{org['id']}" for org in organisations}
    for page in pages:
        page["guide_html"] = localise_page_html(page["html"], lang, page["slug"], anchors)
    cited = {source for page in pages for source in page["sources"]}
    cited |= {org["source"] for org in organisations} | {s for org in organisations for s in org["sources"]}
    cited |= {source for term in papers for source in term["sources"]}
    icons = {page["icon"] for page in pages} | {card["icon"] for card in cards}
    icons |= {"emergency", "organisations", "cards"}
    response = render_page(
        "guide.html",
        alert_script=inline_script("alerts.js"),  # held only while the guide holds an alert
        stale_script=inline_script("stale.js"),
        css=guide_css(),
        policy_sources=policy_sources(),
        sprite=icon_symbols(icons),
        pages=pages,
        organisations=organisations,
        cards=cards,
        papers=papers,
        page_by_slug={page["slug"]: page for page in pages},
        guide_anchor=lambda slug: f"#t-{slug}",
        emergency=db.emergency_numbers(connection(), lang),
        sources=db.sources(connection(), sorted(cited)),
        version=build().version,
        sources_up_to=newest_date(page["sources_up_to"] for page in pages),
        site_address=Markup('<bdi dir="ltr" class="url">%s</bdi>') % site_url(lang),
    )
    response.headers["Content-Security-Policy"] = content_security_policy()
    response.headers["Content-Disposition"] = f'attachment; filename="{FILENAME_TEMPLATE.format(lang=lang)}"'
    return mark_as_written(response)  # for the build to store; the page cache never keeps a render
