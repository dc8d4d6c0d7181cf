"""The files a small server is set up with (deploy/app/): nginx's site and the systemd unit.

nginx runs the shipped site, with only its ports, certificate and log paths changed, in front of
gunicorn started with the project's config; the unit passes ``systemd-analyze verify``.
"""

from __future__ import annotations

import http.client
import os
import pwd
import re
import signal
import ssl
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import PROJECT_DIR
from test_privacy import gunicorn_logs  # noqa: F401 (a fixture)

from bench.server import free_port
from rightsinfo.serving import VERSION_HEADER

SITE_CONF = PROJECT_DIR / "deploy" / "app" / "nginx-site.conf"
UNIT = PROJECT_DIR / "deploy" / "app" / "rightsinfo.service"
NGINX = "/usr/sbin/nginx"
START_TIMEOUT_SECONDS = 15.0
SERVER_NAME = "rightsinfo.example"
BURST_REQUESTS = 30


def site_for(gunicorn_port: int, http_port: int, https_port: int, scratch: Path) -> str:
    """Return the shipped site with its ports, certificate and log paths pointed at a scratch folder."""
    replacements = (
        (r"server 127\.0\.0\.1:8000;", f"server 127.0.0.1:{gunicorn_port};"),
        (r"listen 80;\n\s*listen \[::\]:80;", f"listen 127.0.0.1:{http_port};"),
        (
            r"listen 443 ssl http2;\n\s*listen \[::\]:443 ssl http2;",
            f"listen 127.0.0.1:{https_port} ssl http2;",
        ),
        (r"/etc/letsencrypt/live/rightsinfo\.example/fullchain\.pem", f"{scratch}/cert.pem"),
        (r"/etc/letsencrypt/live/rightsinfo\.example/privkey\.pem", f"{scratch}/key.pem"),
        (r"/var/log/nginx/rightsinfo\.access\.log", f"{scratch}/access.log"),
    )
    text = SITE_CONF.read_text(encoding="utf-8")
    for pattern, replacement in replacements:
        text, count = re.subn(pattern, replacement, text)
        assert count >= 1, f"deploy/app/nginx-site.conf no longer has {pattern!r}"
    return text


def main_conf(scratch: Path) -> str:
    """Return a whole nginx configuration that includes the site as Debian's nginx.conf does, http-wide
    settings included, so a site that needs its own (types, gzip, logs) must say so itself."""
    temp_paths = "\n".join(f"    {kind}_temp_path {scratch}/{kind};" for kind in
                           ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))  # fmt: skip
    return (
        f"user {pwd.getpwuid(os.geteuid()).pw_name};\nworker_processes 1;\npid {scratch}/nginx.pid;\n"
        f"error_log {scratch}/error.log;\nevents {{}}\n"
        f"http {{\n{temp_paths}\n    include /etc/nginx/mime.types;\n"
        f"    default_type application/octet-stream;\n    access_log {scratch}/main-access.log;\n"
        f"    gzip on;\n    include {scratch}/site.conf;\n}}\n"
    )


@pytest.fixture
def proxy(gunicorn_logs, tmp_path):  # noqa: F811
    """nginx with the shipped site in front of gunicorn; yield (http port, https port, scratch folder)."""
    if not Path(NGINX).exists():
        pytest.fail(f"{NGINX} is missing: apt-get install nginx-light", pytrace=False)
    gunicorn_port, _stop = gunicorn_logs
    http_port, https_port = free_port(), free_port()
    key, cert = str(tmp_path / "key.pem"), str(tmp_path / "cert.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", f"/CN={SERVER_NAME}", "-keyout", key, "-out", cert],
        check=True, capture_output=True,
    )  # fmt: skip
    (tmp_path / "site.conf").write_text(site_for(gunicorn_port, http_port, https_port, tmp_path), "utf-8")
    (tmp_path / "nginx.conf").write_text(main_conf(tmp_path), "utf-8")
    command = [
        NGINX,
        "-p",
        str(tmp_path),
        "-c",
        str(tmp_path / "nginx.conf"),
        "-e",
        str(tmp_path / "error.log"),
    ]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen([*command, "-g", "daemon off;"], start_new_session=True)
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            try:
                get(https_port, "/en/")
                break
            except OSError:
                time.sleep(0.1)
        yield http_port, https_port, tmp_path
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)


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
    _http_port, https_port, _scratch = proxy
    with ThreadPoolExecutor(max_workers=BURST_REQUESTS) as pool:
        searches = list(pool.map(lambda number: get(https_port, f"/en/search?q=doctor{number}").status,
                                 range(BURST_REQUESTS)))  # fmt: skip
        pages = list(pool.map(lambda _number: get(https_port, "/en/alpha/").status, range(BURST_REQUESTS)))
    assert 429 in searches and 200 in searches
    assert set(pages) == {200}


def test_the_systemd_unit_passes_systemd_analyze_verify(tmp_path):
    unit = tmp_path / UNIT.name
    unit.write_text(UNIT.read_text(encoding="utf-8").replace("/srv/rightsinfo", str(PROJECT_DIR)), "utf-8")
    (PROJECT_DIR / ".venv" / "bin" / "gunicorn").resolve(strict=True)
    checked = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True)
    assert checked.returncode == 0 and not checked.stderr.strip() and not checked.stdout.strip(), (
        checked.stderr
    )
