"""The site with every leaflet render slowed past the service worker's offline timeout.

A browser test serves this with gunicorn (``tests.slow_leaflets:app``) to see a print pack that takes
longer than ``SW_NETWORK_TIMEOUT_MS`` arrive as a PDF, as a first pack of all topics does on a real
server, without waiting for a really long render.
"""

from __future__ import annotations

import time

from rightsinfo.leaflets.render import RENDERER
from wsgi import app

# Longer than SW_NETWORK_TIMEOUT_MS (4 s) in templates/sw.js.
SLOW_RENDER_SECONDS = 6.0
real_render = RENDERER.render


def slow_render(*args, **kwargs) -> bytes:
    """Render a leaflet after waiting, as a long pack on a small server would take."""
    time.sleep(SLOW_RENDER_SECONDS)
    return real_render(*args, **kwargs)


RENDERER.render = slow_render
__all__ = ["app"]
