"""The files a small server is set up with (deploy/app/): nginx's site and the systemd unit.

nginx runs the shipped site, with only its ports, certificate and log paths changed, in front of
gunicorn started with the project's config; the unit passes ``systemd-analyze verify``.
"""

from __future__ import annotations

import http.client
import ssl
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import PROJECT_DIR
from test_privacy import gunicorn_logs  # noqa: F401 (a fixture)

from bench.nginx import NGINX, SERVER_NAME, nginx_in_front
from rightsinfo.serving import VERSION_HEADER

UNIT = PROJECT_DIR / "deploy" / "app" / "rightsinfo.service"
BURST_REQUESTS = 30


@pytest.fixture
def proxy(gunicorn_logs, tmp_path):  # noqa: F811
    """nginx with the shipped site in front of gunicorn; yield (http port, https port, scratch folder)."""
    if not Path(NGINX).exists():
        pytest.fail(f"{NGINX} is missing: apt-get install nginx-light", pytrace=False)
    gunicorn_port, _stop = gunicorn_logs
    with nginx_in_front(gunicorn_port, tmp_path) as (http_port, https_port):
        yield http_port, https_port, tmp_path


def get(port: int, path: str, headers: dict | None = None, tls: bool = True) -> http.client.HTTPResponse:
    """GET a path through nginx (HTTPS with the test's own certificate unless told); the body is read."""
    if tls:
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        connection = http.client.HTTPSConnection("127.0.0.1", port, timeout=10, context=context)
    else:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


def test_the_nginx_site_passes_nginx_t_and_serves_the_app_through_gunicorn(proxy):
    http_port, https_port, scratch = proxy
    page = get(https_port, "/en/alpha/")
    assert page.status == 200 and b"How do I ask for help?" in page.body
    assert page.getheader(VERSION_HEADER) and page.getheader("Content-Security-Policy")
    assert page.getheader("Server") == "nginx"  # no version: server_tokens off; gunicorn's is gone
    merged = get(https_port, "//en//alpha/")
    assert merged.status == 200 and merged.body == page.body
    redirect = get(https_port, "/en/alpha", headers={"Host": "evil.example"})
    assert redirect.status in {301, 308} and "evil.example" not in redirect.getheader("Location")
    plain = get(http_port, "/en/alpha/?a=1", tls=False)
    assert plain.status == 301 and plain.getheader("Location") == f"https://{SERVER_NAME}/en/alpha/?a=1"
    log = (scratch / "access.log").read_text()
    assert '"GET /en/alpha/" 200' in log and "127.0.0.1" not in log and "a=1" not in log


def test_the_nginx_site_limits_what_costs_the_app_work_and_nothing_else(proxy):
    _http_port, https_port, scratch = proxy
    with ThreadPoolExecutor(max_workers=BURST_REQUESTS) as pool:
        searches = list(pool.map(lambda number: get(https_port, f"/en/search?q=doctor{number}").status,
                                 range(BURST_REQUESTS)))  # fmt: skip
        pages = list(pool.map(lambda _number: get(https_port, "/en/alpha/").status, range(BURST_REQUESTS)))
    assert 429 in searches and 200 in searches
    assert set(pages) == {200}
    # nginx's error log named the client and the search words for every refused request. (gunicorn
    # writes to this file too, its own address included, so nginx's field for a client is looked for.)
    errors = (scratch / "error.log").read_text()
    assert "client: 127.0.0.1" not in errors and "doctor" not in errors


def test_the_systemd_unit_passes_systemd_analyze_verify(tmp_path):
    unit = tmp_path / UNIT.name
    unit.write_text(UNIT.read_text(encoding="utf-8").replace("/srv/rightsinfo", str(PROJECT_DIR)), "utf-8")
    (PROJECT_DIR / ".venv" / "bin" / "gunicorn").resolve(strict=True)
    checked = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True)
    assert checked.returncode == 0 and not checked.stderr.strip() and not checked.stdout.strip(), (
        checked.stderr
    )
