"""How responses leave the app: the page cache cannot be bypassed cheaply, and a miss costs little.

Issue 30, part 3, and issue 23's "catch only what it means to" for the page cache.
"""

from __future__ import annotations

import pytest
from flask import abort

from rightsinfo import serving
from rightsinfo.site import site_of


def refuse_to_render(app) -> None:
    """Make every view fail, so that only the page cache can still answer."""
    for endpoint in list(app.view_functions):
        app.view_functions[endpoint] = lambda **_values: abort(500)


@pytest.mark.parametrize(
    "address",
    [
        "/en/alpha/?x=1",
        "/en/alpha/?utm_source=a&utm_source=b",
        "//en/alpha/",
        "/en//alpha/?x",
        "//en///alpha/",
    ],
)
def test_unknown_query_parameters_and_repeated_slashes_are_answered_from_the_cache(client, app, address):
    first = client.get("/en/alpha/")
    assert first.status_code == 200
    refuse_to_render(app)
    path, _, query = address.partition("?")
    # PATH_INFO as a server passes it: the test client would read "//en" as a host name.
    again = client.get("/", query_string=query, environ_overrides={"PATH_INFO": path})
    assert again.status_code == 200, address
    assert again.headers["ETag"] == first.headers["ETag"]


def test_a_parameter_a_view_reads_still_reaches_it(client):
    plain = client.get("/en/search").get_data(as_text=True)
    searched = client.get("/en/search?utm_source=x&q=doctor").get_data(as_text=True)
    assert searched != plain
    assert "Where is the doctor?" in searched


def test_a_filtered_directory_is_not_the_cached_unfiltered_one(client):
    unfiltered = client.get("/en/organisations/")
    filtered = client.get("/en/organisations/?city=Belgrade&x=1")
    assert filtered.status_code == 200
    assert filtered.headers["ETag"] != unfiltered.headers["ETag"]


def recording(monkeypatch) -> list[tuple[str, int]]:
    """Record every compression the app makes: (encoding, level)."""
    made = []
    gzip_compress, brotli_compress = serving.gzip_compress, serving.brotli_compress

    def gzip_noted(body: bytes, level: int = serving.GZIP_LEVEL) -> bytes:
        made.append(("gzip", level))
        return gzip_compress(body, level)

    def brotli_noted(body: bytes, quality: int = serving.BROTLI_QUALITY) -> bytes:
        made.append(("br", quality))
        return brotli_compress(body, quality)

    monkeypatch.setattr(serving, "gzip_compress", gzip_noted)
    monkeypatch.setattr(serving, "brotli_compress", brotli_noted)
    return made


@pytest.mark.parametrize(
    ("accept_encoding", "expected"),
    [("identity", []), ("gzip", [("gzip", 6)]), ("br, gzip", [("br", 5)]), ("", [])],
)
def test_a_response_not_kept_is_compressed_only_as_asked_and_quickly(
    client, monkeypatch, accept_encoding, expected
):
    made = recording(monkeypatch)
    response = client.get("/en/search?q=doctor", headers={"Accept-Encoding": accept_encoding})
    assert response.status_code == 200
    assert made == expected
    assert response.headers.get("Content-Encoding") == (expected[0][0] if expected else None)
    assert "Accept-Encoding" in response.headers.get("Vary", "")  # another client may get it compressed


def test_a_page_the_cache_keeps_is_compressed_once_at_the_highest_level(client, monkeypatch):
    made = recording(monkeypatch)
    assert client.get("/en/alpha/", headers={"Accept-Encoding": "identity"}).status_code == 200
    assert sorted(made) == [("br", serving.BROTLI_QUALITY), ("gzip", serving.GZIP_LEVEL)]
    made.clear()
    assert client.get("/en/alpha/", headers={"Accept-Encoding": "br"}).headers["Content-Encoding"] == "br"
    assert made == []


def test_a_query_response_gets_an_etag_and_answers_304(client):
    first = client.get("/en/search?q=doctor")
    again = client.get("/en/search?q=doctor", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_every_page_names_the_build_it_was_read_from(client, app):
    version = site_of(app).database.version
    assert client.get("/en/alpha/").headers[serving.VERSION_HEADER] == version
    assert client.get("/en/alpha/").headers[serving.VERSION_HEADER] == version  # from the cache


def test_the_page_cache_lets_an_unexpected_error_through(client, app, monkeypatch):
    def broken(path: str):
        raise RuntimeError("a bug in the page cache")

    monkeypatch.setattr(site_of(app).cache, "get", broken)
    with pytest.raises(RuntimeError):
        client.get("/en/alpha/")


def test_a_site_not_built_yet_is_a_503_in_the_readers_language(client, app):
    site_of(app).database.path.unlink()
    response = client.get("/ps/alpha/")
    assert response.status_code == 503
    assert '<html lang="ps" dir="rtl">' in response.get_data(as_text=True)
