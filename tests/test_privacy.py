"""Privacy: the server's logs never say who read what, and a page never contacts another host.

The log tests start gunicorn with the project's own config (the one the Procfile uses) on a free
127.0.0.1 port and read what it wrote. The browser test records every request a page and its service
worker make while a reader browses a language and the offline pack is saved.
"""

from __future__ import annotations

import re
import socket
import urllib.request
from urllib.parse import urlsplit

import browser
import pytest
from conftest import PROJECT_DIR

from bench.server import CONFIG_ARGUMENT, Gunicorn
from rightsinfo import gunicorn_conf
from rightsinfo.build import build_site

PRIVATE_SEARCH = "mysecretsearchword"
PRIVATE_USER_AGENT = "PrivacyProbe/1.0 (secret-phone-model)"
GUNICORN_COMMAND = re.compile(r"(?:^|[\s/:])gunicorn\s+--")
CLIENT_ATOMS = ("%(h)s", "%(a)s", "%(f)s", "%(q)s", "%(r)s", "%(u)s", "%(l)s", "i}s", "e}s")


@pytest.fixture
def gunicorn_logs(site_dirs, tmp_path):
    """Start gunicorn with the project's config; yield (port, stop) where stop() returns both logs."""
    build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
    access_path, error_path = tmp_path / "access.log", tmp_path / "error.log"
    dirs = browser.SiteDirs(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
    server = Gunicorn(dirs.environment(), log_path=access_path, error_log_path=error_path)

    def stop() -> tuple[str, str]:
        """Stop gunicorn gracefully, so every log line is flushed, and return both logs."""
        server.stop()
        return access_path.read_text(errors="replace"), error_path.read_text(errors="replace")

    with server:
        yield server.port, stop


def get(port: int, path: str) -> int:
    """GET a path with a recognisable user agent; return the status."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        headers={"User-Agent": PRIVATE_USER_AGENT, "Referer": "https://elsewhere.example/secret-referrer"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def send_raw(port: int, raw: bytes) -> bytes:
    """Send raw bytes as a request and return the status line of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(raw)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer.split(b"\r\n", 1)[0]


def test_the_access_log_has_the_path_but_no_address_user_agent_or_query(gunicorn_logs):
    port, stop = gunicorn_logs
    assert get(port, f"/ps/search?q={PRIVATE_SEARCH}") == 200
    assert get(port, "/en/alpha/?from=mysecretcampaign") == 200
    assert get(port, "/xx/nowhere/?q=mysecretmissing") == 404
    access_log, _error_log = stop()

    assert '"GET /ps/search"' in access_log
    assert '"GET /en/alpha/"' in access_log
    assert '"GET /xx/nowhere/"' in access_log
    for private in ("127.0.0.1", PRIVATE_USER_AGENT, "PrivacyProbe", "mysecret", "?q=", "elsewhere.example"):
        assert private not in access_log, f"the access log contains {private!r}"


def test_malformed_requests_leave_no_address_or_query_in_the_error_log(gunicorn_logs):
    port, stop = gunicorn_logs
    status = send_raw(
        port, f"GET /ps/search?q={PRIVATE_SEARCH}\xff HTTP/1.1\r\nHost: x\r\n\r\n".encode("latin-1")
    )
    assert status.startswith(b"HTTP/1.1 400")
    status = send_raw(port, b"GET /ps/?q=mysecretheader HTTP/1.1\r\nHost: x\r\nmysecretnocolon\r\n\r\n")
    assert status.startswith(b"HTTP/1.1 400")
    assert get(port, "/en/") == 200
    access_log, error_log = stop()

    assert "Invalid request" in error_log, "gunicorn no longer reports malformed requests this way"
    for log in (access_log, error_log):
        for private in ("ip=127.0.0.1", "mysecret", PRIVATE_USER_AGENT):
            assert private not in log, f"a log contains {private!r}"


@pytest.mark.parametrize(
    ("message", "cleaned"),
    [
        (
            "Invalid request from ip=203.0.113.9: Invalid HTTP request line: 'GET /ps/search?q=x HTTP/1.1'",
            "Invalid request: Invalid HTTP request line: '…'",
        ),
        ("Invalid request from ip=2001:db8::1: Invalid HTTP Header: 'junk'",
         "Invalid request: Invalid HTTP Header: '…'"),
        ("Invalid request from ip=203.0.113.9: Request Line is too large (8192 > 4094)",
         "Invalid request: Request Line is too large (8192 > 4094)"),
        ("Error handling request GET /ps/search?q=secret&x=1", "Error handling request GET /ps/search?…"),
        ("Booting worker with pid: 12", "Booting worker with pid: 12"),
    ],
)  # fmt: skip
def test_gunicorn_messages_are_stripped_of_client_data(message, cleaned):
    assert gunicorn_conf.without_client_data(message) == cleaned


def test_the_access_log_format_names_no_client_data():
    log_format = gunicorn_conf.access_log_format
    assert "%(U)s" in log_format, "the log should still say which page was asked for"
    for atom in CLIENT_ATOMS:
        assert atom not in log_format, f"{atom} would log client data"


def test_the_procfile_and_make_run_use_the_private_config():
    for path in (PROJECT_DIR / "Procfile", PROJECT_DIR / "Makefile"):
        lines = [line for line in path.read_text().splitlines() if GUNICORN_COMMAND.search(line)]
        assert lines, f"{path.name} does not start gunicorn"
        for line in lines:
            assert f"--config {CONFIG_ARGUMENT}" in line, f"{path.name}: {line}"
            for override in ("--access-logformat", "--access-logfile", "--log-config", "--logger-class"):
                assert override not in line, f"{path.name} overrides the private log settings: {line}"


ABOUT_PRIVACY_POINTS = {
    "no cookies": "No cookies",
    "no analytics": "No analytics",
    "no other host": "does not contact any other website",
    "no client address in logs": "does not keep your IP address",
    "no query strings in logs": "does not keep the words you search for",
    "no user agents in logs": "does not keep the name of your phone or browser",
}


@pytest.mark.parametrize("point", sorted(ABOUT_PRIVACY_POINTS))
def test_the_about_page_promises_each_privacy_point_these_tests_check(real_app, point):
    body = real_app.test_client().get("/en/about/").get_data(as_text=True)
    assert ABOUT_PRIVACY_POINTS[point] in body, f"the About page does not state: {point}"


# ----------------------------------------------------------------------------------------------------
# In a real browser: every request a page and its service worker make goes to the same origin.

OFFLINE_READY_TIMEOUT_SECONDS = 90
BROWSED_LANGUAGE = "ps"
PAGES_FOLLOWED = 15
OFFLINE_STATE = "document.querySelector('[data-offline-state]')?.dataset.offlineState"


@pytest.mark.browser
def test_a_page_and_its_service_worker_only_ever_contact_the_site_itself(tmp_path):
    from playwright.sync_api import sync_playwright

    with browser.served_real_site(tmp_path / "site") as server, sync_playwright() as playwright:
        chromium = browser.launch_chromium(playwright)
        try:
            context = chromium.new_context(service_workers="allow")
            requests = browser.RequestLog(context)
            from_worker: list[str] = []
            context.on("request", lambda request: request.service_worker and from_worker.append(request.url))
            page = context.new_page()
            page.goto(f"{server.base_url}/{BROWSED_LANGUAGE}/")
            browser.wait_for(
                page,
                f"{OFFLINE_STATE} === 'ready'",
                OFFLINE_READY_TIMEOUT_SECONDS,
                "the offline pack to be saved",
            )
            for link in same_language_links(page, server.base_url)[:PAGES_FOLLOWED]:
                page.goto(link)
            page.goto(f"{server.base_url}/{BROWSED_LANGUAGE}/search?q=azil")
            page.goto(f"{server.base_url}/{BROWSED_LANGUAGE}/organisations/?city=Belgrade")
            page.wait_for_load_state("networkidle")
        finally:
            chromium.close()

    assert any(url.endswith(f"/{BROWSED_LANGUAGE}/sw.js") for url in requests.urls), "no service worker"
    assert from_worker, "no request was seen coming from the service worker, so it was not watched"
    assert len(requests.urls) > PAGES_FOLLOWED, "too few requests were recorded for the test to mean anything"
    elsewhere = [url for url in requests.urls if not is_same_origin(url, server.base_url)]
    assert not elsewhere, f"requests to other hosts: {elsewhere}"


def same_language_links(page, origin: str) -> list[str]:
    """Return the distinct links of the current page that stay in the browsed language."""
    hrefs = page.eval_on_selector_all("a[href]:not([download])", "links => links.map(link => link.href)")
    inside = (href.split("#")[0] for href in hrefs if href.startswith(f"{origin}/{BROWSED_LANGUAGE}/"))
    inside = (href for href in inside if not href.split("?")[0].endswith((".pdf", ".html")))  # downloads
    return sorted(set(inside))


def is_same_origin(url: str, origin: str) -> bool:
    """Return whether a request URL is on the site's own origin (data: URLs never leave the phone)."""
    if url.startswith("data:"):
        return True
    parts, own = urlsplit(url), urlsplit(origin)
    return (parts.scheme, parts.hostname, parts.port) == (own.scheme, own.hostname, own.port)


def test_same_origin_check_tells_hosts_and_ports_apart():
    origin = "http://127.0.0.1:8123"
    assert is_same_origin("http://127.0.0.1:8123/ps/", origin)
    assert is_same_origin("data:image/svg+xml,<svg/>", origin)
    assert not is_same_origin("http://127.0.0.1:8124/ps/", origin)
    assert not is_same_origin("https://127.0.0.1:8123/ps/", origin)
    assert not is_same_origin("https://fonts.googleapis.com/css", origin)
    assert not is_same_origin("http://127.0.0.1.evil.example:8123/", origin)
