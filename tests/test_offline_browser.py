"""Offline first in a real browser: Debian's Chromium, driven by Playwright, against gunicorn.

The reader's story: open /ps/, watch the phone save the language, lose the network (the server is
killed, not just switched off in the browser), and keep reading every saved page, searching them,
and landing on the Pashto offline page for anything not saved; later the content changes and the
reader is offered the update, which replaces the old pack. With JavaScript off every page still reads.
Every request of every page and service worker must stay on the test server's origin.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from browser import RequestLog, Server, SiteDirs, build, copy_real_site, wait_for

from bench import offline_save
from bench.offline_save import CUT_FRACTION, RESUME_MAX_FRACTION, cut_save, whole_pack_bytes
from bench.throttle import ThrottlingProxy
from rightsinfo import create_app, db
from rightsinfo.search_index import plain_text
from rightsinfo.site import site_of

pytestmark = pytest.mark.browser

LANG = "ps"
READY_TIMEOUT_SECONDS = 60.0
UPDATE_TIMEOUT_SECONDS = 60.0
SEARCH_TIMEOUT_SECONDS = 10.0
HELD_STYLESHEET_SECONDS = 15.0
UPDATE_MARKER = "Rightsinfo update check sentence"
OTHER_KEYBOARD = str.maketrans({"ی": "ي", "ک": "ك"})  # Persian/Pashto keyboard → Arabic keyboard
VECTORS_PATH = Path(__file__).parent / "data" / "folding-vectors.json"
BRAND_COLOUR = "#0b4f8a"  # --brand in site.css: proves the stylesheet applied
STATE = "document.querySelector('[data-offline-state]').getAttribute('data-offline-state')"
PAGE_FACTS = """() => ({
  lang: document.documentElement.lang,
  dir: document.documentElement.dir,
  title: document.title,
  h1: (document.querySelector('h1') || {innerText: ''}).innerText.trim(),
  brand: getComputedStyle(document.documentElement).getPropertyValue('--brand').trim(),
  bodyMargin: getComputedStyle(document.body).marginTop,
  main: document.querySelector('main').innerText,
  links: Array.from(document.querySelectorAll('a[href]'), (a) => a.href),
})"""
CACHE_NAMES = "caches.keys()"
WORKER_VERSION = "navigator.serviceWorker.controller && navigator.serviceWorker.controller.scriptURL"
# RESUME_MAX_FRACTION: the browser asks only for the bytes it lacks. Fetching the whole pack again,
# or a rest compressed by itself (0.75: it loses the pages it shared words with), fails.


@dataclass
class SavedLanguage:
    """A browser context that saved one language's pack, with the server then killed."""

    context: object
    page: object
    base_url: str
    requests: RequestLog
    saved_urls: list[str]
    seconds_to_ready: float


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> SiteDirs:
    """The real content and catalogues, copied and built once for the module."""
    dirs = copy_real_site(tmp_path_factory.mktemp("browser-site"))
    build(dirs)
    return dirs


def new_context(chromium, **options):
    """Return a fresh browser context (no saved packs) that lets service workers run."""
    return chromium.new_context(service_workers="allow", **options)


def wait_until_ready(page, timeout_seconds: float = READY_TIMEOUT_SECONDS) -> None:
    """Wait until the page says the language is saved on the phone."""
    wait_for(page, f"{STATE} === 'ready'", timeout_seconds, "data-offline-state='ready'")


def saved_urls(page) -> list[str]:
    """Return the paths the page's service worker saved in its pack."""
    return page.evaluate(
        """async () => {
          const names = (await caches.keys()).filter((name) => name.startsWith('rightsinfo-'));
          const urls = [];
          for (const name of names) {
            const cache = await caches.open(name);
            for (const request of await cache.keys()) urls.push(new URL(request.url).pathname);
          }
          return urls;
        }"""
    )


def is_partial_marker(path: str) -> bool:
    """Return whether a saved path is the mark of a pack still being saved."""
    return path.startswith(f"/{LANG}/offline-pack/") and path.endswith("/partial.json")


def is_page(path: str) -> bool:
    """Return whether a saved path is a page a reader opens (not a file, manifest or index)."""
    return not path.startswith("/static/") and not path.endswith((".json", ".webmanifest"))


@pytest.fixture(scope="module")
def server(site) -> Iterator[Server]:
    """gunicorn serving the module's site; the offline tests kill it, others start it again."""
    with Server(site) as running:
        yield running


