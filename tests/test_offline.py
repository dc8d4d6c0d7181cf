"""Offline first, checked with the Flask client: manifests, the service worker's pack, its version.

The browser saves a language's pack one URL at a time and gives up if any URL fails, so every URL
in the list must answer 200 without a redirect; the browser tests (test_offline_browser.py) show the
pack working with the server gone.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
import zstandard
from conftest import make_app, without_isolation
from flask_babel import gettext

from rightsinfo import db
from rightsinfo.build import build_site
from rightsinfo.i18n import get_language, languages
from rightsinfo.publish import crawl
from rightsinfo.publish.published import write_published
from rightsinfo.search_index import plain_text
from rightsinfo.serving import REGISTER_SCRIPT, inline_script, policy_hash
from rightsinfo.site import connection

PREFIXES = [language.prefix for language in languages()]
WORKER_RUNNER = Path(__file__).parent / "js" / "run_worker.js"
NODE_TIMEOUT_SECONDS = 30
PACK_BUDGET_BYTES = 150 * 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
HTML_PACK_URL = re.compile(r"^/[a-z]+/(?:[a-z0-9-]+/|organisations/[a-z0-9-]+/|search)?$")


def service_worker(client, prefix: str) -> str:
    """Return the language's service worker script."""
    response = client.get(f"/{prefix}/sw.js")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def pack_version(client, prefix: str) -> str:
    """Return the version written into the language's service worker."""
    match = re.search(r'^var VERSION = "([0-9a-f]+)";$', service_worker(client, prefix), re.MULTILINE)
    assert match, "sw.js names no VERSION"
    return match.group(1)


def pack_urls(client, prefix: str) -> list[str]:
    """Return the URLs the language's service worker saves, as the browser reads them."""
    match = re.search(r"^var PACK_URLS = (\[.*\]);$", service_worker(client, prefix), re.MULTILINE)
    assert match, "sw.js names no PACK_URLS"
    return json.loads(match.group(1))


def in_language(app, prefix: str, message: str) -> str:
    """Return an interface string as the catalogue of ``prefix`` has it (English where untranslated)."""
    with app.test_request_context(f"/{prefix}/"):
        app.preprocess_request()
        return gettext(message)


def png_size(data: bytes) -> tuple[int, int]:
    """Return a PNG's width and height from its header."""
    assert data.startswith(PNG_SIGNATURE), "not a PNG"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("prefix", PREFIXES)
def test_manifest_names_the_app_in_the_readers_language_and_direction(app, client, prefix):
    language = get_language(prefix)
    response = client.get(f"/{prefix}/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.get_data(as_text=True))
    assert manifest["name"] == in_language(app, prefix, "Rights in Serbia")
    assert manifest["short_name"] == in_language(app, prefix, "Rights")
    assert manifest["lang"] == language.tag
    assert manifest["dir"] == language.direction
    assert manifest["start_url"] == f"/{prefix}/"
    assert manifest["scope"] == f"/{prefix}/"
    assert manifest["display"] == "standalone"
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["theme_color"])


@pytest.mark.parametrize("prefix", PREFIXES)
def test_manifest_icons_are_pngs_of_192_and_512_pixels_with_a_maskable_one(client, prefix):
    manifest = json.loads(client.get(f"/{prefix}/manifest.webmanifest").get_data(as_text=True))
    sizes = set()
    for icon in manifest["icons"]:
        response = client.get(icon["src"])
        assert response.status_code == 200, icon["src"]
        assert icon["type"] == response.mimetype == "image/png"
        width, height = png_size(response.get_data())
        assert icon["sizes"] == f"{width}x{height}"
        sizes.add((width, icon.get("purpose", "any")))
    assert {(192, "any"), (512, "any"), (512, "maskable")} <= sizes


