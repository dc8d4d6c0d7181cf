"""ZIM files for Kiwix: read back with libzim (entries, main page, metadata, full-text and title
search), every link relative and inside the file, the same entries every time, and served by Debian's
kiwix-serve, where Chromium opens the Pashto asylum page right to left and every link on it and on the
home page answers 200 from the same host.
"""

from __future__ import annotations

import hashlib
import io
import json
import posixpath
import re
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from babel import Locale
from babel.core import get_global
from browser import RequestLog, launch_chromium
from kiwix_server import kiwix_serving
from libzim.reader import Archive
from libzim.search import Query, Searcher
from libzim.suggestion import SuggestionSearcher
from PIL import Image
from playwright.sync_api import sync_playwright

from rightsinfo import db, i18n
from rightsinfo.publish.zim.book import book_metadata, make_zims
from rightsinfo.publish.zim.pages import rewrite_html
from rightsinfo.site import connection

LANGS = ("ps", "prs", "en")
ISO_639_3 = i18n.ISO_639_3_BY_PREFIX
SEARCH_RESULTS = 10  # the first page of Kiwix results; the papers page now shares the word "asylum"
KEPT_SCHEMES = ("tel:", "mailto:", "data:", "#")
LEFT_OUT = re.compile(r"(sw\.js|manifest\.webmanifest|search\.html|guide\.html|search-pack\.json|offline/)")
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


@pytest.fixture(scope="module")
def zims(real_app, tmp_path_factory) -> dict[str, Path]:
    """The real site's ZIMs in Pashto, Dari and English, written once for the module."""
    directory = tmp_path_factory.mktemp("zim")
    written = make_zims(real_app, directory, LANGS)
    return {book.lang: path for path, book in written}


def entries(archive: Archive) -> Iterator:
    """Yield every entry of a ZIM (libzim's reader offers no public iteration)."""
    for index in range(archive.entry_count):
        yield archive._get_entry_by_id(index)


def content(archive: Archive, path: str) -> bytes:
    """Return an entry's bytes."""
    return bytes(archive.get_entry_by_path(path).get_item().content)


def expected_paths(real_app, lang: str) -> set[str]:
    """Return the pages and leaflets a language's ZIM must hold, from the database."""
    with real_app.test_request_context():
        topics = [page["slug"] for page in db.topic_pages(connection(), lang)]
        organisations = [org["id"] for org in db.organisations(connection(), lang)]
    paths = {f"{lang}/{name}index.html" for name in ("", "cards/", "organisations/", "papers/", "print/")}
    paths |= {f"{lang}/{slug}/{name}" for slug in topics for name in ("index.html", "leaflet.pdf")}
    paths |= {f"{lang}/organisations/{org}/index.html" for org in organisations}
    leaflets = ("organisations/leaflet.pdf", "papers/leaflet.pdf", "emergency-card.pdf")
    return paths | {f"{lang}/{leaflet}" for leaflet in leaflets}


