"""After a deploy of code alone (no ``flask build``), the server writes the missing packs and guides once."""

from __future__ import annotations

import os
import shutil
import time

from conftest import make_app

from bench.server import Gunicorn, http_get
from rightsinfo.build import build_site
from rightsinfo.config import PACKS_DIR_NAME
from rightsinfo.publish.pack import pack_version
from rightsinfo.publish.published import write_published

PUBLISH_WAIT_SECONDS = 180.0  # the child crawls every language beside two starting workers
POLL_SECONDS = 0.5


def wait_for_200(server: Gunicorn, path: str) -> bytes:
    """Poll ``path`` until it answers 200 (a 503 means not written yet); return its body."""
    deadline = time.monotonic() + PUBLISH_WAIT_SECONDS
    status = None
    while time.monotonic() < deadline:
        status, _headers, body = http_get(server.base_url, path)
        if status == 200:
            return body
        assert status == 503, f"{path}: {status}"
        time.sleep(POLL_SECONDS)
    raise AssertionError(f"{path} still answers {status} after {PUBLISH_WAIT_SECONDS} s")


def test_a_server_started_on_a_build_without_its_packs_writes_them_once(site_dirs, tmp_path):
    build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
    app = make_app(site_dirs)
    write_published(app)  # flask build wrote them …
    packs = site_dirs["instance"] / PACKS_DIR_NAME
    shutil.rmtree(packs)  # … for other code: a code-only deploy finds none for its own version
    with app.test_request_context():
        version = pack_version()
    env = {
        **os.environ,
        "RIGHTSINFO_CONTENT_DIR": str(site_dirs["content"]),
        "RIGHTSINFO_TRANSLATIONS_DIR": str(site_dirs["translations"]),
        "RIGHTSINFO_INSTANCE_PATH": str(site_dirs["instance"]),
    }
    log = tmp_path / "gunicorn.log"
    server = Gunicorn(env, workers=2, log_path=log).start()
    try:
        pack = wait_for_200(server, f"/ps/offline-pack/{version}/pack.ndjson.zst")
        guide = wait_for_200(server, "/ur/guide.html")
    finally:
        server.stop()
    assert pack == (packs / version / "ps.ndjson.zst").read_bytes()
    assert guide == (packs / version / "ur.guide.html").read_bytes()
    lines = log.read_text(encoding="utf-8").splitlines()
    assert len([line for line in lines if line.startswith("rightsinfo publish:")]) == 1, lines
