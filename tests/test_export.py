"""Static export: the whole site as files, byte for byte what the app serves, the same every time, with
no broken link; served by nginx with the site deploy/static/nginx-site.conf, included in a main
configuration like Debian's, exactly as the app serves it; and, in Chromium,
a reader opens /ps/ on that static server, the phone saves the language, the server goes away, and
every page still opens.
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import brotli
import pytest
from browser import RequestLog, launch_chromium, wait_for
from conftest import PROJECT_DIR, make_app
from playwright.sync_api import sync_playwright

from bench.nginx import main_conf
from bench.server import free_port
from rightsinfo import db, i18n
from rightsinfo.guide import content_security_policy
from rightsinfo.publish.crawl import TYPE_BY_SUFFIX
from rightsinfo.publish.export import ExportError, ExportReport, export_site
from rightsinfo.publish.pack import pack_urls
from rightsinfo.serving import COMPRESSIBLE_TYPES, security_headers
from rightsinfo.site import site_of

NGINX_PATH = Path("/usr/sbin/nginx")
NGINX_CONF = PROJECT_DIR / "deploy" / "static" / "nginx-site.conf"
NGINX_START_TIMEOUT_SECONDS = 10.0
READY_TIMEOUT_SECONDS = 90.0
POLL_INTERVAL_SECONDS = 0.05
LANG = "ps"
TEXT_SUFFIXES = (".html", ".css", ".js", ".json", ".webmanifest", ".svg")
EXTERNAL_SCHEMES = {"tel", "mailto", "http", "https", "data"}
STATE = "document.querySelector('[data-offline-state]').dataset.offlineState"
# Headers whose value the static server must send exactly as the app does, when the app sends them.
SAME_HEADERS = ("Content-Type", "Cache-Control", "Content-Disposition", "Service-Worker-Allowed")


@pytest.fixture(scope="module")
def report(real_app, tmp_path_factory) -> ExportReport:
    """The real site exported once for the module (leaflets included)."""
    target = tmp_path_factory.mktemp("export") / "site"
    written = export_site(real_app, target)
    print(f"\nexported {written.files} files, {written.plain_bytes} bytes, {written.gzip_bytes} gzipped")
    return written


@pytest.fixture(scope="module")
def exported(report) -> Path:
    """The folder of the module's export."""
    return report.directory


def db_conn(app):
    """Return the app's database connection."""
    return site_of(app).database.connection


def tree_digest(root: Path) -> str:
    """Return one hash of every file's relative path and bytes."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def resolve(root: Path, path: str) -> Path | None:
    """Return the file a plain static server sends for a path (try_files $uri $uri.html $uri/index.html)."""
    relative = path.lstrip("/")
    if not relative or relative.endswith("/"):
        candidates = [relative + "index.html"]
    else:
        candidates = [relative, relative + ".html"]
    return next((root / name for name in candidates if (root / name).is_file()), None)


def url_of(root: Path, file: Path) -> str:
    """Return an address of an exported HTML file, good for resolving its relative links."""
    relative = "/" + file.relative_to(root).as_posix()
    return relative.removesuffix("index.html")


class Links(HTMLParser):
    """Every href and src of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.found += [value for name, value in attrs if name in {"href", "src"} and value]

    handle_startendtag = handle_starttag


def broken_links(root: Path) -> list[str]:
    """Return 'page → link' for every internal link of every exported page that leads to no file."""
    broken = []
    for file in sorted(root.rglob("*.html")):
        page_url = url_of(root, file)
        parser = Links()
        parser.feed(file.read_text(encoding="utf-8"))
        for link in parser.found:
            parts = urlsplit(urljoin(page_url, link))
            if parts.scheme in EXTERNAL_SCHEMES or link.startswith("#"):
                continue  # phone numbers, e-mail addresses, sources on other sites, places in the page
            if resolve(root, parts.path) is None:
                broken.append(f"{page_url} → {link}")
    return broken


def every_language_pack(app) -> dict[str, list[str]]:
    """Return each language's precache list, asked for outside any request the test will make."""
    with app.test_request_context():
        return {language.prefix: pack_urls(language.prefix) for language in i18n.languages()}


