"""Bad input never breaks the site: no 5xx for any path, query or header, and errors in a known language.

Requests are made at the WSGI level, the way a server hands them over: the path already percent-decoded
into raw bytes (which may not be UTF-8), the query string and headers as the client sent them. Both
percent-encoded and raw invalid bytes reach the app this way.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from urllib.parse import quote, unquote_to_bytes

import pytest
from conftest import FIXTURE_CONTENT, FIXTURE_TRANSLATIONS, make_app
from hostile_queries import HOSTILE_QUERIES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.test import EnvironBuilder

from rightsinfo.build import build_site
from rightsinfo.i18n import ENGLISH, get_language

LONG_INPUT_BYTES = 10 * 1024
HTML_LANG_PATTERN = re.compile(rb'<html lang="([^"]+)"')

INTERESTING_SEGMENTS = [
    "en", "ps", "prs", "ar", "ur", "fa", "xx", "EN", "Ps", "", ".", "..", "static", "organisations",
    "search", "cards", "offline", "alpha", "beta", "about", "helpers", "sw.js", "manifest.webmanifest",
    "search-pack.json", "leaflet.pdf", "print", "%ff", "%c0%af", "%00", "%2e%2e", "%2f", "%e2%80%ae",
    "پښتو", "دری", "site.0000000000.css", "\x00", "\n", "a" * 300,
]  # fmt: skip
HEADER_SAMPLES = [
    "", "*", ",", ";", "q=", "en;q=abc", "ps;q=nan", "ar;q=inf", "ur;q=-1", "fa-AF;q=0.9, *;q=0",
    "br;q=x", "gzip;q=1e999", "identity;q=0, *;q=0", '"', 'W/"', '"abc", W/"def", *', "\xff\xfe",
    "x" * LONG_INPUT_BYTES,
]  # fmt: skip


@dataclass(frozen=True)
class Reply:
    """What the app answered: status, headers and body."""

    status: int
    headers: dict[str, str]
    body: bytes


def call(app, target: bytes, query: bytes = b"", headers: dict[str, bytes] | None = None, method="GET"):
    """Send one request through the WSGI app exactly as a server would hand it over."""
    environ = EnvironBuilder(method=method).get_environ()
    environ["PATH_INFO"] = unquote_to_bytes(target).decode("latin-1")
    environ["QUERY_STRING"] = query.decode("latin-1")
    environ["REQUEST_URI"] = environ["RAW_URI"] = (target + (b"?" + query if query else b"")).decode(
        "latin-1"
    )
    for name, value in (headers or {}).items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value.decode("latin-1")
    started: dict = {}

    def start_response(status: str, response_headers: list, exc_info=None):
        started["status"] = int(status.split(" ", 1)[0])
        started["headers"] = dict(response_headers)

    iterable = app(environ, start_response)
    try:
        body = b"".join(iterable)
    finally:
        getattr(iterable, "close", lambda: None)()
    return Reply(started["status"], started["headers"], body)


def expected_html_lang(target: bytes) -> str:
    """Return the <html lang> an error page must have: the prefix's language, else English."""
    path = unquote_to_bytes(target).decode("utf-8", "replace")
    language = get_language(path.lstrip("/").split("/", 1)[0]) or get_language(ENGLISH)
    return language.tag


def assert_sensible(reply: Reply, target: bytes, method: str = "GET") -> None:
    """Fail on any 5xx, and on any 4xx that is not an HTML page in the path's language."""
    assert reply.status < 500, f"{reply.status} for {target!r}"
    if 400 <= reply.status < 500:
        assert reply.headers.get("Content-Type", "").startswith("text/html"), target
        if method != "HEAD":
            found = HTML_LANG_PATTERN.search(reply.body)
            assert found, f"{reply.status} page without <html lang> for {target!r}"
            assert found.group(1).decode() == expected_html_lang(target), target


