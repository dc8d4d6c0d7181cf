"""Rendering: one WeasyPrint font configuration per worker, used by one thread at a time.

Each worker process keeps one ``FontConfiguration`` (loading the fonts costs a second; a render with
them loaded, a few tenths) behind a lock, because it is not safe to share between threads, and at most
``LEAFLET_MAX_CONCURRENT_RENDERS`` requests per worker may be rendering or waiting to render. Others
wait up to ``LEAFLET_QUEUE_WAIT_SECONDS`` and then get ``503``, so a burst of PDF requests never
starves the pages. A leaflet loads nothing but this package's fonts and stylesheet.
"""

from __future__ import annotations

import atexit
import gc
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rightsinfo.bidi import isolate_html
from rightsinfo.leaflets import tagged_text

PACKAGE_DIR = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"
FONTS_DIR = PACKAGE_DIR / "fonts"
STYLESHEET_PATH = TEMPLATES_DIR / "leaflet.css"


@contextmanager
def collector_paused() -> Iterator[None]:
    """Keep the cyclic collector from running inside a block; the caller collects once afterwards.

    A render allocates hundreds of thousands of boxes and styles that mostly die by reference
    counting, yet every 700 allocations trigger a collection that walks whatever the render holds so
    far: dozens of passes per render, some of them over older generations, for garbage one pass at the
    end finds as well.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class LeafletsBusy(Exception):
    """Every render slot of this worker stayed taken for the whole wait."""


class LocalFilesOnly:
    """URL fetcher that reads only this package's fonts and stylesheet: a leaflet never goes online."""

    def __call__(self, url: str):
        """Return a local font or stylesheet; refuse every other address."""
        from weasyprint.urls import URLFetcher

        if not url.startswith("file://"):
            raise ValueError(f"leaflets load no remote resources: {url}")
        path = Path(url.removeprefix("file://").split("?", 1)[0]).resolve()
        if not (path.is_relative_to(FONTS_DIR) or path.is_relative_to(TEMPLATES_DIR)):
            raise ValueError(f"leaflets load only their own fonts: {url}")
        return URLFetcher(allowed_protocols={"file"}).fetch(path.as_uri())


class Renderer:
    """A worker's single WeasyPrint font configuration and parsed stylesheet, behind a lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._fonts = None
        self._stylesheet = None

    def _load(self) -> None:
        """Load the fonts and parse the stylesheet once, on the first render of this process."""
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        tagged_text.install()
        self._fonts = FontConfiguration()
        self._stylesheet = CSS(
            filename=str(STYLESHEET_PATH), font_config=self._fonts, url_fetcher=LocalFilesOnly()
        )
        # A render makes hundreds of thousands of objects, so the cyclic collector runs many times
        # per render, and each full pass walked everything loaded so far (WeasyPrint, the fonts, the
        # app): a tenth of a render's time. Whatever lives now lives as long as the process, so it
        # is moved out of the collector's sight; each render's own garbage is still collected.
        gc.collect()
        gc.freeze()

    def load(self) -> None:
        """Load the fonts and parse the stylesheet now, unless this process already has."""
        with self._lock:
            if self._fonts is None:
                self._load()

    def close(self) -> None:
        """Drop the fonts while the interpreter is still whole (WeasyPrint cleans up in __del__)."""
        with self._lock:
            self._fonts = self._stylesheet = None

    def _lay_out(self, html: str, base_url: str):
        """Lay leaflet HTML out into WeasyPrint pages with this worker's fonts (the lock is held)."""
        from weasyprint import HTML

        if self._fonts is None:
            self._load()
        # Latin names inside right-to-left text keep their order, as on the web pages.
        source = HTML(string=isolate_html(html), base_url=base_url, url_fetcher=LocalFilesOnly())
        return source.render(stylesheets=[self._stylesheet], font_config=self._fonts)

    def lay_out(self, html: str, base_url: str):
        """Return the laid-out WeasyPrint document a render would print (for checks of the layout)."""
        with self._lock:
            return self._lay_out(html, base_url)

    def render(self, html: str, base_url: str, timeout_seconds: float = -1) -> bytes:
        """Render leaflet HTML to PDF bytes; raise LeafletsBusy if the lock stays taken too long."""
        if not self._lock.acquire(timeout=timeout_seconds):
            raise LeafletsBusy
        try:
            with collector_paused():
                pdf = tagged_text.write_pdf(self._lay_out(html, base_url))
            # A render leaves reference cycles (boxes, layouts) that hold Pango and HarfBuzz memory
            # the collector does not count, so its rare full passes let a worker grow by megabytes
            # between them. One pass now costs a few milliseconds, as the loaded part is frozen.
            gc.collect()
            return pdf
        finally:
            self._lock.release()


RENDERER = Renderer()
atexit.register(RENDERER.close)


class RenderSlots:
    """At most ``limit`` requests of one worker rendering or queued to render; the rest wait briefly."""

    def __init__(self, limit: int, wait_seconds: float):
        self.semaphore = threading.BoundedSemaphore(max(1, limit))
        self.wait_seconds = wait_seconds

    @contextmanager
    def claim(self) -> Iterator[float]:
        """Hold a slot while rendering, yielding the deadline; raise LeafletsBusy after the wait."""
        deadline = time.monotonic() + self.wait_seconds
        if not self.semaphore.acquire(timeout=self.wait_seconds):
            raise LeafletsBusy
        try:
            yield deadline
        finally:
            self.semaphore.release()
