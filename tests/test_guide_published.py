"""The one-file guide is written once by the build and only read by a reader's request."""

from __future__ import annotations

import gzip

import brotli
import pytest
from conftest import make_app

from rightsinfo import guide
from rightsinfo.build import build_site
from rightsinfo.publish.guide_file import guide_path
from rightsinfo.publish.pack import pack_version
from rightsinfo.publish.published import write_published

LANG = "ps"


def published_app(site_dirs, **settings):
    """Build the fixture site, publish one language, and return an app that serves it."""
    build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
    app = make_app(site_dirs, **settings)
    write_published(app, only=[LANG])
    return app


def written_guide(app, encoding: str | None = None) -> bytes:
    """Return the guide file the build wrote for the current version."""
    with app.test_request_context():
        return guide_path(app.instance_path, pack_version(), LANG, encoding).read_bytes()


def no_render(*args, **kwargs):
    """Stand in for the guide's renderer: a reader's request must never reach it."""
    raise AssertionError("a request rendered the guide")


def test_the_guide_served_is_the_file_the_build_wrote_in_every_encoding(site_dirs):
    app = published_app(site_dirs)
    client = app.test_client()
    body = written_guide(app)
    plain = client.get(f"/{LANG}/guide.html", headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200 and plain.get_data() == body
    assert plain.headers["Content-Disposition"] == f'attachment; filename="rightsinfo-{LANG}.html"'
    for encoding, decode in (("gzip", gzip.decompress), ("br", brotli.decompress)):
        response = client.get(f"/{LANG}/guide.html", headers={"Accept-Encoding": encoding})
        assert response.headers["Content-Encoding"] == encoding
        assert response.get_data() == written_guide(app, encoding) and decode(response.get_data()) == body


def test_a_reader_request_reads_the_file_and_never_renders(site_dirs, monkeypatch):
    app = published_app(site_dirs)
    monkeypatch.setattr(guide, "rendered_guide", no_render)
    monkeypatch.setattr(guide, "render_page", no_render)
    client = make_app(site_dirs).test_client()  # a new worker: nothing in memory
    response = client.get(f"/{LANG}/guide.html")
    assert response.status_code == 200 and response.get_data() == written_guide(app)
    etag = response.headers["ETag"]
    assert client.get(f"/{LANG}/guide.html", headers={"If-None-Match": etag}).status_code == 304
    resumed = client.get(f"/{LANG}/guide.html", headers={"Range": "bytes=100-", "If-Range": etag})
    assert resumed.status_code == 206 and resumed.get_data() == written_guide(app)[100:]


def test_a_guide_not_yet_written_is_503_to_try_again_never_rendered(app, monkeypatch):
    monkeypatch.setattr(guide, "rendered_guide", no_render)
    monkeypatch.setattr(guide, "render_page", no_render)
    response = app.test_client().get(f"/{LANG}/guide.html")
    assert response.status_code == 503 and response.headers["Retry-After"].isdigit()
    assert "no-store" in response.headers["Cache-Control"]


def test_a_rebuild_serves_the_new_guide(site_dirs):
    app = published_app(site_dirs)
    write_published(app, only=["en"])
    client = app.test_client()
    before = client.get("/en/guide.html")
    assert before.status_code == 200 and "A brand new sentence" not in before.get_data(as_text=True)
    page = site_dirs["content"] / "pages" / "alpha" / "en.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nA brand new sentence.\n", encoding="utf-8")
    build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
    write_published(app, only=["en"])
    after = client.get("/en/guide.html")
    assert after.status_code == 200 and "A brand new sentence." in after.get_data(as_text=True)


@pytest.mark.parametrize("header", ["X-Rightsinfo-Publishing", "Rightsinfo.Publishing"])
def test_no_header_a_client_can_send_makes_the_server_render(app, monkeypatch, header):
    monkeypatch.setattr(guide, "rendered_guide", no_render)
    response = app.test_client().get(f"/{LANG}/guide.html", headers={header: "1"})
    assert response.status_code == 503