@pytest.fixture(scope="module")
def saved_ps(server, chromium) -> Iterator[SavedLanguage]:
    """Open /ps/, wait until the pack is saved, then kill the server: the reader is offline."""
    server.ensure_running()
    context = new_context(chromium)
    requests = RequestLog(context)
    page = context.new_page()
    started = time.monotonic()
    try:
        page.goto(f"{server.base_url}/{LANG}/")
        wait_until_ready(page)
        seconds = time.monotonic() - started
        print(f"\ntime to 'ready' for /{LANG}/ on localhost: {seconds:.1f} s")
        urls = saved_urls(page)
    finally:
        server.stop()
    yield SavedLanguage(context, page, server.base_url, requests, urls, seconds)
    context.close()


def assert_same_origin(requests: RequestLog, base_url: str) -> None:
    """Fail if any page or worker asked another host for anything."""
    assert requests.urls, "no request was recorded"
    assert requests.foreign(base_url) == [], "requests left the site"


def expected_text(app, path: str) -> str:
    """Return a piece of text from content/ that the page at ``path`` must show."""
    with app.app_context():
        conn = site_of(app).database.connection
        parts = path.strip("/").split("/")
        if len(parts) == 3 and parts[1] == "organisations":
            return db.organisation(conn, LANG, parts[2])["summary"]
        if parts[1:] in ([], ["search"], ["offline"], ["print"]):
            return db.topic_pages(conn, LANG)[0]["title"]
        if parts[1:] == ["organisations"]:
            return db.organisations(conn, LANG)[0]["name"]
        if parts[1:] == ["cards"]:
            return db.cards(conn, LANG)[0]["sr_latn"]
        if parts[1:] == ["papers"]:
            return db.papers(conn, LANG)[0]["sr_latn"]
        first_paragraph = re.search(r"<p>(.*?)</p>", db.page(conn, LANG, parts[1])["html"], re.DOTALL)
        return plain_text(re.sub(r"<[^>]+>", "", first_paragraph.group(1)))


def pack_paths(service_worker: str) -> list[str]:
    """Return the paths a service worker script lists in its pack."""
    match = re.search(r"^var PACK_URLS = (\[.*\]);$", service_worker, re.MULTILINE)
    assert match, "sw.js names no PACK_URLS"
    return json.loads(match.group(1))


def squeeze(text: str) -> str:
    """Return text with every run of whitespace as one space."""
    return " ".join(text.split())


def test_every_page_reads_with_javascript_disabled(site, server, chromium):
    # First in the file: it also warms the server's page cache before the pack is saved.
    app = create_app({"CONTENT_DIR": str(site.content), "TRANSLATIONS_DIR": str(site.translations),
                      "INSTANCE_PATH": str(site.instance)})  # fmt: skip
    server.ensure_running()
    context = chromium.new_context(java_script_enabled=False)
    requests = RequestLog(context)
    page = context.new_page()
    try:
        sw = page.goto(f"{server.base_url}/{LANG}/sw.js").text()
        paths = [path for path in pack_paths(sw) if is_page(path)]
        assert len(paths) > 10
        for path in paths:
            response = page.goto(server.base_url + path)
            assert response.status == 200, path
            assert not response.from_service_worker
            facts = page.evaluate(PAGE_FACTS)
            assert facts["h1"], f"{path} has no heading"
            assert squeeze(expected_text(app, path)) in squeeze(facts["main"]), path
            assert page.locator("[data-offline-state]").is_hidden(), path
        query = "پناه"
        page.goto(f"{server.base_url}/{LANG}/search?q={query}")
        assert page.locator("#results .hits li").count() > 0, "the server's results stay without JS"
        assert page.locator("#results .hits mark").count() > 0
        assert_same_origin(requests, server.base_url)
    finally:
        context.close()


def test_saving_starts_before_the_stylesheet_arrives(server, chromium):
    """The worker is registered from the page's head, so saving never waits for the page's own files.

    The stylesheet is held back until the pack is on its way. Registered from offline.js, as it was,
    nothing started until the stylesheet arrived: a deferred script waits for it, and on Slow 4G the
    save waited a round trip and a few hundred milliseconds more.
    """
    server.ensure_running()
    context = new_context(chromium)
    requests = RequestLog(context)
    held = []
    context.route("**/static/site.*.css", lambda route: held.append(route))  # answered when released
    page = context.new_page()
    try:
        page.goto(f"{server.base_url}/{LANG}/", wait_until="commit")
        deadline = time.monotonic() + HELD_STYLESHEET_SECONDS
        while not any("/offline-pack/" in url for url in requests.urls) and time.monotonic() < deadline:
            page.wait_for_timeout(50)
        assert held, "the page asked for its stylesheet"
        assert any("/offline-pack/" in url for url in requests.urls), "the pack was asked for"
        for route in held:
            route.continue_()
        wait_until_ready(page)
        assert (
            page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--brand').trim()")
            == BRAND_COLOUR
        )
        assert_same_origin(requests, server.base_url)
    finally:
        context.close()


