"""nginx with the shipped app site (deploy/app/nginx-site.conf) in front of a gunicorn on 127.0.0.1.

DEPLOY.md says gunicorn is never exposed directly, so the bench measures the deployed shape too, and
the deploy tests check the same site. Only the site's ports, certificate (a throwaway one made here)
and log paths are changed.
"""

from __future__ import annotations

import os
import pwd
import re
import signal
import socket
import subprocess
import time
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.server import PROJECT_DIR, free_port, on_cpus

SITE_CONF = PROJECT_DIR / "deploy" / "app" / "nginx-site.conf"
NGINX = "/usr/sbin/nginx"
SERVER_NAME = "rightsinfo.example"
START_TIMEOUT_SECONDS = 15.0
POLL_INTERVAL_SECONDS = 0.1


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
        if count < 1:
            raise ValueError(f"deploy/app/nginx-site.conf no longer has {pattern!r}")
    return text


def main_conf(scratch: Path) -> str:
    """Return a whole nginx configuration that includes the site as Debian's nginx.conf does, http-wide
    settings included, so a site that needs its own (types, gzip, logs) must say so itself."""
    temp_paths = "\n".join(f"    {kind}_temp_path {scratch}/{kind};" for kind in
                           ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))  # fmt: skip
    return (
        f"user {pwd.getpwuid(os.geteuid()).pw_name};\nworker_processes auto;\npid {scratch}/nginx.pid;\n"
        f"error_log {scratch}/error.log;\nevents {{ worker_connections 768; }}\n"
        f"http {{\n{temp_paths}\n    include /etc/nginx/mime.types;\n"
        f"    default_type application/octet-stream;\n    access_log {scratch}/main-access.log;\n"
        f"    gzip on;\n    include {scratch}/site.conf;\n}}\n"
    )


def wait_for_port(port: int) -> None:
    """Wait until something listens on a 127.0.0.1 port; raise if nothing does in time."""
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(POLL_INTERVAL_SECONDS)
    raise RuntimeError(f"nginx did not listen on {port} within {START_TIMEOUT_SECONDS} s")


@contextmanager
def nginx_in_front(
    gunicorn_port: int, scratch: Path, cpus: Collection[int] | None = None
) -> Iterator[tuple[int, int]]:
    """Run nginx with the shipped site in front of gunicorn (on ``cpus``); yield its (http, https) ports,
    then stop it."""
    if not Path(NGINX).exists():
        raise RuntimeError(f"{NGINX} is missing: apt-get install nginx-light")
    http_port, https_port = free_port(), free_port()
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", f"/CN={SERVER_NAME}",
         "-keyout", str(scratch / "key.pem"), "-out", str(scratch / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    (scratch / "site.conf").write_text(site_for(gunicorn_port, http_port, https_port, scratch), "utf-8")
    (scratch / "nginx.conf").write_text(main_conf(scratch), "utf-8")
    command = [NGINX, "-p", str(scratch), "-c", str(scratch / "nginx.conf"), "-e", str(scratch / "error.log")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
    if checked.returncode != 0:
        raise RuntimeError(f"nginx -t failed:\n{checked.stderr}")
    process = subprocess.Popen(on_cpus([*command, "-g", "daemon off;"], cpus), start_new_session=True)
    try:
        wait_for_port(https_port)
        yield http_port, https_port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
