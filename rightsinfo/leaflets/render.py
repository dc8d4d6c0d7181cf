"""Rendering: one WeasyPrint font configuration per process, and the render process a web worker uses.

Each process keeps one ``FontConfiguration`` (loading the fonts costs a second; a render with them
loaded, a few tenths) behind a lock, because it is not safe to share between threads. A web worker
never lays a leaflet out on its own threads: WeasyPrint holds the GIL for the whole render, which
would stall every page the worker serves. It hands the HTML to its render process (``render_elsewhere``)
instead. At most ``LEAFLET_MAX_CONCURRENT_RENDERS`` requests per worker render at once and one more may
wait, for up to ``LEAFLET_QUEUE_WAIT_SECONDS``; any other is answered ``503`` at once, so a burst of PDF
requests never holds the threads that serve pages. A leaflet loads nothing but this package's fonts
and stylesheet.
"""

from __future__ import annotations

import atexit
import gc
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
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

    def render(self, html: str, base_url: str) -> bytes:
        """Render leaflet HTML to PDF bytes with this process's fonts."""
        with self._lock:
            with collector_paused():
                pdf = tagged_text.write_pdf(self._lay_out(html, base_url))
            # A render leaves reference cycles (boxes, layouts) that hold Pango and HarfBuzz memory
            # the collector does not count, so its rare full passes let a worker grow by megabytes
            # between them. One pass now costs a few milliseconds, as the loaded part is frozen.
            gc.collect()
            return pdf


RENDERER = Renderer()
atexit.register(RENDERER.close)

# A fresh interpreter for the render process: forking a web worker that holds threads and open
# connections is not safe.
RENDER_PROCESS_START_METHOD = "spawn"
RENDER_PROCESS_NICENESS = 19  # added to the worker's, up to the lowest priority there is: pages first


def start_render_process() -> None:
    """Yield the CPU to the pages, then load the fonts once, so that no request waits for them.

    On a small server the render processes and the web workers share two cores: at a lower
    priority a burst of renders takes what the pages leave, instead of an equal share.
    """
    os.nice(RENDER_PROCESS_NICENESS)
    RENDERER.load()


def render_pdf(html: str, base_url: str) -> bytes:
    """Render leaflet HTML to PDF bytes in this process (the render process's task)."""
    return RENDERER.render(html, base_url)


class RenderProcess:
    """This worker's render processes, started at the first render and restarted if one dies."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None
        self.processes = 1

    def _executor(self) -> ProcessPoolExecutor:
        """Return the pool, starting it if there is none."""
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    max_workers=self.processes,
                    mp_context=multiprocessing.get_context(RENDER_PROCESS_START_METHOD),
                    initializer=start_render_process,
                )
            return self._pool

    def start(self) -> None:
        """Start the render process now and let it load the fonts, without waiting for it."""
        self._executor().submit(os.getpid)

    def render(self, html: str, base_url: str) -> bytes:
        """Render in a render process; a process that died is replaced, and this render reported busy."""
        pool = self._executor()
        try:
            return pool.submit(render_pdf, html, base_url).result()
        except BrokenProcessPool as error:
            with self._lock:
                if self._pool is pool:
                    self._pool = None
            raise LeafletsBusy from error

    def run_later(self, function: Callable[..., None], *args) -> None:
        """Run a module-level function in a render process, at its low priority, without waiting for it."""
        self._executor().submit(function, *args)

    def pid(self) -> int:
        """Return the process id of a render process (for checks that renders leave the worker)."""
        return self._executor().submit(os.getpid).result()

    def close(self) -> None:
        """Stop the render processes (at exit)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


RENDER_PROCESS = RenderProcess()
atexit.register(RENDER_PROCESS.close)


def render_elsewhere(html: str, base_url: str) -> bytes:
    """Render leaflet HTML to PDF bytes in this worker's render process, off the page-serving threads."""
    return RENDER_PROCESS.render(html, base_url)


class RenderSlots:
    """At most ``limit`` requests of one worker rendering and one waiting; the rest are refused at once.

    The counts are plain numbers under one condition, so ``full`` can say whether a claim would be
    refused without taking anything: the layer that refuses packs before Flask asks it (``refuse``).
    """

    def __init__(self, limit: int, wait_seconds: float):
        self.limit = max(1, limit)
        self.wait_seconds = wait_seconds
        self._changed = threading.Condition()
        self.rendering = 0
        self.waiting = 0

    def full(self) -> bool:
        """Return whether a claim now would be refused: every slot rendering and the one waiter waiting.

        Read without the lock: a claim that slips past in the moment it changes is refused by
        ``claim`` itself, and one refused here in that moment would have been refused there.
        """
        return self.rendering >= self.limit and self.waiting >= 1

    def _take(self) -> bool:
        """Take a slot, at once or as this worker's one waiter; False if another waits or time runs out."""
        with self._changed:
            if self.rendering < self.limit:
                self.rendering += 1
                return True
            if self.waiting:
                return False
            self.waiting = 1
            try:
                if not self._changed.wait_for(lambda: self.rendering < self.limit, self.wait_seconds):
                    return False
                self.rendering += 1
                return True
            finally:
                self.waiting = 0

    @contextmanager
    def claim(self) -> Iterator[None]:
        """Hold a render slot while rendering; raise LeafletsBusy when none can be had."""
        if not self._take():
            raise LeafletsBusy
        try:
            yield
        finally:
            with self._changed:
                self.rendering -= 1
                self._changed.notify()
