"""The pack flood of the bench asks for what it says: packs of every language and size, each once; and
the page at a reader's pace is asked for at that pace."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from bench import pack_flood
from bench.pack_flood import PACK_SIZES, pack_urls
from rightsinfo.i18n import languages


def test_the_flood_asks_for_distinct_packs_in_every_language_and_size(app):
    urls = pack_urls(Path(app.instance_path))
    assert len(set(urls)) == len(urls), "the flood asks for some packs more than once"
    asked = {(urlsplit(url).path.split("/")[1], parse_qs(urlsplit(url).query)["size"][0]) for url in urls}
    assert asked == {(language.prefix, size) for language in languages() for size in PACK_SIZES}


def local_server(delay_seconds: float) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Start a local HTTP server that answers every GET with a few bytes after ``delay_seconds``."""

    class Answer(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            time.sleep(delay_seconds)
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


@pytest.fixture
def quiet_server() -> Iterator[str]:
    """Yield the address of a local HTTP server that answers every GET with a few bytes at once."""
    server, address = local_server(0.0)
    yield address + "/"
    server.shutdown()


def test_a_pack_answered_slowly_is_counted_as_answered_not_as_an_error(tmp_path, monkeypatch):
    # A pack rendered during the flood takes seconds; wrk's own 2 s limit counted each as an error.
    server, address = local_server(2.5)
    urls = tmp_path / "urls.txt"
    urls.write_text("/ps/print/pack.pdf?size=a5&topics=asylum\n", encoding="utf-8")
    monkeypatch.setattr(pack_flood, "FLOOD_SECONDS", 1.0)
    monkeypatch.setattr(pack_flood, "FLOOD_LEAD_SECONDS", 1.0)
    monkeypatch.setattr(pack_flood, "FLOOD_CONNECTIONS", 2)
    try:
        figures = pack_flood.finish_flood(pack_flood.start_flood(address, urls))
    finally:
        server.shutdown()
    assert figures["socket_errors"] == 0
    assert figures["answered_200"] >= 2


def test_the_readers_pace_waits_between_requests(quiet_server, monkeypatch):
    # As fast as answered, wrk asks thousands of times a second; at the pace, each connection asks at
    # most once per pace (plus its first request).
    monkeypatch.setattr(pack_flood, "FLOOD_SECONDS", 2.0)
    monkeypatch.setattr(pack_flood, "READER_CONNECTIONS", 2)
    monkeypatch.setattr(pack_flood, "READER_PACE_MS", 250)
    result = pack_flood.run_at_readers_pace(quiet_server, {})
    assert 2 <= result.requests <= 2 * (2000 // 250 + 1)