@pytest.fixture(scope="module")
def shared_app(tmp_path_factory):
    """One fixture-content app for every generated request (hypothesis reuses it across examples)."""
    root = tmp_path_factory.mktemp("bad-input")
    dirs = {"content": root / "content", "translations": root / "translations", "instance": root / "instance"}
    shutil.copytree(FIXTURE_CONTENT, dirs["content"])
    shutil.copytree(FIXTURE_TRANSLATIONS, dirs["translations"])
    build_site(dirs["content"], dirs["translations"], dirs["instance"])
    return make_app(dirs)


segments = st.one_of(
    st.sampled_from(INTERESTING_SEGMENTS).map(str.encode),
    st.text(max_size=30).map(lambda text: quote(text, safe="").encode()),
    st.binary(max_size=30).map(lambda raw: raw.replace(b"?", b"")),
)
targets = st.builds(
    lambda parts, slash: b"/" + b"/".join(parts) + (b"/" if slash else b""),
    st.lists(segments, max_size=5),
    st.booleans(),
)
query_values = st.one_of(
    st.text(max_size=60),
    st.sampled_from(['"', "NEAR(", "*", "a OR b", "AND", "\x00", "%", "a" * 2000, "size=a4&with=en"]),
)
queries = st.one_of(
    st.binary(max_size=80),
    st.dictionaries(
        st.sampled_from(["q", "city", "kind", "size", "with", "lang", ""]), query_values, max_size=3
    ).map(lambda pairs: "&".join(f"{quote(k)}={quote(v)}" for k, v in pairs.items()).encode()),
)
header_values = st.one_of(
    st.sampled_from(HEADER_SAMPLES).map(lambda text: text.encode("utf-8")),
    st.binary(max_size=60).map(lambda raw: raw.replace(b"\r", b"").replace(b"\n", b"")),
    st.text(max_size=60).map(lambda text: text.encode("utf-8")),
)
header_sets = st.dictionaries(
    st.sampled_from(["Accept-Language", "Accept-Encoding", "If-None-Match", "Range", "Cookie"]),
    header_values,
    max_size=4,
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    target=targets,
    query=queries,
    headers=header_sets,
    method=st.sampled_from(["GET", "GET", "HEAD", "POST"]),
)
def test_no_input_makes_a_server_error_and_errors_speak_the_paths_language(
    shared_app, target, query, headers, method
):
    reply = call(shared_app, target, query, headers, method)
    assert_sensible(reply, target, method)


KNOWN_GOOD_PATHS = [b"/", b"/ps/", b"/prs/alpha/", b"/ar/organisations/", b"/ur/search", b"/en/sw.js"]


@pytest.mark.parametrize("target", KNOWN_GOOD_PATHS)
@given(query=queries, headers=header_sets)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_real_pages_survive_any_query_string_and_headers(shared_app, target, query, headers):
    reply = call(shared_app, target, query, headers)
    assert reply.status in {200, 304}, f"{reply.status} for {target!r}?{query!r} {headers!r}"


LEAFLET_PATHS = [b"/ps/alpha/leaflet.pdf", b"/en/organisations/leaflet.pdf", b"/ar/emergency-card.pdf",
                 b"/ur/print/pack.pdf", b"/xx/alpha/leaflet.pdf", b"/prs/nowhere/leaflet.pdf"]  # fmt: skip
leaflet_queries = st.dictionaries(
    st.sampled_from(["size", "with", "script", "topics"]),
    st.one_of(
        st.sampled_from(["a4", "a5", "A4", "card", "en", "ps", "ur", "xx", "naskh", "nastaliq", "alpha", ""]),
        st.text(max_size=20),
    ),
    max_size=3,
).map(lambda pairs: "&".join(f"{quote(k)}={quote(v)}" for k, v in pairs.items()).encode())


@pytest.mark.parametrize("target", LEAFLET_PATHS)
@given(query=st.one_of(leaflet_queries, queries), headers=header_sets)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_leaflet_addresses_survive_any_query_string_and_headers(shared_app, target, query, headers):
    reply = call(shared_app, target, query, headers)
    assert_sensible(reply, target)
    if reply.status == 200:
        assert reply.headers["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(
    "target",
    [b"/" + b"a" * LONG_INPUT_BYTES, b"/ps/" + b"b" * LONG_INPUT_BYTES + b"/", b"/prs/" + b"%ff" * 3400],
)
def test_over_long_paths_are_a_404_page(shared_app, target):
    reply = call(shared_app, target)
    assert reply.status in {308, 404}
    if reply.status == 404:
        assert_sensible(reply, target)