@pytest.mark.parametrize("prefix", PREFIXES)
def test_every_page_links_its_languages_manifest(client, prefix):
    for path in (f"/{prefix}/", f"/{prefix}/alpha/", f"/{prefix}/organisations/", f"/{prefix}/offline/"):
        body = client.get(path).get_data(as_text=True)
        assert f'<link rel="manifest" href="/{prefix}/manifest.webmanifest">' in body, path


@pytest.mark.parametrize("prefix", PREFIXES)
def test_service_worker_is_never_stale_and_may_control_its_language(client, prefix):
    response = client.get(f"/{prefix}/sw.js")
    assert response.mimetype == "application/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Service-Worker-Allowed"] == f"/{prefix}/"


def run_worker(client, tmp_path, prefix: str, scenario: str) -> dict:
    """Run the language's service worker in Node with a recording fake browser (tests/js/run_worker.js)."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed: apt-get install nodejs")
    script = tmp_path / "sw.js"
    script.write_text(service_worker(client, prefix), "utf-8")
    result = subprocess.run(
        [node, str(WORKER_RUNNER), str(script), f"/{prefix}/sw.js", scenario],
        capture_output=True, text=True, check=True, timeout=NODE_TIMEOUT_SECONDS,
    )  # fmt: skip
    return json.loads(result.stdout)


# Saving, resuming and dropping packs are tested in a real Chromium (test_offline_browser.py); this
# one runs in Node because a browser cannot show whether the worker waited before skipWaiting.
def test_the_new_version_takes_over_only_when_the_reader_asks(client, tmp_path):
    run = run_worker(client, tmp_path, "ps", "message")
    assert run["skipWaitingBeforeAsked"] == 0 and run["skipWaiting"] == 1
    assert run["messages"] and run["messages"][0]["type"] == "progress", "STATUS is answered"


@pytest.mark.parametrize("prefix", PREFIXES)
def test_pack_has_every_page_of_the_language_and_the_static_files(real_app, prefix):
    client = real_app.test_client()
    urls = pack_urls(client, prefix)
    assert len(urls) == len(set(urls)), "a URL is listed twice"
    assert all(url.startswith("/") and not url.startswith("//") for url in urls), "only this site"
    home = client.get(f"/{prefix}/").get_data(as_text=True)
    # The print page leads only to PDFs, which need the network: it is not saved.
    topics = set(re.findall(rf'href="(/{prefix}/[a-z0-9-]+/)"', home)) - {f"/{prefix}/print/"}
    directory = client.get(f"/{prefix}/organisations/").get_data(as_text=True)
    organisations = set(re.findall(rf'href="(/{prefix}/organisations/[a-z0-9-]+/)"', directory))
    assert organisations, "the directory lists no organisation"
    expected = {
        f"/{prefix}/", f"/{prefix}/cards/", f"/{prefix}/organisations/", f"/{prefix}/offline/",
        f"/{prefix}/search", f"/{prefix}/search-pack.json", f"/{prefix}/manifest.webmanifest",
        f"/{prefix}/about/", *topics, *organisations,
    }  # fmt: skip
    assert expected <= set(urls)
    static = {re.sub(r"\.[0-9a-f]{10}\.", ".", url) for url in urls if url.startswith("/static/")}
    assert {
        "/static/site.css", "/static/offline.js", "/static/fold.js", "/static/search.js",
        "/static/icons.svg",
    } <= static  # fmt: skip
    assert not any(url.endswith(".png") for url in urls), "install icons are fetched at install time"
    assert not any(url.endswith(".pdf") for url in urls), "leaflets are saved only on request"


@pytest.mark.parametrize("prefix", PREFIXES)
def test_every_pack_url_answers_200_without_a_redirect(real_app, prefix):
    client = real_app.test_client()
    for url in pack_urls(client, prefix):
        response = client.get(url, follow_redirects=False)
        assert response.status_code == 200, f"{url} answers {response.status_code}: the pack would never save"


def pack_url(client, prefix: str) -> str:
    """Return the address the language's service worker saves its pack from."""
    match = re.search(r"^var PACK_URL = (\".*\");$", service_worker(client, prefix), re.MULTILINE)
    assert match, "sw.js names no PACK_URL"
    return json.loads(match.group(1))


