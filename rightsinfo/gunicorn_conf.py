"""gunicorn settings (Procfile and `make run`): privacy-preserving access log, sized for 2 cores.

The access log never records who asked or what they searched for: no client address (%(h)s), no
user agent (%(a)s), no referrer (%(f)s) and no query string (%(U)s is the path alone, with its
control and non-ASCII bytes percent-encoded, so a ``%0a`` in an address cannot forge a log line nor a
``%00`` make the log binary to grep). gunicorn's own error log would quote the client's address and
request line for a malformed request and the full address for a failing one, so ``PrivateLogger``
removes those too. gunicorn is never exposed directly: nginx sits in front (``deploy/``, DEPLOY.md).
"""

import logging
import multiprocessing
import re
import subprocess
import sys

import gunicorn.http.wsgi
from gunicorn.glogging import Logger

from rightsinfo.config import load_settings, placeholder_address_warning
from rightsinfo.i18n import LOCALE_BY_PREFIX
from rightsinfo.serving import printable_ascii

ACCESS_LOG_FORMAT_WITHOUT_CLIENT_DATA = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
INVALID_REQUEST_PREFIX = "Invalid request from"
PUBLISH_COMMAND = (sys.executable, "-m", "rightsinfo.publish")
QUERY_STRING_PATTERN = re.compile(r"\?[^\s'\"]*")
# Every language's home page and service worker: what saving a language for offline asks for that is
# made on request (the static files and the pack are files). Compressing the worker script alone costs
# a cold worker 50-140 ms (brotli at its highest quality), on the first saver's time. And /translators/.
WARM_UP_PATHS = (
    *(path for prefix in LOCALE_BY_PREFIX for path in (f"/{prefix}/", f"/{prefix}/sw.js")),
    "/translators/",
)


def without_client_data(message: str) -> str:
    """Return a log message without the client's address, quoted request text or query string."""
    if message.startswith(INVALID_REQUEST_PREFIX):
        reason = message.split(": ", 1)[1] if ": " in message else ""
        quoted = re.split(r"['\"]", reason, maxsplit=1)
        return f"Invalid request: {quoted[0].strip()}" + (" '…'" if len(quoted) > 1 else "")
    return QUERY_STRING_PATTERN.sub("?…", message)


class ClientDataFilter(logging.Filter):
    """Rewrite each error-log record without client data before any handler writes it."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Replace the record's message with its scrubbed form."""
        record.msg, record.args = without_client_data(record.getMessage()), ()
        return True


class PrivateLogger(Logger):
    """gunicorn's logger with client data kept out of the error log as well as the access log."""

    def atoms(self, resp, req, environ, request_time) -> dict:
        """Return gunicorn's log atoms with the path made printable (a log line is one line)."""
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = printable_ascii(environ.get("PATH_INFO") or "")
        return atoms

    def setup(self, cfg) -> None:
        """Set up gunicorn's handlers, then filter the error log (once, across log reopening)."""
        super().setup(cfg)
        if not any(isinstance(existing, ClientDataFilter) for existing in self.error_log.filters):
            self.error_log.addFilter(ClientDataFilter())


def without_server_header(default_headers):
    """Wrap gunicorn's default response headers so that they leave out ``Server`` (it has no setting)."""

    def headers(response) -> list[str]:
        return [line for line in default_headers(response) if not line.startswith("Server:")]

    return headers


workers = multiprocessing.cpu_count() + 1
worker_class = "gthread"
# At most two threads of a worker wait on leaflets (one rendering in the render process, one queued;
# any other PDF request is refused at once), so six or more are always left for pages. With 4 threads,
# when every waiting PDF request held one, a burst left none (p99 0.7-1 s); 8 kept p99 ≤ 200 ms.
threads = 8
keepalive = 5
timeout = 30
graceful_timeout = 10
accesslog = "-"
errorlog = "-"
access_log_format = ACCESS_LOG_FORMAT_WITHOUT_CLIENT_DATA
logger_class = PrivateLogger
forwarded_allow_ips = "127.0.0.1"
# gunicorn 23+ opens a control socket in the home directory; nothing here uses it.
control_socket_disable = True
# Slow or oversized request heads are nginx's to refuse; these are gunicorn's own defaults, said aloud.
limit_request_line = 4094
limit_request_fields = 100


def warm_up(app, log) -> None:
    """Answer a few requests inside a new worker before it takes any, so no reader meets it cold.

    A worker's first request loads the templates, the catalogues and the database: a few hundred
    milliseconds a reader on a slow link would wait on top of the link, after every start or reload.
    Every language's home page and service worker are made and compressed, so the first reader who
    saves a language for offline waits only for the link. The leaflet templates, the QR maker and
    the busy pages are made too (``leaflets.views.warm_up``).
    The requests go straight to the app (no socket, no access log line). A worker still starts when
    they fail, as they do before the first build.
    """
    from flask import Flask
    from werkzeug.test import Client

    client = Client(app)
    for path in WARM_UP_PATHS:
        try:
            client.get(path, headers={"Accept-Encoding": "br"}).close()
        except Exception as error:  # warming is a courtesy: serving must start regardless
            log.warning("warming %s failed: %s", path, error)
    if isinstance(app, Flask):  # not the bench's bare WSGI app
        from rightsinfo.leaflets.views import warm_up as warm_up_leaflets

        try:
            warm_up_leaflets(app)
        except Exception as error:
            log.warning("warming leaflets failed: %s", error)


def post_worker_init(worker) -> None:
    """Start the worker's render process and warm the worker, before it accepts a request."""
    from rightsinfo.leaflets.render import RENDER_PROCESS

    RENDER_PROCESS.start()
    warm_up(worker.wsgi, worker.log)


def on_starting(server) -> None:
    """Leave the Server header out of every response, before the workers are forked."""
    response_class = gunicorn.http.wsgi.Response  # once: the master starts once, workers inherit it
    response_class.default_headers = without_server_header(response_class.default_headers)


def publish_missing(server) -> None:
    """Start writing the packs and guides the current build lacks: once per server, never in a worker.

    A deploy of new code without ``flask build`` changes the pack version, so its files are missing.
    A child process writes them beside the workers, which serve pages at once (a pack or guide asked
    for meanwhile is a ``503`` the phone retries), and the master stays as small as it was.
    gunicorn's master reaps the child; it logs to the error log.
    """
    server.log.info("writing any offline packs and guides this build lacks")
    subprocess.Popen(PUBLISH_COMMAND, stdout=subprocess.DEVNULL)


def when_ready(server) -> None:
    """Say once, as the server starts, when leaflets would print the placeholder public address."""
    warning = placeholder_address_warning(load_settings())
    if warning:
        server.log.warning(warning)
    publish_missing(server)


def on_reload(server) -> None:
    """Write what a reload's new code lacks (``systemctl reload`` after a deploy), as at start."""
    publish_missing(server)
