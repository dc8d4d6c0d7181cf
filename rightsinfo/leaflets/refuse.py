"""Refusing a pack of chosen topics before Flask while this worker's render slots are all taken.

About 800,000 packs of chosen topics exist, so a flood of distinct ones always finds the slots taken,
and its refusals are all the work it makes. Through Flask a refusal cost about 0.5 ms of a worker's
interpreter, a hundred times a cached page, and the readers' pages queued behind thousands of them: at
a reader's pace their median rose from 1.5 ms to 14-44 ms during a flood (issue 30).

So this layer answers them before Flask. The first refusal of a build and language still goes
through the view, which makes the "preparing leaflets" page in the reader's language; its whole
answer (status, headers, page) is kept and sent as it is to every later refusal of that build and
language, to a HEAD without the page. A rebuild changes the build, so an answer is never sent for
another build than the one the worker serves.

Only packs of chosen topics are refused here. Single leaflets and the "All topics" pack are few and
made at publish, so they go on to the view, which finds them on disk. A pack of chosen topics that
an earlier request had made is refused too while the slots are taken: finding it on disk first
would take the view's work, which is what this layer saves.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import parse_qsl

from rightsinfo.leaflets.render import RenderSlots
from rightsinfo.serving import VERSION_HEADER

PACK_PATH = re.compile(r"/([^/]+)/print/pack\.pdf")


@dataclass(frozen=True)
class Refusal:
    """The view's whole answer to a refused pack request, kept to be sent again."""

    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes


def chosen_topics_pack(environ: dict) -> str | None:
    """Return the language of a GET or HEAD for a pack of chosen topics (not "All topics"), else None."""
    if environ.get("REQUEST_METHOD") not in {"GET", "HEAD"}:
        return None
    match = PACK_PATH.fullmatch(environ.get("PATH_INFO", ""))
    if match is None:
        return None
    names = {name for name, _value in parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)}
    return match.group(1) if "topics" in names and "all" not in names else None


class RefuseWhenBusy:
    """WSGI layer in front of Flask that refuses packs of chosen topics while the render slots are full."""

    def __init__(self, app: Callable, slots: RenderSlots, version_of: Callable[[], str]):
        self.app = app
        self.slots = slots
        self.version_of = version_of
        self._lock = threading.Lock()
        self._kept: dict[tuple[str, str], Refusal] = {}

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        """Send the kept refusal when the slots are full; pass everything else to Flask."""
        lang = chosen_topics_pack(environ)
        if lang is None or not self.slots.full():
            return self.app(environ, start_response)
        refusal = self._kept.get((lang, self.version_of()))
        if refusal is None:
            return self.refuse_through_flask(lang, environ, start_response)
        start_response(refusal.status, list(refusal.headers))
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [refusal.body]

    def refuse_through_flask(self, lang: str, environ: dict, start_response: Callable) -> list[bytes]:
        """Let the view answer, and keep its answer if it was a refusal of a GET (a HEAD has no page)."""
        answered: dict = {}

        def noting_start_response(status, headers, exc_info=None):
            answered.update(status=status, headers=tuple(headers))
            return start_response(status, headers, exc_info)

        body_parts = self.app(environ, noting_start_response)
        try:
            body = b"".join(body_parts)
        finally:
            if hasattr(body_parts, "close"):
                body_parts.close()
        version = dict(answered["headers"]).get(VERSION_HEADER)
        if answered["status"].startswith("503") and environ["REQUEST_METHOD"] == "GET" and version:
            self.keep(lang, version, Refusal(answered["status"], answered["headers"], body))
        return [body]

    def keep(self, lang: str, version: str, refusal: Refusal) -> None:
        """Keep a refusal for its language and build, forgetting those of any other build."""
        with self._lock:
            kept = {key: value for key, value in self._kept.items() if key[1] == version}
            kept[(lang, version)] = refusal
            self._kept = kept