def built_day(app) -> str:
    """Return the day the app's content was built (ISO), as the pack carries it."""
    with app.app_context():
        return db.meta(connection())["built_at"][:10]


def pack_lines(response) -> list[dict]:
    """Return the JSON lines of a pack response, decompressed by the reference Zstandard decoder."""
    assert response.status_code == 200
    assert response.mimetype == "application/zstd"
    assert "Content-Encoding" not in response.headers, "a browser resumes only an unencoded download"
    body = zstandard.ZstdDecompressor().decompress(response.get_data()).decode()
    assert body.endswith("\n"), "the last line is whole"
    return [json.loads(line) for line in body.splitlines()]


def test_pack_fits_the_budget_and_is_smaller_than_its_files_compressed_alone(real_app):
    client = real_app.test_client()
    report = []
    for prefix in PREFIXES:
        size = len(client.get(pack_url(client, prefix)).get_data())
        files_br = sum(
            len(client.get(url, headers={"Accept-Encoding": "br"}).get_data())
            for url in pack_urls(client, prefix)
        )
        report.append(
            f"{prefix}: pack {size / 1024:.1f} KB (the same files one by one: {files_br / 1024:.1f} KB br)"
        )
        assert size <= PACK_BUDGET_BYTES, report[-1]
        assert size < files_br, "one compressed pack is smaller than its files compressed alone"
    print("\noffline pack per language (compressed):\n  " + "\n  ".join(report))


@pytest.mark.parametrize("prefix", PREFIXES)
def test_pack_carries_every_url_as_served_in_one_version(real_app, prefix):
    client = real_app.test_client()
    urls = pack_urls(client, prefix)
    url = pack_url(client, prefix)
    assert url == f"/{prefix}/offline-pack/{pack_version(client, prefix)}/pack.ndjson.zst"
    head, *entries = pack_lines(client.get(url))
    assert head == {
        "version": pack_version(client, prefix),
        "lang": prefix,
        "total": len(urls),
        "built": built_day(real_app),
    }
    assert [entry["u"] for entry in entries] == urls, "every pack URL once, in the worker's order"
    for entry in entries:
        served = client.get(entry["u"], headers={"Accept-Encoding": "identity"})
        assert entry["b"] == served.get_data(as_text=True), entry["u"]
        assert entry["h"]["content-type"] == served.headers["Content-Type"], entry["u"]
        assert entry["h"]["content-security-policy"] == served.headers["Content-Security-Policy"]
        assert not {"content-encoding", "content-length", "etag", "set-cookie"} & set(entry["h"]), entry["u"]


def zstd_block_ends(frame: bytes) -> list[int]:
    """Return the offset just past each block of a one-frame Zstandard stream (RFC 8878, 3.1.1)."""
    assert frame[:4] == b"\x28\xb5\x2f\xfd", "a Zstandard frame"
    descriptor = frame[4]
    single_segment = descriptor >> 5 & 1
    content_size_bytes = [single_segment, 2, 4, 8][descriptor >> 6]
    offset = 5 + (not single_segment) + [0, 1, 2, 4][descriptor & 3] + content_size_bytes
    ends, last = [], False
    while not last:
        header = int.from_bytes(frame[offset : offset + 3], "little")
        last, kind, size = header & 1, header >> 1 & 3, header >> 3
        offset += 3 + (1 if kind == 1 else size)  # an RLE block holds one byte
        ends.append(offset)
    return ends