@pytest.mark.parametrize("header", ["Accept-Language", "Accept-Encoding", "If-None-Match"])
@pytest.mark.parametrize("target", [b"/", b"/ps/", b"/ar/alpha/"])
def test_over_long_headers_still_get_the_page(shared_app, target, header):
    reply = call(shared_app, target, headers={header: b"x," * (LONG_INPUT_BYTES // 2)})
    assert reply.status == 200


@pytest.mark.parametrize("target", [b"/ps/search", b"/ps/organisations/"])
def test_an_over_long_query_string_still_gets_the_page(shared_app, target):
    reply = call(shared_app, target, b"q=" + b"x" * LONG_INPUT_BYTES + b"&city=" + b"y" * LONG_INPUT_BYTES)
    assert reply.status == 200
    assert b'<html lang="ps"' in reply.body


@pytest.mark.parametrize(
    "query",
    [
        b"q=%ff%fe%fd",
        b"q=\xff\xfe",
        b"q=\xd9\xbe\xda\x9a",
        b"city=\xc0\xaf&kind=%c0%af",
        b"q=%e2%80",
        b"\xff=\xff",
    ],
)
@pytest.mark.parametrize("target", [b"/ps/search", b"/prs/organisations/", b"/en/"])
def test_non_utf8_query_strings_get_the_page(shared_app, target, query):
    """Regression: raw non-UTF-8 bytes in the query string made Werkzeug raise (a 500)."""
    reply = call(shared_app, target, query)
    assert reply.status == 200, reply.status


@pytest.mark.parametrize("query", [b"\n", b"q=a\r\nSet-Cookie: x=1", b"q=\x00\x1b\x7f", b"q=a b"])
def test_control_bytes_in_a_query_never_break_a_redirect(shared_app, query):
    """Regression: CR or LF in the query made the 308 to the slashed address a 500."""
    reply = call(shared_app, b"/en", query)
    assert reply.status == 308
    assert "\n" not in reply.headers["Location"] and "\r" not in reply.headers["Location"]
    assert "Set-Cookie" not in reply.headers


def test_a_raw_utf8_query_is_read_as_the_reader_typed_it(shared_app):
    reply = call(shared_app, b"/ps/search", "q=پناه".encode())
    assert reply.status == 200
    assert 'value="پناه"'.encode() in reply.body


@pytest.mark.parametrize(
    ("target", "lang"),
    [
        (b"/\xff\xfe/", "en"),
        (b"/ps/\xff\xfe/", "ps"),
        (b"/prs/%ff/", "fa-AF"),
        (b"/ar/organisations/%c0%af/", "ar"),
        (b"/ur/\x00/", "ur"),
        (b"/%70%73/nowhere/", "ps"),
        (b"/\xd9\xbe/", "en"),
    ],
)
def test_non_utf8_paths_are_a_404_in_the_prefixs_language(shared_app, target, lang):
    reply = call(shared_app, target)
    assert reply.status == 404
    assert HTML_LANG_PATTERN.search(reply.body).group(1).decode() == lang


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
@pytest.mark.parametrize("prefix", ["ps", "en"])
def test_hostile_search_queries_get_a_normal_results_page(shared_app, prefix, query):
    client = shared_app.test_client()
    response = client.get(f"/{prefix}/search", query_string={"q": query})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert f'<html lang="{prefix}"' in body
    assert 'id="results"' in body
    assert "<script>alert" not in body


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(max_size=2000))
def test_any_search_query_gets_a_results_page(shared_app, query):
    response = shared_app.test_client().get("/ar/search", query_string={"q": query})
    assert response.status_code == 200
    assert '<html lang="ar"' in response.get_data(as_text=True)
