"""The site with every leaflet render slowed past the service worker's offline timeout.

A browser test serves this with gunicorn (``tests.slow_leaflets:app``) to see a print pack that takes
longer than ``SW_NETWORK_TIMEOUT_MS`` arrive as a PDF, as a first pack of all topics does on a real
server, without waiting for a really long render.
"""

from __future__ import annotations

import time

from rightsinfo.leaflets import views
from wsgi import app

# Longer than SW_NETWORK_TIMEOUT_MS (4 s) in templates/sw.js.
SLOW_RENDER_SECONDS = 6.0
real_render = views.render_elsewhere


def slow_render(*args, **kwargs) -> bytes:
    """Render a leaflet after waiting, as a long pack on a small server would take.

    A worker hands renders to its render process through ``views.render_elsewhere``: the wait goes
    there, in the worker, holding the render slot as a long render does.
    """
    time.sleep(SLOW_RENDER_SECONDS)
    return real_render(*args, **kwargs)


views.render_elsewhere = slow_render
__all__ = ["app"]
