"""Leaflet requests never hold the threads that serve pages (issue 30, part 2).

A worker renders at most its slots' worth of leaflets and lets one more request wait; every other
request for a leaflet that is not rendered yet is answered at once with 503, Retry-After and a page
in the reader's language, and the render itself runs in another process.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from rightsinfo import db, errors, gunicorn_conf, serving
from rightsinfo.leaflets import cache, refuse, render, views
from rightsinfo.site import site_of

WAIT_SECONDS = 5.0
AT_ONCE_SECONDS = 1.0


def warm_up(app) -> None:
    """Render one leaflet first, so that the render process and the worker's first-request work are done."""
    assert app.test_client().get("/en/about/leaflet.pdf").status_code == 200


def hold(claim, ready: threading.Event, release: threading.Event) -> None:
    """Hold a render slot (or wait for one) until told to let go."""
    try:
        with claim():
            ready.set()
            release.wait(60)
    except render.LeafletsBusy:
        ready.set()


@contextmanager
def every_slot_taken(slots) -> Iterator[None]:
    """Hold every render slot of a worker and its one waiter, as a flood of new packs does."""
    slots.wait_seconds = WAIT_SECONDS
    release = threading.Event()
    holders = [threading.Thread(target=hold, args=(slots.claim, threading.Event(), release))
               for _slot in range(slots.limit + 1)]  # fmt: skip
    for holder in holders:
        holder.start()
    deadline = time.monotonic() + WAIT_SECONDS
    while not slots.full() and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        assert slots.full()
        yield
    finally:
        release.set()
        for holder in holders:
            holder.join()


def test_a_request_that_cannot_render_or_wait_is_answered_at_once(app):
    warm_up(app)
    slots = site_of(app).leaflet_slots
    slots.wait_seconds = WAIT_SECONDS
    rendering, release = threading.Event(), threading.Event()
    renderer = threading.Thread(target=hold, args=(slots.claim, rendering, release))
    renderer.start()
    rendering.wait(5)
    waiter = threading.Thread(target=hold, args=(slots.claim, threading.Event(), release))
    waiter.start()
    time.sleep(0.2)  # the waiter is now waiting for the slot
    try:
        started = time.monotonic()
        response = app.test_client().get("/ps/alpha/leaflet.pdf?size=a4", headers={"Accept": "text/html"})
        elapsed = time.monotonic() - started
    finally:
        release.set()
        renderer.join()
        waiter.join()
    assert response.status_code == 503
    assert elapsed < AT_ONCE_SECONDS, f"a third request waited {elapsed:.2f} s for a render slot"
    assert 0 < int(response.headers["Retry-After"]) <= 10
    page = response.get_data(as_text=True)
    assert '<html lang="ps" dir="rtl">' in page
    assert "Please try again soon" not in page  # the leaflet page is translated, not the generic one


def test_the_busy_leaflet_page_says_leaflets_are_being_prepared(app):
    warm_up(app)
    slots = site_of(app).leaflet_slots
    slots.wait_seconds = 0.0
    rendering, release = threading.Event(), threading.Event()
    renderer = threading.Thread(target=hold, args=(slots.claim, rendering, release))
    renderer.start()
    rendering.wait(5)
    try:
        response = app.test_client().get("/en/alpha/leaflet.pdf?size=a4")
    finally:
        release.set()
        renderer.join()
    assert response.status_code == 503
    assert "preparing leaflets" in response.get_data(as_text=True)
    assert "try again in a few seconds" in response.get_data(as_text=True)


def test_a_leaflet_is_rendered_in_another_process(app, monkeypatch):
    pids = []
    real_render = render.RENDER_PROCESS.render

    def noting_pid(html: str, base_url: str) -> bytes:
        body = real_render(html, base_url)
        pids.append(render.RENDER_PROCESS.pid())
        return body

    monkeypatch.setattr(render.RENDER_PROCESS, "render", noting_pid)
    response = app.test_client().get("/en/beta/leaflet.pdf?size=a4")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    assert pids and all(pid != os.getpid() for pid in pids)


def must_not_run(*args, **kwargs):
    """Stand in for work that must not run in this process or in this request."""
    raise AssertionError("work that must not run here ran")


def test_a_refused_pack_request_renders_nothing(app, monkeypatch):
    views.busy_page.cache_clear()  # as in a new worker, whatever other tests made
    gunicorn_conf.warm_up(app, logging.getLogger("test"))  # what a worker does before it takes requests
    monkeypatch.setattr(views, "document_html", must_not_run)
    monkeypatch.setattr(views, "render_elsewhere", must_not_run)
    monkeypatch.setattr(errors, "render_template", must_not_run)  # the busy page was made at warm-up
    monkeypatch.setattr(db, "topic_pages", must_not_run)  # the pack's topics are checked by slug alone
    with every_slot_taken(site_of(app).leaflet_slots):
        response = app.test_client().get("/ps/print/pack.pdf?size=a4&topics=alpha&topics=beta")
    assert response.status_code == 503
    assert 0 < int(response.headers["Retry-After"]) <= 10
    page = response.get_data(as_text=True)
    assert '<html lang="ps" dir="rtl">' in page
    assert "Please try again soon" not in page  # the leaflet page, not the generic one


