"""The front door (issue 30, part 4): what a stranger's request can make the app or gunicorn say.

Redirects never carry the Host header a client sent; the 404 page does not repeat the path;
gunicorn with the project's config writes one log line per request whatever the path holds, sends
no Server header and opens no control socket.
"""

from __future__ import annotations

import http.client

from test_privacy import gunicorn_logs, send_raw  # noqa: F401 (gunicorn_logs is a fixture)

from rightsinfo import gunicorn_conf

LONG_SEGMENT = "a" * 4000
PAGE_MAX_BYTES = 20_000


def test_a_redirect_never_names_the_host_the_client_sent(client):
    response = client.get("/en/alpha", headers={"Host": "evil.example"})
    assert response.status_code in {301, 308}
    assert response.headers["Location"] == "/en/alpha/"


def test_a_redirect_cannot_be_turned_into_another_host_by_slashes(client):
    response = client.get("/", environ_overrides={"PATH_INFO": "//evil.example/en"})
    location = response.headers.get("Location", "")
    assert not location.startswith("//") and "evil.example" not in location.split("/", 3)[2:3]


def test_the_404_page_does_not_repeat_a_long_path(client):
    response = client.get(f"/ps/{LONG_SEGMENT}/")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert len(page.encode()) < PAGE_MAX_BYTES
    assert "a" * 100 not in page
    assert '<html lang="ps" dir="rtl">' in page
    assert 'href="/en/"' in page  # the language links go to each language's home


def request_path(port: int, raw_path: str) -> http.client.HTTPResponse:
    """GET a raw, already-encoded path and return the response (body read)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", raw_path)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def test_a_path_cannot_forge_a_log_line_or_make_the_log_binary(gunicorn_logs):  # noqa: F811
    port, stop = gunicorn_logs
    request_path(port, "/en/alpha/%0a01/Jan/2026:00:00:00%20FORGED")
    request_path(port, "/en/%00nul/")
    request_path(port, "/en/%0d%0aother/")
    access_log, _error_log = stop()
    assert "\x00" not in access_log
    assert not any(
        line.lstrip().startswith(("01/Jan/2026", "FORGED", "other")) for line in access_log.splitlines()
    )
    assert "%0A01/Jan/2026" in access_log and "%00nul" in access_log


def test_gunicorn_sends_no_server_header_and_opens_no_control_socket(gunicorn_logs):  # noqa: F811
    port, stop = gunicorn_logs
    response = request_path(port, "/en/alpha/")
    assert response.status == 200
    assert response.getheader("Server") is None
    assert gunicorn_conf.control_socket_disable is True
    stop()