def test_a_failed_download_saves_nothing_and_the_reader_can_retry(server, chromium):
    server.ensure_running()
    context = new_context(chromium)
    requests = RequestLog(context)
    page = context.new_page()
    pack = f"{server.base_url}/{LANG}/offline-pack/**"
    try:
        context.route(pack, lambda route: route.fulfill(status=500, body="broken"))
        page.goto(f"{server.base_url}/{LANG}/")
        wait_for(page, f"{STATE} === 'failed'", READY_TIMEOUT_SECONDS, "data-offline-state='failed'")
        assert [path for path in saved_urls(page) if not is_partial_marker(path)] == [], "nothing arrived"
        assert page.evaluate("navigator.serviceWorker.controller") is None
        save = page.locator("[data-offline-save]")
        assert save.is_visible()
        context.unroute(pack)
        save.click()
        wait_until_ready(page)
        assert [name for name in page.evaluate(CACHE_NAMES) if name.startswith(f"rightsinfo-{LANG}-")]
        assert not save.is_visible()
        assert_same_origin(requests, server.base_url)
    finally:
        context.close()


def test_every_saved_page_opens_from_links_with_the_server_gone(saved_ps):
    page, base = saved_ps.page, saved_ps.base_url
    saved_pages = {path for path in saved_ps.saved_urls if is_page(path)}
    assert {f"/{LANG}/", f"/{LANG}/organisations/", f"/{LANG}/cards/", f"/{LANG}/search"} <= saved_pages
    to_visit, seen, titles = [f"{base}/{LANG}/"], set(), {}
    while to_visit:
        url = to_visit.pop(0)
        path = url.removeprefix(base)
        if path in seen:
            continue
        seen.add(path)
        response = page.goto(url)
        assert response.status == 200 and response.from_service_worker, path
        facts = page.evaluate(PAGE_FACTS)
        assert (facts["lang"], facts["dir"]) == (LANG, "rtl"), path
        assert facts["h1"], f"{path} has no heading"
        assert facts["title"].split(" · ")[0].strip() == facts["h1"], path
        assert facts["brand"] == BRAND_COLOUR and facts["bodyMargin"] == "0px", f"{path}: no stylesheet"
        titles[path] = facts["title"]
        for link in facts["links"]:
            target = link.split("#")[0].removeprefix(base)
            if target in saved_pages and target not in seen:
                to_visit.append(base + target)
    # The offline page is what unsaved addresses show (next test); every other page is linked.
    assert seen == saved_pages - {f"/{LANG}/offline/"}
    assert len(set(titles.values())) == len(titles), "two pages share a title"
    assert_same_origin(saved_ps.requests, base)