def test_every_page_of_every_language_is_a_file_with_the_apps_bytes(real_app, exported):
    client = real_app.test_client()  # requests outside any app context: each gets its own language
    for lang, pack in every_language_pack(real_app).items():
        organisations = [
            f"/{lang}/organisations/{org['id']}/" for org in db.organisations(db_conn(real_app), lang)
        ]
        for url in [*pack, *organisations, f"/{lang}/sw.js", f"/{lang}/guide.html", f"/{lang}/cards/"]:
            file = resolve(exported, url)
            assert file is not None, f"{url} is not exported"
            assert file.read_bytes() == client.get(url).get_data(), url


def test_every_url_in_each_service_workers_precache_list_is_exported(real_app, exported):
    for lang, pack in every_language_pack(real_app).items():
        worker = (exported / lang / "sw.js").read_text(encoding="utf-8")
        for url in pack:
            assert f'"{url}"' in worker, f"{url} missing from the exported worker's list"
            assert resolve(exported, url) is not None, url


def test_every_fingerprinted_static_file_is_exported(real_app, exported):
    assets = site_of(real_app).assets
    for url, entry in assets.entries.items():
        assert (exported / url.lstrip("/")).read_bytes() == entry.body


def test_leaflets_are_exported_exactly_where_the_app_serves_them(real_app, exported):
    client = real_app.test_client()
    for language in i18n.languages():
        slugs = [page["slug"] for page in db.topic_pages(db_conn(real_app), language.prefix)]
        urls = [f"/{language.prefix}/{slug}/leaflet.pdf" for slug in slugs]
        urls += [f"/{language.prefix}/organisations/leaflet.pdf", f"/{language.prefix}/emergency-card.pdf"]
        for url in urls:
            response = client.get(url)
            file = exported / url.lstrip("/")
            if response.status_code == 200:
                assert file.read_bytes() == response.get_data(), url
                assert file.read_bytes().startswith(b"%PDF")
            else:
                assert not file.exists(), f"{url} exported though the app answers {response.status_code}"


def test_every_text_file_has_reproducible_gzip_and_brotli_twins(exported):
    texts = [p for p in exported.rglob("*") if p.is_file() and p.suffix in TEXT_SUFFIXES]
    assert len(texts) > 100
    for path in texts:
        plain = path.read_bytes()
        gzipped = path.with_name(path.name + ".gz").read_bytes()
        assert gzip.decompress(gzipped) == plain, path
        assert gzipped[4:8] == b"\0\0\0\0", f"{path}.gz carries a timestamp"
        assert brotli.decompress(path.with_name(path.name + ".br").read_bytes()) == plain, path


def test_no_exported_page_has_a_broken_internal_link(exported):
    assert broken_links(exported) == []


def test_link_checker_notices_a_missing_file(exported, tmp_path):
    page = tmp_path / "site" / "ps" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text((exported / "ps" / "index.html").read_text(encoding="utf-8"), encoding="utf-8")
    assert any(line.startswith("/ps/ → ") for line in broken_links(tmp_path / "site"))


def test_search_results_and_filters_are_left_to_the_offline_search(exported):
    assert not [p for p in exported.rglob("*") if "?" in p.name]
    search = (exported / LANG / "search.html").read_text(encoding="utf-8")
    assert 'id="results"' in search and 'name="q"' in search


def test_chooser_lists_english_first_for_a_browser_with_no_language(exported):
    chooser = (exported / "index.html").read_text(encoding="utf-8").split('class="chooser"', 1)[1]
    assert re.findall(r'<li><a href="(/[a-z]+/)"', chooser) == [f"/{p}/" for p in i18n.LOCALE_BY_PREFIX]


def test_404_pages_speak_their_language_and_link_every_home(exported):
    for prefix, expected_lang in (("", "en"), ("ps/", "ps"), ("prs/", "fa-AF")):
        body = (exported / f"{prefix}404.html").read_text(encoding="utf-8")
        assert f'<html lang="{expected_lang}"' in body
        for language in i18n.languages():
            assert f'href="/{language.prefix}/"' in body


