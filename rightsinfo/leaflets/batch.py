"""Rendering many leaflets at once: in this process, or in a pool of processes, one per core.

WeasyPrint lays out in pure Python under the GIL, so threads would not help: each worker is a
process of its own that creates the app and loads the fonts once (``start_worker``), then renders the
leaflets it is handed. Results come back as they finish; the caller writes them, so the output is the
same files with the same names whatever the number of processes. The first leaflet that fails stops
the batch with a ``LeafletFailed`` that names it.
"""

from __future__ import annotations

import importlib
import logging
import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed

from flask import Flask

from rightsinfo.config import SETTINGS
from rightsinfo.leaflets.context import document_html
from rightsinfo.leaflets.model import Leaflet
from rightsinfo.leaflets.render import RENDERER

# A fresh interpreter per worker: forking a parent that holds database connections, threads or
# half-initialised Pango state is not safe, and the worker loads its own fonts anyway.
START_METHOD = "spawn"

# The app of this worker process, made once by start_worker.
worker_app: Flask | None = None


class LeafletFailed(Exception):
    """One leaflet of a batch could not be rendered; the message names it and says why."""

    def __init__(self, leaflet: Leaflet, cause: BaseException):
        super().__init__(f"{leaflet.filename}: {type(cause).__name__}: {cause}")
        self.leaflet = leaflet


def available_cores() -> int:
    """Return how many cores this process may run on (its CPU affinity, else the CPU count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worker_settings(app: Flask) -> dict:
    """Return the settings that recreate this app in another process."""
    settings = {setting.name: app.config[setting.name] for setting in SETTINGS}
    settings["INSTANCE_PATH"] = app.instance_path
    settings["TESTING"] = app.testing
    return settings


def start_worker(package: str, settings: dict, niceness: int = 0) -> None:
    """Create the app and load the fonts, once for the life of a worker process (at a lower priority).

    The app's package is found by its name (the parent app's ``import_name``), as ``flask --app`` and
    gunicorn find it: an ``import`` of it here would close a circle, since its command line imports
    this module.
    """
    global worker_app
    os.nice(niceness)
    # The parent has already said whatever create_app warns about (the placeholder address);
    # every worker repeating it would bury the progress bar.
    logging.getLogger("rightsinfo").setLevel(logging.ERROR)
    worker_app = importlib.import_module(package).create_app(settings)
    RENDERER.load()


def job_html(app: Flask, leaflet: Leaflet) -> tuple[str, str]:
    """Return one leaflet's HTML and base address, made outside any request."""
    with app.test_request_context(f"/{leaflet.lang}/print/"):
        app.preprocess_request()
        return document_html(leaflet)


def render_job(app: Flask, leaflet: Leaflet) -> bytes:
    """Render one leaflet to PDF bytes, outside any request (no cache, no render slots)."""
    return RENDERER.render(*job_html(app, leaflet))


def render_in_worker(leaflet: Leaflet) -> bytes:
    """Render one leaflet with this worker's app."""
    return render_job(worker_app, leaflet)


def render_in_process(app: Flask, jobs: list[Leaflet]) -> Iterator[tuple[Leaflet, bytes]]:
    """Render the leaflets one after another in this process, yielding each with its PDF."""
    for leaflet in jobs:
        try:
            body = render_job(app, leaflet)
        except Exception as error:
            raise LeafletFailed(leaflet, error) from error
        yield leaflet, body


def render_in_pool(
    app: Flask, jobs: list[Leaflet], processes: int, niceness: int = 0
) -> Iterator[tuple[Leaflet, bytes]]:
    """Render the leaflets in ``processes`` worker processes, yielding each as soon as it is done.

    ``niceness`` lowers the workers' priority, for renders beside a server whose pages come first.
    """
    executor = ProcessPoolExecutor(
        max_workers=processes,
        mp_context=multiprocessing.get_context(START_METHOD),
        initializer=start_worker,
        initargs=(app.import_name, worker_settings(app), niceness),
    )
    try:
        pending: dict[Future, Leaflet] = {executor.submit(render_in_worker, job): job for job in jobs}
        for future in as_completed(pending):
            leaflet = pending[future]
            error = future.exception()
            if error is not None:
                raise LeafletFailed(leaflet, error) from error
            yield leaflet, future.result()
    finally:
        # On a failure (or the caller stopping early) nothing new starts; running renders finish.
        executor.shutdown(wait=True, cancel_futures=True)


def render_all(app: Flask, jobs: list[Leaflet], processes: int) -> Iterator[tuple[Leaflet, bytes]]:
    """Render every leaflet, in this process when ``processes`` is 1, else in a pool of processes."""
    processes = min(processes, len(jobs))
    if processes <= 1:
        return render_in_process(app, jobs)
    return render_in_pool(app, jobs, processes)