def catalogue_text(translations: Path, locale: str, message: str) -> str:
    """Return a message as the language's catalogue translates it (the English when it does not)."""
    with (translations / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        found = read_po(handle).get(message)
    return (found.string if found and found.string else None) or message


@pytest.mark.parametrize("path", ["/ps/not-saved-page/", "/ps/organisations/?city=Subotica"])
def test_unsaved_address_offline_shows_the_pashto_offline_page(saved_ps, site, path):
    page = saved_ps.page
    response = page.goto(saved_ps.base_url + path)
    assert response.from_service_worker
    assert response.status == 503, "the offline page stands in for a page that is not here"
    facts = page.evaluate(PAGE_FACTS)
    assert (facts["lang"], facts["dir"]) == (LANG, "rtl")
    assert facts["h1"] == catalogue_text(site.translations, LANG, "You are offline")
    assert facts["brand"] == BRAND_COLOUR
    listed = set(page.evaluate("Array.from(document.querySelectorAll('main a[href]'), (a) => a.pathname)"))
    pack = page.evaluate(f"fetch('/{LANG}/search-pack.json').then((r) => r.json())")
    # A word on papers is a part of the papers page (its address ends in #the-word): the page is saved.
    topics = {entry["u"].split("#")[0] for entry in pack["entries"] if "/organisations/" not in entry["u"]}
    assert topics, "the search pack lists no topic page"
    assert topics | {f"/{LANG}/organisations/", f"/{LANG}/cards/"} <= listed, "it lists what is saved"
    assert_same_origin(saved_ps.requests, saved_ps.base_url)


def test_search_offline_finds_a_page_typed_on_the_other_keyboard(saved_ps):
    page, base = saved_ps.page, saved_ps.base_url
    page.goto(f"{base}/{LANG}/")
    pack = page.evaluate(f"fetch('/{LANG}/search-pack.json').then((r) => r.json())")
    title, word = next(
        (entry["t"], word)
        for entry in pack["entries"]
        if "l" not in entry
        for word in entry["t"].split()
        if re.search("[یک]", word) and len(word) >= 3
    )
    typed = word.translate(OTHER_KEYBOARD).strip("؟?")
    assert typed != word, "the query must differ from the page's spelling"
    page.goto(f"{base}/{LANG}/search?q={typed}")
    wait_for(page, "document.querySelector('#results[data-search=offline]')", SEARCH_TIMEOUT_SECONDS,
             "offline search results")  # fmt: skip
    results = page.evaluate(
        """() => Array.from(document.querySelectorAll('#results .hits a'), (a) => ({
                 title: a.innerText,
                 marked: Array.from(a.querySelectorAll('mark'), (m) => m.innerText),
               }))"""
    )
    found = next((hit for hit in results if hit["title"] == title), None)
    assert found, f"{title!r} not among the results for {typed!r}: {results}"
    assert found["marked"], "the matched word is highlighted"
    assert page.input_value("#q") == typed
    vectors = json.loads(VECTORS_PATH.read_text(encoding="utf-8"))
    folded = page.evaluate(
        "(inputs) => inputs.map((text) => rightsinfoFold(text))", [v["input"] for v in vectors]
    )
    mismatches = [
        (v["input"], v["folded"], got) for v, got in zip(vectors, folded, strict=True) if got != v["folded"]
    ]
    assert not mismatches, f"Chromium folds differently from the shared vectors: {mismatches}"
    assert_same_origin(saved_ps.requests, base)


def change_page(content: Path, slug: str, sentence: str) -> None:
    """Add a sentence at the end of a page in English and in the test's language."""
    for lang in ("en", LANG):
        path = content / "pages" / slug / f"{lang}.md"
        path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + f"\n\n{sentence}\n", encoding="utf-8")


def test_changed_content_is_offered_as_an_update_and_replaces_the_old_pack(site, chromium, tmp_path):
    dirs = SiteDirs(tmp_path / "content", tmp_path / "translations", tmp_path / "instance")
    for name in ("content", "translations", "instance"):
        shutil.copytree(getattr(site, name), getattr(dirs, name))
    server = Server(dirs).start()
    context = new_context(chromium)
    requests = RequestLog(context)
    page = context.new_page()
    try:
        topic = f"{server.base_url}/{LANG}/asylum/"
        page.goto(topic)
        wait_until_ready(page)
        old_caches = page.evaluate(CACHE_NAMES)
        change_page(dirs.content, "asylum", UPDATE_MARKER)
        build(dirs)
        server.restart()
        page.reload()
        wait_for(page, f"{STATE} === 'update-available'", UPDATE_TIMEOUT_SECONDS, "update-available")
        assert UPDATE_MARKER not in page.inner_text("main"), "the old version stays whole until the tap"
        button = page.locator("[data-offline-update]")
        assert button.is_visible()
        with page.expect_navigation():
            button.click()
        wait_for(page, f"document.body.innerText.includes({UPDATE_MARKER!r})", UPDATE_TIMEOUT_SECONDS,
                 "the new text after the update")  # fmt: skip
        wait_until_ready(page)
        server.stop()
        response = page.goto(topic)
        assert response.from_service_worker
        assert UPDATE_MARKER in page.inner_text("main"), "the new text is saved for offline use"
        new_caches = [name for name in page.evaluate(CACHE_NAMES) if name.startswith(f"rightsinfo-{LANG}-")]
        assert len(new_caches) == 1 and new_caches != old_caches, (old_caches, new_caches)
        assert_same_origin(requests, server.base_url)
    finally:
        server.stop()
        context.close()


def pack_prefix() -> str:
    """Return the path every pack request of the test's language starts with."""
    return offline_save.pack_prefix(LANG)