class Links(HTMLParser):
    """Every href, src and form action of a page, and the tags it uses."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.tags: set[str] = set()
        self.rels: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        values = dict(attrs)
        self.rels.add(values.get("rel") or "")
        self.links += [value for name, value in attrs if name in {"href", "src", "action"} and value]

    handle_startendtag = handle_starttag


@pytest.mark.parametrize("lang", LANGS)
def test_zim_holds_every_page_organisation_card_and_a5_leaflet_and_nothing_left_out(real_app, zims, lang):
    archive = Archive(zims[lang])
    paths = {entry.path for entry in entries(archive)}
    wanted = expected_paths(real_app, lang)
    assert wanted <= paths, f"missing: {sorted(wanted - paths)}"
    others = paths - wanted
    assert {path for path in others if not path.startswith("static/")} == set()
    assert any(path.endswith(".css") for path in others), "the stylesheet"
    assert not [path for path in paths if LEFT_OUT.search(path) or "/offline." in path], "left out"
    assert archive.entry_count == len(paths)
    html = [path for path in paths if path.endswith(".html")]
    assert archive.article_count == len(html)  # every page is a front article, nothing else is
    assert archive.main_entry.get_item().path == f"{lang}/index.html"
    assert archive.get_entry_by_path(f"{lang}/asylum/leaflet.pdf").get_item().mimetype == "application/pdf"
    assert archive.get_entry_by_path(f"{lang}/asylum/index.html").get_item().mimetype == "text/html"
    assert content(archive, f"{lang}/asylum/leaflet.pdf").startswith(b"%PDF-")


@pytest.mark.parametrize("lang", LANGS)
def test_every_link_is_relative_and_stays_inside_the_zim(zims, lang):
    archive = Archive(zims[lang])
    paths = {entry.path for entry in entries(archive)}
    linked = set()
    for path in sorted(paths):
        mimetype = archive.get_entry_by_path(path).get_item().mimetype
        if mimetype == "text/html":
            parser = Links()
            parser.feed(content(archive, path).decode())
            assert not parser.tags & {"form", "script"}, path
            assert not parser.rels & {"manifest", "alternate"}, path
            links = parser.links
        elif mimetype == "text/css":
            links = CSS_URL.findall(content(archive, path).decode())
        else:
            continue
        for link in links:
            if link.startswith(KEPT_SCHEMES):
                continue
            parts = urlsplit(link)
            assert not parts.scheme and not parts.netloc and not link.startswith("/"), f"{path}: {link}"
            target = posixpath.normpath(posixpath.join(posixpath.dirname(path), parts.path))
            assert target in paths, f"{path} links to {link}, which the ZIM lacks"
            linked.add(target)
    assert {path for path in paths if path.startswith("static/")} <= linked, "a static file no page uses"


def test_links_to_other_sites_become_text_and_left_out_ones_go():
    page = (
        b'<!doctype html><html><head><link rel="manifest" href="/ps/manifest.webmanifest">'
        b'<script src="/static/offline.js"></script></head><body><main>'
        b'<p>See <a href="https://example.org/x">example.org</a> &amp; '
        b'<a href="../asylum/#why">asylum</a>.</p>'
        b'<nav class="langs"><ul><li><a href="/ps/health/" aria-current="true">Pashto</a></li>'
        b'<li><a href="/en/health/">English</a></li></ul></nav>'
        b'<ul><li><a href="/en/health/">English</a></li><li><a href="tel:192">192</a></li></ul>'
        b'<nav><a href="/ps/health/">here</a> <a href="/ps/asylum/">asylum</a></nav>'
        b'<form action="/ps/search"><input name="q"></form>'
        b'<svg><use href="/static/icons.svg#print"/></svg></main></body></html>'
    )

    def included(path: str) -> bool:
        return path.startswith(("/ps/", "/static/")) and path not in {"/static/offline.js", "/ps/search"}

    body = rewrite_html(page, "/ps/health/", "ps/health/index.html", included).decode()
    assert "See example.org &amp; " in body
    assert '<a href="../asylum/index.html#why">asylum</a>' in body
    assert '<li><a href="tel:192">192</a></li>' in body
    assert '<use href="../../static/icons.svg#print" />' in body
    assert '<nav><a href="index.html">here</a> <a href="../asylum/index.html">asylum</a></nav>' in body
    for gone in ("example.org/x", "English", "Pashto", "<li></li>", "<form", "<input", "<script", "manifest"):
        assert gone not in body, gone


@pytest.mark.parametrize(
    ("lang", "query"), [("en", "asylum"), ("prs", "پناهندگی"), ("prs", "پناه"), ("ps", "پناه")]
)
def test_full_text_search_finds_the_asylum_page(zims, lang, query):
    archive = Archive(zims[lang])
    assert archive.has_fulltext_index
    search = Searcher(archive).search(Query().set_query(query))
    results = list(search.getResults(0, SEARCH_RESULTS))
    assert f"{lang}/asylum/index.html" in results, results


@pytest.mark.parametrize(("lang", "query"), [("en", "asylum"), ("prs", "پناه"), ("ps", "پناه")])
def test_title_search_suggests_the_asylum_page(zims, lang, query):
    archive = Archive(zims[lang])
    assert archive.has_title_index
    suggestions = list(SuggestionSearcher(archive).suggest(query).getResults(0, 10))
    assert f"{lang}/asylum/index.html" in suggestions, suggestions
    assert not [path for path in suggestions if not path.endswith(".html")], "only pages are suggested"


@pytest.mark.parametrize("lang", LANGS)
def test_zim_carries_the_metadata_kiwix_requires(real_app, zims, lang):
    archive = Archive(zims[lang])
    manifest = json.loads(real_app.test_client().get(f"/{lang}/manifest.webmanifest").data)
    metadata = {key: archive.get_metadata(key) for key in archive.metadata_keys}
    assert metadata["Name"] == f"rightsinfo_{lang}".encode()
    assert metadata["Language"] == ISO_639_3[lang].encode()
    assert metadata["Title"].decode() == manifest["name"]
    assert metadata["LongDescription"].decode() == manifest["description"]
    assert manifest["description"].startswith(metadata["Description"].decode())
    assert len(metadata["Description"].decode()) <= 80
    assert metadata["Creator"] == metadata["Publisher"] == real_app.config["PUBLISHER"].encode()
    assert metadata["Source"] == real_app.config["PUBLIC_BASE_URL"].encode() + f"/{lang}/".encode()
    assert re.fullmatch(rb"\d{4}-\d{2}-\d{2}", metadata["Date"])
    with Image.open(io.BytesIO(metadata["Illustration_48x48@1"])) as icon:
        assert (icon.format, icon.size) == ("PNG", (48, 48))


@pytest.mark.parametrize("lang", list(i18n.LOCALE_BY_PREFIX))
def test_each_language_has_the_iso_639_3_code_of_its_locale(lang):
    # CLDR knows the ISO 639-3 codes of two-letter languages as aliases (tur → tr); prs is its own.
    code = ISO_639_3[lang]
    assert len(code) == 3
    locale_id = i18n.LOCALE_BY_PREFIX[lang]
    assert get_global("language_aliases").get(code, code) in {
        lang,
        locale_id,
        Locale.parse(locale_id).language,
    }


@pytest.mark.parametrize("lang", list(i18n.LOCALE_BY_PREFIX))
def test_metadata_is_in_each_languages_own_words_with_its_iso_639_3_code(real_app, lang):
    client = real_app.test_client()
    manifest = json.loads(client.get(f"/{lang}/manifest.webmanifest").data)
    metadata = book_metadata(manifest, lang, "2026-01-02T03:04:05", "Editors", "Some NGO", "https://x.test/")
    assert metadata["Language"] == ISO_639_3[lang]
    assert (metadata["Date"], metadata["Creator"], metadata["Publisher"]) == (
        "2026-01-02",
        "Editors",
        "Some NGO",
    )
    assert metadata["Title"] == manifest["name"]
    assert len(metadata["Description"]) <= 80
    assert metadata["LongDescription"] == manifest["description"]
    assert manifest["description"].startswith(metadata["Description"])


def test_same_content_gives_the_same_entries(real_app, zims, tmp_path):
    runner = real_app.test_cli_runner()
    result = runner.invoke(args=["zim", str(tmp_path), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "rightsinfo_en.zim" in result.output
    assert sorted(path.name for path in tmp_path.iterdir()) == ["rightsinfo_en.zim"]

    def summary(path: Path) -> list[tuple]:
        archive = Archive(path)
        rows = [(entry.path, entry.title, entry.get_item().mimetype) for entry in entries(archive)]
        hashes = [hashlib.sha256(content(archive, row[0])).hexdigest() for row in rows]
        return [(*row, digest) for row, digest in zip(rows, hashes, strict=True)]

    assert summary(tmp_path / "rightsinfo_en.zim") == summary(zims["en"])


def test_zim_command_refuses_an_unknown_language(real_app, tmp_path):
    result = real_app.test_cli_runner().invoke(args=["zim", str(tmp_path), "--lang", "xx"])
    assert result.exit_code == 2
    assert "xx: not a language of the site" in result.output
    assert not list(tmp_path.iterdir())


@pytest.fixture(scope="module")
def kiwix(zims) -> Iterator[str]:
    """Debian's kiwix-serve serving the Pashto ZIM on 127.0.0.1; yields the book's base URL."""
    with kiwix_serving(zims["ps"], "rightsinfo_ps", "ps/index.html") as base:
        yield base


@pytest.mark.browser
def test_kiwix_serve_shows_pashto_asylum_right_to_left_and_every_link_answers(kiwix):
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(kiwix))
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context()
        requests = RequestLog(context)
        failed: list[str] = []
        context.on(
            "response", lambda response: failed.append(response.url) if response.status >= 400 else None
        )
        page = context.new_page()
        followed = set()
        for start in ("ps/asylum/index.html", "ps/index.html"):
            assert page.goto(kiwix + start).status == 200
            if start.startswith("ps/asylum"):
                assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == [
                    "ps",
                    "rtl",
                ]
                assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
            hrefs = page.eval_on_selector_all("a[href]", "links => links.map(link => link.href)")
            followed |= {href.split("#")[0] for href in hrefs if href.startswith(("http:", "https:"))}
        assert kiwix + "ps/organisations/index.html" in followed
        assert kiwix + "ps/asylum/leaflet.pdf" in followed
        for url in sorted(followed):
            assert url.startswith(origin + "/"), f"a link leaves the host: {url}"
            if url.endswith(".pdf"):  # Chromium downloads a PDF rather than showing it headless
                response = context.request.get(url)
                assert (response.status, response.headers["content-type"]) == (200, "application/pdf"), url
                continue
            assert page.goto(url).status == 200, url
        # Kiwix's own search, which replaces the site's: a Pashto word finds the asylum page.
        assert page.goto(f"{origin}/search?content=rightsinfo_ps&pattern={quote('پناه')}").status == 200
        results = page.eval_on_selector_all("a[href]", "links => links.map(link => link.href)")
        assert kiwix + "ps/asylum/index.html" in results, results
        browser.close()
    assert requests.foreign(origin) == []
    assert failed == []


def test_a_page_the_app_does_not_answer_stops_the_zim_and_names_it(real_app, tmp_path, monkeypatch):
    from rightsinfo.publish.zim import book as zim

    seeds = zim.seed_urls
    monkeypatch.setattr(zim, "seed_urls", lambda *args: [*seeds(*args), "/en/no-such-page/"])
    with pytest.raises(zim.ZimError) as error:
        make_zims(real_app, tmp_path, ["en"])
    assert error.value.problems == ["/en/no-such-page/: the app answers 404, not 200"]
    assert not list(tmp_path.glob("*.zim"))


def test_without_libzim_the_zim_command_says_how_to_install_it(real_app, tmp_path, monkeypatch):
    from rightsinfo.publish.zim import book as zim

    monkeypatch.setitem(sys.modules, "libzim.writer", None)  # as if the optional extra were not installed
    with pytest.raises(zim.ZimError, match=r"pip install 'rightsinfo\[zim\]'"):
        make_zims(real_app, tmp_path, ["en"])
    assert not list(tmp_path.glob("*.zim"))