def test_a_worker_compiles_the_leaflet_templates_before_it_takes_requests(app, monkeypatch):
    gunicorn_conf.warm_up(app, logging.getLogger("test"))
    monkeypatch.setattr(app.jinja_env, "compile", must_not_run)  # a first pack compiled 0.4-1.1 s
    response = app.test_client().get("/en/print/pack.pdf?size=a4&topics=alpha&topics=beta")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")


def test_render_processes_run_at_the_lowest_priority(app):
    assert os.getpriority(os.PRIO_PROCESS, render.RENDER_PROCESS.pid()) == 19


def test_a_worker_leaves_trimming_the_leaflet_cache_to_its_render_process(app, monkeypatch):
    handed = []
    monkeypatch.setattr(cache, "trim", must_not_run)  # not here: a trim stats every file of the folder
    monkeypatch.setattr(render.RENDER_PROCESS, "run_later", lambda function, *args: handed.append(args))
    response = app.test_client().get("/en/beta/leaflet.pdf?size=a5")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    assert len(handed) == 1


def test_render_slots_are_full_only_when_every_slot_renders_and_one_waits():
    slots = render.RenderSlots(limit=1, wait_seconds=WAIT_SECONDS)
    assert not slots.full()
    with slots.claim():
        assert not slots.full()  # a second request would still wait
    with every_slot_taken(slots):
        assert slots.full()
    assert not slots.full()


def refuse_pack(client, topics: str, method: str = "GET"):
    """Ask for a pack of chosen topics in Pashto."""
    return client.open(f"/ps/print/pack.pdf?size=a5&{topics}", method=method)


def test_a_flood_of_new_packs_is_refused_before_flask_after_the_first_refusal(app, monkeypatch):
    client = app.test_client()
    with every_slot_taken(site_of(app).leaflet_slots):
        first = refuse_pack(client, "topics=alpha")
        monkeypatch.setitem(app.view_functions, "leaflets.print_pack", must_not_run)
        monkeypatch.setattr(db, "topic_slugs", must_not_run)
        later = [refuse_pack(client, topics) for topics in ("topics=beta", "topics=alpha&topics=beta&x=1")]
        head = refuse_pack(client, "topics=beta", method="HEAD")
    assert first.status_code == 503
    assert '<html lang="ps" dir="rtl">' in first.get_data(as_text=True)
    assert "Please try again soon" not in first.get_data(as_text=True)  # the leaflets' busy page
    for response in [*later, head]:
        assert response.status_code == 503
        assert response.headers == first.headers  # Retry-After, the build, the security headers
    assert all(response.data == first.data for response in later)
    assert head.data == b""


def test_single_leaflets_and_the_all_topics_pack_reach_the_view_while_the_slots_are_full(app, monkeypatch):
    reached = []

    def noting(view_name):
        def view(**kwargs):
            reached.append(view_name)
            return "from the view"

        return view

    client = app.test_client()
    with every_slot_taken(site_of(app).leaflet_slots):
        refuse_pack(client, "topics=alpha")  # the refusal the layer keeps
        for name in ("leaflets.print_pack", "leaflets.page_leaflet"):
            monkeypatch.setitem(app.view_functions, name, noting(name))
        asked = [
            client.get("/ps/print/pack.pdf?all=1&size=a4"),  # made at publish: found on disk
            client.get("/ps/print/pack.pdf?size=a4"),  # no topic: the form again, saying so
            client.get("/ps/alpha/leaflet.pdf"),
            client.post("/ps/print/pack.pdf?topics=alpha"),
        ]
    assert reached == ["leaflets.print_pack", "leaflets.print_pack", "leaflets.page_leaflet"]
    assert [response.status_code for response in asked] == [200, 200, 200, 405]


def fake_flask(version: list[str], calls: list[str]):
    """Stand in for Flask: refuse every request, naming the build it read."""

    def app(environ, start_response):
        calls.append(environ["PATH_INFO"])
        headers = [(serving.VERSION_HEADER, version[0]), ("Retry-After", "5")]
        start_response("503 SERVICE UNAVAILABLE", headers)
        return [f"busy, build {version[0]}".encode()]

    return app


class FullSlots:
    """Render slots that are always full."""

    def full(self) -> bool:
        return True


def test_a_kept_refusal_is_never_sent_for_another_build():
    version, calls = ["one"], []
    layer = refuse.RefuseWhenBusy(fake_flask(version, calls), FullSlots(), lambda: version[0])
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/ps/print/pack.pdf", "QUERY_STRING": "topics=alpha"}

    def body() -> bytes:
        return b"".join(layer(dict(environ), lambda status, headers, exc_info=None: None))

    assert [body(), body()] == [b"busy, build one", b"busy, build one"]
    assert len(calls) == 1  # the second was answered by the layer
    version[0] = "two"  # a rebuild landed
    assert [body(), body()] == [b"busy, build two", b"busy, build two"]
    assert len(calls) == 2