def language_caches(page) -> list[str]:
    """Return the names of the test language's packs in the browser."""
    return [name for name in page.evaluate(CACHE_NAMES) if name.startswith(f"rightsinfo-{LANG}-")]


def test_a_save_cut_off_part_way_resumes_fetching_only_what_is_missing(server, chromium):
    server.ensure_running()
    with ThrottlingProxy(server.port) as proxy:
        whole = whole_pack_bytes(chromium, proxy, LANG)
        context, page = cut_save(chromium, proxy, LANG, int(whole * CUT_FRACTION))
        requests = RequestLog(context)
        try:
            kept = [path for path in saved_urls(page) if not is_partial_marker(path)]
            assert kept, "the lines that arrived whole are kept"
            assert page.evaluate("navigator.serviceWorker.controller") is None, "a partial pack serves none"
            proxy.restore()
            proxy.reset_counts()
            page.reload()  # the next visit
            wait_until_ready(page)
            again = proxy.bytes_for(pack_prefix())
            print(f"\nresumed save: {again} of {whole} pack bytes ({again / whole:.0%}), {len(kept)} kept")
            asked = [path for path in proxy.bytes_by_path if path.startswith(pack_prefix())]
            # Chromium checks the bytes it holds with a one-byte range, then asks for the rest.
            assert len(asked) == 1 and set(proxy.ranged_paths) == set(asked), "only the missing bytes"
            assert 0 < again < whole * RESUME_MAX_FRACTION
            names = language_caches(page)
            assert len(names) == 1, names
            paths = saved_urls(page)
            listed = pack_paths(page.evaluate(f"fetch('/{LANG}/sw.js').then((r) => r.text())"))
            assert sorted(paths) == sorted(listed), "every URL of the one version, no partial mark"
            assert set(kept) <= set(paths)
            assert requests.foreign(proxy.base_url) == []
        finally:
            context.close()


def test_a_partial_save_of_a_version_no_longer_served_is_dropped_not_mixed(site, chromium, tmp_path):
    dirs = SiteDirs(tmp_path / "content", tmp_path / "translations", tmp_path / "instance")
    for name in ("content", "translations", "instance"):
        shutil.copytree(getattr(site, name), getattr(dirs, name))
    server = Server(dirs).start()
    try:
        with ThrottlingProxy(server.port) as proxy:
            whole = whole_pack_bytes(chromium, proxy, LANG)
            context, page = cut_save(chromium, proxy, LANG, int(whole * CUT_FRACTION))
            try:
                old_caches = language_caches(page)
                assert len(old_caches) == 1 and saved_urls(page), "part of the old version was kept"
                change_page(dirs.content, "asylum", UPDATE_MARKER)
                build(dirs)
                server.restart()
                # The new version's save is cut too: no worker ever activates, so only the new
                # version's own install can have dropped the old partial pack.
                proxy.restore()
                proxy.cut_during(pack_prefix(), int(whole * CUT_FRACTION))
                page.reload()
                wait_for(page, f"{STATE} === 'failed'", READY_TIMEOUT_SECONDS, "the second cut save to fail")
                new_caches = language_caches(page)
                assert len(new_caches) == 1 and new_caches != old_caches, (old_caches, new_caches)
                proxy.restore()
                page.goto(f"{proxy.base_url}/{LANG}/asylum/")
                wait_until_ready(page)
                assert language_caches(page) == new_caches
                assert not any(is_partial_marker(path) for path in saved_urls(page))
                server.stop()
                response = page.goto(f"{proxy.base_url}/{LANG}/asylum/")
                assert response.from_service_worker
                assert UPDATE_MARKER in page.inner_text("main"), "the saved page is of the new version"
            finally:
                context.close()
    finally:
        server.stop()


def test_a_cut_save_carries_on_by_itself_when_the_connection_comes_back(server, chromium):
    server.ensure_running()
    with ThrottlingProxy(server.port) as proxy:
        whole = whole_pack_bytes(chromium, proxy, LANG)
        context, page = cut_save(chromium, proxy, LANG, int(whole * CUT_FRACTION))
        try:
            proxy.restore()
            # The phone notices its connection is back: the page hears 'online', with no reload or tap.
            context.set_offline(True)
            context.set_offline(False)
            wait_until_ready(page)
            assert len(language_caches(page)) == 1
            assert not any(is_partial_marker(path) for path in saved_urls(page))
        finally:
            context.close()
