"""A new gunicorn worker answers a few requests itself before it takes a reader's (cold-server bench)."""

from __future__ import annotations

import logging

from rightsinfo import gunicorn_conf
from rightsinfo.i18n import LOCALE_BY_PREFIX


def test_a_new_worker_warms_its_pages_before_it_takes_requests(app):
    asked: list[str] = []

    def recording_app(environ, start_response):
        asked.append(environ["PATH_INFO"])
        return app.wsgi_app(environ, start_response)

    gunicorn_conf.warm_up(recording_app, logging.getLogger("test"))
    assert asked == list(gunicorn_conf.WARM_UP_PATHS)


def test_a_worker_still_starts_when_warming_fails(caplog):
    def broken_app(environ, start_response):
        raise RuntimeError("nothing is built yet")

    with caplog.at_level(logging.WARNING):
        gunicorn_conf.warm_up(broken_app, logging.getLogger("test"))
    assert "warming /en/ failed: nothing is built yet" in caplog.text


def test_a_warmed_worker_answers_a_save_s_first_requests_from_its_cache(app):
    """Saving a language asks for its home page and service worker: neither is made on the saver's time."""
    gunicorn_conf.warm_up(app, logging.getLogger("test"))
    made: list[str] = []

    def recording(view):
        def answer(**kwargs):
            made.append(kwargs["lang"])
            return view(**kwargs)

        return answer

    for endpoint in ("pages.home", "offline.service_worker"):
        app.view_functions[endpoint] = recording(app.view_functions[endpoint])
    client = app.test_client()
    for prefix in LOCALE_BY_PREFIX:
        for path in (f"/{prefix}/", f"/{prefix}/sw.js"):
            assert client.get(path, headers={"Accept-Encoding": "br"}).status_code == 200
    assert made == []
