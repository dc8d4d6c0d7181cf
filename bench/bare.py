"""The smallest WSGI app gunicorn can serve: one cached page's exact bytes and headers, every time.

``make bench`` serves it with the same gunicorn config as the site and compares: if the site's page
cache answers as fast as this, a cached page costs no more than the bare server returning bytes.
The response is read once per worker from the JSON file named by ``BENCH_BARE_RESPONSE``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

RESPONSE_FILE_ENV = "BENCH_BARE_RESPONSE"
HEADERS_GUNICORN_ADDS = {"Date", "Server", "Connection"}


def save_response(headers: dict[str, str], body: bytes, folder: Path) -> Path:
    """Save a page's headers and body for the bare app; return the file to name in RESPONSE_FILE_ENV."""
    body_path = folder / "bare-body"
    body_path.write_bytes(body)
    kept = [[name, value] for name, value in headers.items() if name not in HEADERS_GUNICORN_ADDS]
    saved = folder / "bare-response.json"
    saved.write_text(json.dumps({"headers": kept, "body_path": str(body_path)}), encoding="utf-8")
    return saved


def load_response() -> tuple[list[tuple[str, str]], bytes]:
    """Return the headers and body to send, saved by ``bench.run`` from the real page."""
    saved = json.loads(Path(os.environ[RESPONSE_FILE_ENV]).read_text(encoding="utf-8"))
    return [tuple(pair) for pair in saved["headers"]], Path(saved["body_path"]).read_bytes()


HEADERS, BODY = load_response() if RESPONSE_FILE_ENV in os.environ else ([], b"")


def app(environ: dict, start_response: Callable) -> list[bytes]:
    """Answer every request with the saved page."""
    start_response("200 OK", HEADERS)
    return [BODY]