def test_export_refuses_a_folder_that_is_not_an_earlier_export(real_app, tmp_path):
    precious = tmp_path / "documents"
    precious.mkdir()
    (precious / "letter.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(ExportError, match="not an earlier export"):
        export_site(real_app, precious)
    assert (precious / "letter.txt").read_text(encoding="utf-8") == "keep me"


def test_export_command_over_an_earlier_export_writes_the_same_bytes_each_page_in_its_language(
    real_app, exported, tmp_path
):
    out = tmp_path / "out"
    shutil.copytree(exported, out)  # an earlier export (one copy, not a second export)
    (out / "left-over.html").write_text("from an older export", encoding="utf-8")
    site_of(real_app).cache.clear()  # every page rendered afresh by the command
    result = real_app.test_cli_runner().invoke(args=["export", str(out)])
    assert result.exit_code == 0, result.output
    assert "Exporting" in result.output and "Exported" in result.output
    assert tree_digest(out) == tree_digest(exported), "reproducible, and the old folder replaced whole"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"], "staging folders left behind"
    fresh = make_app(  # its own page cache: nothing the export rendered can answer for it
        {name: Path(real_app.config[key]) for name, key in
         (("content", "CONTENT_DIR"), ("translations", "TRANSLATIONS_DIR"), ("instance", "INSTANCE_PATH"))}
    ).test_client()  # fmt: skip
    for path in ("/en/organisations/", "/ps/asylum/", "/ar/cards/", "/ur/", "/"):
        written = resolve(out, path)
        assert written.read_bytes() == fresh.get(path).get_data(), f"{path}: not the app's page"


# --------------------------------------------------------------------------------------------------
# nginx with deploy/static/nginx-site.conf


def nginx_site_for(root: Path, port: int, scratch: Path) -> str:
    """Return the shipped site pointed at a temp export, port and log; nothing else changes."""
    replacements = (
        (r"/var/log/nginx/rightsinfo-export\.access\.log", f"{scratch}/access.log"),
        (r"listen 80;\n\s*listen \[::\]:80;", f"listen 127.0.0.1:{port};"),
        (r"root /srv/rightsinfo/export;", f"root {root};"),
    )
    text = NGINX_CONF.read_text(encoding="utf-8")
    for pattern, replacement in replacements:
        text, count = re.subn(pattern, replacement, text, flags=re.MULTILINE)
        assert count == 1, f"deploy/static/nginx-site.conf no longer has {pattern!r}"
    return text


class Nginx:
    """nginx in the foreground serving one folder on a free 127.0.0.1 port, killed when done."""

    def __init__(self, root: Path, scratch: Path):
        if not NGINX_PATH.exists():
            pytest.fail(
                f"{NGINX_PATH} is missing: apt-get install nginx-light (.ci/run installs it)", pytrace=False
            )
        self.port = free_port()
        self.scratch = scratch
        scratch.mkdir(parents=True, exist_ok=True)
        (scratch / "site.conf").write_text(nginx_site_for(root, self.port, scratch), encoding="utf-8")
        self.conf = scratch / "nginx.conf"
        self.conf.write_text(main_conf(scratch), encoding="utf-8")
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        """Return the server's origin."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Nginx:
        """Start nginx and wait until it answers."""
        error_log = self.scratch / "startup.log"
        self.process = subprocess.Popen(
            [str(NGINX_PATH), "-p", str(self.scratch), "-c", str(self.conf), "-e", str(error_log),
             "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=(self.scratch / "stderr.log").open("wb"),
            start_new_session=True,  # its own process group: stop() ends the master and its workers
        )  # fmt: skip
        deadline = time.monotonic() + NGINX_START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                logs = (self.scratch / "stderr.log").read_text() + error_log.read_text()
                pytest.fail(f"nginx exited:\n{logs}", pytrace=False)
            try:
                if self.get("/en/")[0] == 200:
                    return self
            except OSError:
                time.sleep(POLL_INTERVAL_SECONDS)
        self.stop()
        pytest.fail(f"nginx did not answer within {NGINX_START_TIMEOUT_SECONDS} s", pytrace=False)

    def get(
        self, path: str, headers: dict[str, str] | None = None
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        """Return status, headers and body of one GET."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.headers, response.read()
        finally:
            connection.close()

    def stop(self) -> None:
        """Kill nginx at once, master and workers, as when the network is gone."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None

    def __enter__(self) -> Nginx:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


@pytest.fixture(scope="module")
def nginx(exported, tmp_path_factory) -> Iterator[Nginx]:
    """nginx serving the module's export."""
    with Nginx(exported, tmp_path_factory.mktemp("nginx")) as server:
        yield server


def added_headers(conf: str) -> dict[str, str]:
    """Return the server's add_header names and values as written in the export's nginx site."""
    return {
        name: value.strip('"')
        for name, value in re.findall(r"^\s*add_header (\S+) (.+?) always;$", conf, re.M)
    }


def test_nginx_conf_sends_the_apps_security_headers():
    conf = NGINX_CONF.read_text(encoding="utf-8")
    written = added_headers(conf)
    for name, value in security_headers(hsts=False):
        if name == "Content-Security-Policy":
            assert written[name] == "$rightsinfo_csp"
            continue
        assert written.get(name) == value, f"{name} differs from serving.security_headers()"
    assert set(written) == {*dict(security_headers(hsts=False)), *SAME_HEADERS} - {"Content-Type"}
    hsts = dict(security_headers(hsts=True))["Strict-Transport-Security"]
    assert f'# add_header Strict-Transport-Security "{hsts}" always;' in conf
    site_policy = dict(security_headers(hsts=False))["Content-Security-Policy"]
    assert f'default "{site_policy}";' in conf
    csp_map = re.search(r"map \$uri \$rightsinfo_csp \{(.*?)\n    \}", conf, re.S).group(1)
    assert f'"{content_security_policy()}";' in csp_map, (
        "the guide's style or script hashes changed: update the site"
    )


def test_the_export_site_is_a_site_to_include_never_a_whole_nginx_conf(tmp_path):
    conf = NGINX_CONF.read_text(encoding="utf-8")
    main_only = re.findall(
        r"^(user|pid|worker_processes|error_log|events|http|include|load_module)\b", conf, re.M
    )
    assert main_only == [], f"directives that belong to a server's own nginx.conf: {main_only}"
    assert not (PROJECT_DIR / "deploy" / "nginx.conf").exists(), (
        "a whole nginx.conf invites cp over a server's"
    )
    (tmp_path / "site.conf").write_text(nginx_site_for(tmp_path, free_port(), tmp_path), encoding="utf-8")
    (tmp_path / "nginx.conf").write_text(main_conf(tmp_path), encoding="utf-8")
    command = [str(NGINX_PATH), "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")]
    checked = subprocess.run([*command, "-e", str(tmp_path / "e.log")], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr


def test_nginx_logs_the_path_in_the_sites_own_log_and_no_address(nginx):
    assert nginx.get("/ps/asylum/?q=secret", {"User-Agent": "TellTale/1.0"})[0] == 200
    site_log = (nginx.scratch / "access.log").read_text(encoding="utf-8")
    assert '"GET /ps/asylum/' in site_log
    for private in ("127.0.0.1", "TellTale", "secret"):
        assert private not in site_log, f"the site's access log has {private!r}"
    assert not (nginx.scratch / "main-access.log").read_text(encoding="utf-8"), "logged by the main config"


def test_nginx_conf_knows_every_language_for_its_404_pages():
    conf = NGINX_CONF.read_text(encoding="utf-8")
    listed = re.search(r"\(\?<missing_lang>([a-z|]+)\)", conf).group(1).split("|")
    assert listed == list(i18n.LOCALE_BY_PREFIX)


def test_nginx_serves_every_exported_address_as_the_app_does(real_app, report, nginx):
    client = real_app.test_client()
    urls = [url for url in report.urls if not url.endswith("/404.html")]  # the app has no such address
    assert len(urls) > 200
    for url in urls:
        expected = client.get(url)
        status, headers, body = nginx.get(url)
        assert (status, body) == (expected.status_code, expected.get_data()), url
        for name in [*dict(security_headers(hsts=False)), *SAME_HEADERS]:
            assert headers.get(name) == expected.headers.get(name), f"{url}: {name}"
        if expected.mimetype.startswith(COMPRESSIBLE_TYPES):
            status, headers, body = nginx.get(url, {"Accept-Encoding": "gzip"})
            assert (
                headers.get("Content-Encoding") == "gzip" and gzip.decompress(body) == expected.get_data()
            ), url
            assert headers.get("Vary") == "Accept-Encoding"


def test_nginx_sends_every_kind_of_exported_file_with_the_type_the_app_sends(tmp_path):
    root = tmp_path / "export"
    (root / "en").mkdir(parents=True)
    (root / "en" / "index.html").write_text("<!doctype html>", encoding="utf-8")  # nginx's start check
    for suffix in TYPE_BY_SUFFIX:
        (root / f"file{suffix}").write_bytes(b"x")
    with Nginx(root, tmp_path / "nginx") as server:
        for suffix, wanted in TYPE_BY_SUFFIX.items():
            _status, headers, _body = server.get(f"/file{suffix}")
            assert headers.get_content_type() == wanted, suffix


@pytest.mark.parametrize(("path", "lang"), [("/ps/nowhere/", "ps"), ("/ur/a/b/c/d", "ur"), ("/nowhere", "en"),
                                            ("/static/site.0000000000.css", "en")])  # fmt: skip
def test_nginx_answers_a_missing_address_with_the_404_page_in_its_language(nginx, path, lang):
    status, headers, body = nginx.get(path)
    assert status == 404
    assert f'<html lang="{lang}"'.encode() in body
    assert headers["Content-Security-Policy"] == dict(security_headers(False))["Content-Security-Policy"]
    assert headers["Cache-Control"] == "no-cache"


def test_nginx_resumes_a_cut_pack_download_with_only_the_missing_bytes(report, nginx):
    (pack,) = [url for url in report.urls if url.startswith("/ps/offline-pack/")]
    status, headers, body = nginx.get(pack)
    assert status == 200 and "Content-Encoding" not in headers, "a browser resumes only unencoded bytes"
    assert headers["Accept-Ranges"] == "bytes" and not headers["ETag"].startswith("W/")
    cut = len(body) // 2
    status, headers, rest = nginx.get(pack, {"Range": f"bytes={cut}-", "If-Range": headers["ETag"]})
    assert (status, rest) == (206, body[cut:])


def test_nginx_redirects_a_page_without_its_slash_and_hides_compressed_twins(nginx):
    status, headers, _body = nginx.get("/ps/asylum")
    assert status == 301 and headers["Location"] == "/ps/asylum/"
    assert nginx.get("/ps/index.html.gz")[0] == 404
    assert nginx.get("/ps/index.html.br")[0] == 404


# --------------------------------------------------------------------------------------------------
# A reader in Chromium, against nginx serving the export


def page_paths(pack: list[str]) -> set[str]:
    """Return the pack's pages a reader opens (not files, manifests or indexes, not the offline page)."""
    return {
        url
        for url in pack
        if not url.startswith("/static/") and not url.endswith((".json", ".webmanifest", "/offline/"))
    }


@pytest.mark.browser
def test_static_export_saves_the_language_and_every_page_opens_with_the_server_gone(
    real_app, exported, tmp_path
):
    pages = page_paths(every_language_pack(real_app)[LANG])
    server = Nginx(exported, tmp_path / "nginx").start()
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context(service_workers="allow")
        requests = RequestLog(context)
        page = context.new_page()
        try:
            page.goto(f"{server.base_url}/{LANG}/")
            wait_for(page, f"{STATE} === 'ready'", READY_TIMEOUT_SECONDS, "data-offline-state='ready'")
        finally:
            server.stop()
        to_visit, seen = [f"/{LANG}/"], set()
        while to_visit:
            path = to_visit.pop(0)
            if path in seen:
                continue
            seen.add(path)
            response = page.goto(server.base_url + path)
            assert response.status == 200 and response.from_service_worker, path
            facts = page.evaluate(
                """() => ({lang: document.documentElement.lang, dir: document.documentElement.dir,
                          title: document.title, h1: (document.querySelector('h1') || {}).innerText,
                          links: Array.from(document.querySelectorAll('a[href]'), (a) => a.pathname)})"""
            )
            assert (facts["lang"], facts["dir"]) == (LANG, "rtl"), path
            assert facts["title"] and facts["h1"], f"{path} has no title or heading"
            to_visit += [link for link in facts["links"] if link in pages and link not in seen]
        browser.close()
    assert seen == pages, f"not reached by links: {sorted(pages - seen)}"
    assert requests.foreign(server.base_url) == [], "requests left the site"


def test_new_topics_are_exported_in_every_language(exported):
    for lang in ("en", "ps", "prs", "ar", "ur"):
        for slug in ("detention", "after-refusal"):
            assert resolve(exported, f"/{lang}/{slug}/") is not None, f"/{lang}/{slug}/ is not exported"
            assert resolve(exported, f"/{lang}/{slug}/leaflet.pdf") is not None