def test_each_line_of_the_pack_decodes_as_soon_as_its_bytes_have_arrived(real_app):
    client = real_app.test_client()
    body = client.get(pack_url(client, "ps")).get_data()
    ends = zstd_block_ends(body)
    decoder, decoded, previous, whole_at_block_end = zstandard.ZstdDecompressor().decompressobj(), b"", 0, 0
    for end in ends:
        more = decoder.decompress(body[previous:end])
        decoded, previous = decoded + more, end
        whole_at_block_end += bool(more) and decoded.endswith(b"\n")
    # Every line ends exactly where a block ends, so it decodes once that block is in: a compressor
    # holding bytes back would end lines part way through blocks.
    assert whole_at_block_end == decoded.count(b"\n") == len(pack_urls(client, "ps")) + 1


def test_a_resumed_download_gets_only_the_missing_bytes_of_the_same_pack(real_app):
    client = real_app.test_client()
    url = pack_url(client, "ps")
    whole = client.get(url)
    etag, body = whole.headers["ETag"], whole.get_data()
    assert whole.headers["Accept-Ranges"] == "bytes" and not whole.get_etag()[1], "a strong validator"
    assert "immutable" in whole.headers["Cache-Control"] and "no-store" not in whole.headers["Cache-Control"]
    cut = len(body) // 2
    rest = client.get(url, headers={"Range": f"bytes={cut}-", "If-Range": etag})
    assert rest.status_code == 206
    assert rest.headers["Content-Range"] == f"bytes {cut}-{len(body) - 1}/{len(body)}"
    assert rest.get_data() == body[cut:]
    other = client.get(url, headers={"Range": f"bytes={cut}-", "If-Range": '"other-bytes"'})
    assert other.status_code == 200 and other.get_data() == body, "other bytes: the whole pack again"
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304


def whole_pack(client, prefix: str = "ps") -> tuple[str, str, bytes]:
    """Return a language's pack address, its ETag and its bytes."""
    url = pack_url(client, prefix)
    whole = client.get(url)
    return url, whole.headers["ETag"], whole.get_data()


def test_a_range_past_the_end_is_416_naming_the_length(real_app):
    client = real_app.test_client()
    url, _etag, body = whole_pack(client)
    response = client.get(url, headers={"Range": f"bytes={len(body) + 10}-"})
    assert response.status_code == 416
    assert response.headers["Content-Range"] == f"bytes */{len(body)}", "the client learns the length"


@pytest.mark.parametrize("value", ["bytes=abc-", "bytes=5-2", "pages=0-10", "bytes=0-9,20-29", "bytes"])
def test_an_invalid_or_multipart_range_gets_the_whole_pack(real_app, value):
    client = real_app.test_client()
    url, _etag, body = whole_pack(client)
    response = client.get(url, headers={"Range": value})
    assert response.status_code == 200 and response.get_data() == body, value


def test_a_weak_if_range_never_matches(real_app):
    client = real_app.test_client()
    url, etag, body = whole_pack(client)
    response = client.get(url, headers={"Range": "bytes=10-", "If-Range": f"W/{etag}"})
    assert response.status_code == 200 and response.get_data() == body, "RFC 9110 13.1.5: strong only"


def test_if_none_match_wins_over_a_range_and_a_failing_if_match_is_412(real_app):
    client = real_app.test_client()
    url, etag, body = whole_pack(client)
    assert client.get(url, headers={"Range": "bytes=10-", "If-None-Match": etag}).status_code == 304
    assert client.get(url, headers={"Range": "bytes=10-", "If-None-Match": '"other"'}).status_code == 206
    assert client.get(url, headers={"If-Match": '"other"'}).status_code == 412
    assert client.get(url, headers={"Range": "bytes=10-", "If-Match": '"other"'}).status_code == 412
    matched = client.get(url, headers={"Range": "bytes=10-", "If-Match": etag})
    assert matched.status_code == 206 and matched.get_data() == body[10:]


def test_a_fresh_server_serves_the_pack_from_the_build_without_crawling(site_dirs, monkeypatch):
    build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
    written = [path for path in write_published(make_app(site_dirs)) if path.name.endswith(".ndjson.zst")]
    assert sorted(path.name for path in written) == sorted(f"{prefix}.ndjson.zst" for prefix in PREFIXES)

    def no_crawl(*args, **kwargs):
        raise AssertionError("a request crawled the site")

    monkeypatch.setattr(crawl, "fetch", no_crawl)
    client = make_app(site_dirs).test_client()  # a new worker: nothing in memory
    files = {path.name.split(".")[0]: path.read_bytes() for path in written}
    for prefix in PREFIXES:
        response = client.get(pack_url(client, prefix))
        assert response.status_code == 200 and response.get_data() == files[prefix], prefix


def test_a_pack_the_build_has_not_written_is_503_to_try_again_never_made_by_the_request(app, monkeypatch):
    def no_crawl(*args, **kwargs):
        raise AssertionError("a request crawled the site")

    monkeypatch.setattr(crawl, "fetch", no_crawl)
    client = app.test_client()
    response = client.get(pack_url(client, "ps"))
    assert response.status_code == 503 and response.headers["Retry-After"].isdigit()
    assert "no-store" in response.headers["Cache-Control"]


def test_the_build_command_writes_every_languages_pack(app):
    result = app.test_cli_runner().invoke(args=["build"])
    assert result.exit_code == 0, result.output
    client = app.test_client()
    for prefix in PREFIXES:
        assert client.get(pack_url(client, prefix)).status_code == 200, prefix


@pytest.mark.parametrize(
    "address",
    ["/ps/offline-pack/0123456789ab/pack.ndjson.zst", "/xx/offline-pack/{version}/pack.ndjson.zst",
     "/ps/offline-pack/{version}/0.ndjson", "/ps/offline-pack/{version}/", "/ps/offline-pack/{version}/pack",
     "/ps/offline-pack/{version}/partial.json"],
)  # fmt: skip
def test_a_pack_of_another_version_or_language_is_not_found(real_app, address):
    client = real_app.test_client()
    response = client.get(address.format(version=pack_version(client, "ps")))
    assert response.status_code == 404, "a worker drops what it saved of a version no longer served"


def test_version_changes_when_content_changes_and_only_then(site_dirs):
    build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
    client = make_app(site_dirs).test_client()
    before = {prefix: pack_version(client, prefix) for prefix in PREFIXES}
    build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
    assert {prefix: pack_version(client, prefix) for prefix in PREFIXES} == before, "same content"
    page = site_dirs["content"] / "pages" / "beta" / "en.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nA new sentence.\n", encoding="utf-8")
    build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
    after = {prefix: pack_version(client, prefix) for prefix in PREFIXES}
    assert all(after[prefix] != before[prefix] for prefix in PREFIXES)
    assert "A new sentence." in client.get("/ps/beta/").get_data(as_text=True)


def test_a_fresh_contact_carries_the_day_it_becomes_stale_for_the_phone_to_decide(app):
    checked = dt.date(2026, 10, 1)  # the fixture clinic's e-mail address
    stale_on = checked + dt.timedelta(days=app.config["CONTACT_STALE_AFTER_DAYS"] + 1)
    client = app.test_client()
    app.config["TODAY"] = checked
    assert f'data-stale-from="{stale_on.isoformat()}"' in client.get("/ps/organisations/clinic/").get_data(
        as_text=True
    )
    app.config["TODAY"] = stale_on
    later = client.get("/ps/organisations/clinic/").get_data(as_text=True)
    assert f'data-stale-from="{stale_on.isoformat()}"' not in later and '<strong class="stale">' in later


@pytest.mark.parametrize("prefix", PREFIXES)
def test_offline_page_lists_the_saved_topics_in_the_readers_language(app, client, prefix):
    response = client.get(f"/{prefix}/offline/")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    language = get_language(prefix)
    assert f'<html lang="{language.tag}" dir="{language.direction}">' in body
    assert f"<h1>{in_language(app, prefix, 'You are offline')}</h1>" in without_isolation(body)
    for slug in ("alpha", "beta", "about"):
        assert f'href="/{prefix}/{slug}/"' in body
    assert f'href="/{prefix}/organisations/"' in body and f'href="/{prefix}/cards/"' in body


def offline_state(body: str) -> dict[str, str]:
    """Return the data attributes of a page's offline-state element."""
    element = re.search(r"<p data-offline-state=.*?>", body, re.DOTALL)
    assert element, "the page has no offline-state element"
    return dict(re.findall(r'\s(data-[a-z-]+)="([^"]*)"', " " + element.group(0)))


def test_offline_state_strings_come_in_the_readers_language_and_digits(client):
    ps = offline_state(client.get("/ps/alpha/").get_data(as_text=True))
    assert ps["data-offline-state"] == "unsupported"
    assert ps["data-digits"] == "۰۱۲۳۴۵۶۷۸۹"
    assert "%(done)s" in ps["data-saving"] and "%(total)s" in ps["data-saving"]
    assert ps["data-worker"] == "/ps/sw.js" and ps["data-scope"] == "/ps/"
    assert re.search(r"[۰-۹]{4}", ps["data-ready"]), "the date is written in Pashto digits"
    assert not re.search(r"[0-9]", ps["data-ready"])
    en = offline_state(client.get("/en/alpha/").get_data(as_text=True))
    assert en["data-digits"] == "0123456789"
    assert re.search(r"updated \d{1,2} [A-Z][a-z]{2} \d{4}", en["data-ready"])


def test_offline_state_is_hidden_until_a_script_shows_it(client):
    body = client.get("/en/").get_data(as_text=True)
    element = re.search(r"<p data-offline-state=.*?>", body, re.DOTALL).group(0)
    assert " hidden" in element
    assert "data-offline-save hidden>Save for offline</button>" in body


@pytest.mark.parametrize("prefix", PREFIXES)
def test_search_pack_entries_link_to_saved_pages_with_summaries(real_app, prefix):
    client = real_app.test_client()
    urls = set(pack_urls(client, prefix))
    pack = json.loads(client.get(f"/{prefix}/search-pack.json").get_data(as_text=True))
    assert pack["lang"] == prefix
    assert pack["entries"]
    for entry in pack["entries"]:
        page_url = entry["u"].split("#")[0]  # a word on papers is an #anchor of the saved papers page
        assert page_url in urls, f"{entry['u']} is found offline but not saved"
        assert entry["t"] and entry["w"] and entry["s"]
        assert entry.get("l", prefix) in {prefix, "en"}


def test_search_page_loads_the_folding_and_offline_search_scripts(client):
    body = client.get("/ps/search").get_data(as_text=True)
    scripts = re.findall(r'<script src="(/static/[a-z]+)\.[0-9a-f]{10}\.js" defer></script>', body)
    assert scripts == ["/static/offline", "/static/fold", "/static/search"]
    assert 'data-pack="/ps/search-pack.json"' in body
    assert 'data-query=""' in body


@pytest.mark.parametrize("prefix", PREFIXES)
def test_saved_pages_have_no_inline_style_nor_a_script_their_policy_does_not_allow(real_app, prefix):
    """The one inline script, the worker's registration, is allowed by its hash in the page's policy."""
    client = real_app.test_client()
    for url in pack_urls(client, prefix):
        if not HTML_PACK_URL.match(url):
            continue
        response = client.get(url)
        body = response.get_data(as_text=True)
        policy = response.headers["Content-Security-Policy"]
        inline = re.findall(r"<script(?![^>]*\ssrc=)[^>]*>(.*?)</script>", body, re.DOTALL)
        assert inline == [inline_script(REGISTER_SCRIPT)], f"{url}: inline scripts"
        assert f"'sha256-{policy_hash(inline[0])}'" in policy, f"{url}: inline script not allowed"
        assert " style=" not in body, f"{url}: inline style"
        assert plain_text(body), url
