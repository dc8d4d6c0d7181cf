"""gunicorn on a free 127.0.0.1 port with the project's own config, and wrk runs against it.

Every server here is started with ``--config python:rightsinfo.gunicorn_conf`` (the Procfile's), in its
own process group, and stopped when its ``with`` block ends, so a benchmark never leaves one behind.
The tests start their servers with the same ``Gunicorn`` class.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Collection, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
CONFIG_ARGUMENT = "python:rightsinfo.gunicorn_conf"
SERVER_START_TIMEOUT_SECONDS = 30.0
SERVER_STOP_TIMEOUT_SECONDS = 15.0
POLL_INTERVAL_SECONDS = 0.1
HTTP_TIMEOUT_SECONDS = 60.0
WRK_THREADS = 2
LATENCY_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def control_socket_arguments() -> list[str]:
    """Return the flag that keeps gunicorn's control socket out of the way, if this gunicorn has one."""
    from gunicorn import config

    return ["--no-control-socket"] if hasattr(config, "ControlSocketDisable") else []


def http_get(base_url: str, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
    """GET a path from a server on 127.0.0.1; return status, headers and body as sent."""
    host, port = base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=HTTP_TIMEOUT_SECONDS)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


class Gunicorn:
    """gunicorn with the project's config on one 127.0.0.1 port; it can be stopped and started again there.

    The benchmarks, the browser tests and the log tests all start the server this one way. The access
    log (gunicorn's stdout) goes to ``log_path`` or nowhere; the error log to ``error_log_path``, else
    to ``log_path``, else to a temporary file, and is quoted when the server fails to start.
    """

    def __init__(
        self,
        env: dict[str, str],
        app_spec: str = "wsgi:app",
        *,
        port: int | None = None,
        workers: int | None = None,
        log_path: Path | None = None,
        error_log_path: Path | None = None,
        stop_signal: int = signal.SIGTERM,
        ready_path: str = "/en/",
        cpus: Collection[int] | None = None,
    ):
        self.env = env
        self.app_spec = app_spec
        self.port = port or free_port()
        self.workers = workers
        self.log_path = log_path
        self.error_log_path = error_log_path or log_path
        self.stop_signal = stop_signal
        self.ready_path = ready_path
        self.cpus = cpus  # None: every CPU of the machine
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        """Return the server's origin, e.g. http://127.0.0.1:43117."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Gunicorn:
        """Start gunicorn in its own process group and wait until ``ready_path`` answers 200."""
        executable = Path(sys.executable).with_name("gunicorn")
        workers = ["--workers", str(self.workers)] if self.workers else []
        with ExitStack() as files:
            access = files.enter_context(self.log_path.open("ab")) if self.log_path else subprocess.DEVNULL
            if self.error_log_path:
                errors = files.enter_context(self.error_log_path.open("a+b"))
            else:
                errors = files.enter_context(tempfile.TemporaryFile())
            command = [str(executable), "--config", CONFIG_ARGUMENT, "--bind", f"127.0.0.1:{self.port}",
                       *workers, *control_socket_arguments(), self.app_spec]  # fmt: skip
            self.process = subprocess.Popen(
                on_cpus(command, self.cpus),
                cwd=PROJECT_DIR,
                env=self.env,
                stdout=access,  # the access log: written (its cost counts) even when not kept
                stderr=errors,
                start_new_session=True,  # its own process group: stop() ends the master and workers
            )  # fmt: skip
            self._wait_until_ready(errors)
        return self

    def _wait_until_ready(self, error_log) -> None:
        """Poll the ready path until it answers 200; raise with the error log if gunicorn dies or hangs."""
        deadline = time.monotonic() + SERVER_START_TIMEOUT_SECONDS
        while time.monotonic() < deadline and self.running():
            try:
                if http_get(self.base_url, self.ready_path)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(POLL_INTERVAL_SECONDS)
        self.stop()
        error_log.seek(0)
        raise RuntimeError(f"gunicorn did not start:\n{error_log.read().decode(errors='replace')[-3000:]}")

    def running(self) -> bool:
        """Return whether the server process is alive."""
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        """Send ``stop_signal`` to the process group (KILL too if it lingers) and wait for it to end."""
        if not self.running():
            self.process = None
            return
        os.killpg(self.process.pid, self.stop_signal)
        try:
            self.process.wait(timeout=SERVER_STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process = None

    def ensure_running(self) -> Gunicorn:
        """Start the server again if it was stopped."""
        return self if self.running() else self.start()

    def restart(self) -> Gunicorn:
        """Stop and start again on the same port (the same origin, so a browser's worker stays)."""
        self.stop()
        return self.start()

    def __enter__(self) -> Gunicorn:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


@contextmanager
def gunicorn(app_spec: str, env: dict[str, str], ready_path: str = "/en/") -> Iterator[str]:
    """Serve ``app_spec`` with gunicorn and the project's config; yield the base URL, then stop it."""
    with Gunicorn(env, app_spec, ready_path=ready_path) as server:
        yield server.base_url


@dataclass(frozen=True)
class WrkResult:
    """What one wrk run measured."""

    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx_3xx: int
    socket_errors: int

    @property
    def errors(self) -> int:
        """Return every failed request: bad statuses and socket errors together."""
        return self.non_2xx_3xx + self.socket_errors

    def as_dict(self) -> dict:
        """Return the figures for results.json."""
        return {**asdict(self), "errors": self.errors}


def on_cpus(command: list[str], cpus: Collection[int] | None) -> list[str]:
    """Return ``command`` made to run on ``cpus`` only (util-linux's taskset), or as it is for None.

    What it starts, and every process that starts, inherits the CPUs: a server's workers too.
    """
    if cpus is None:
        return command
    return ["taskset", "--cpu-list", cpu_list(cpus), *command]


def cpu_list(cpus: Collection[int]) -> str:
    """Write a set of CPUs as taskset and the bench table do: 0, or 0,1."""
    return ",".join(str(cpu) for cpu in sorted(cpus))


def require_wrk() -> str:
    """Return the wrk program, or explain how to install it."""
    program = shutil.which("wrk")
    if program is None:
        raise SystemExit("wrk is missing: install Debian's 'wrk' package (.ci/run does)")
    return program


def wrk_command(
    url: str,
    seconds: float,
    connections: int,
    headers: dict[str, str] | None = None,
    script: Path | None = None,
    timeout_seconds: int | None = None,
) -> list[str]:
    """Return the wrk command for ``connections`` clients on ``url`` for ``seconds`` (and a Lua script).

    wrk gives up on an answer after 2 s unless told otherwise, and counts it as a socket error.
    """
    command = [
        require_wrk(),
        f"-t{WRK_THREADS}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--latency",
    ]
    if timeout_seconds is not None:
        command.append(f"--timeout={timeout_seconds}s")
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if script is not None:
        command += ["-s", str(script)]
    return [*command, url]


def run_wrk(
    url: str,
    seconds: float,
    connections: int,
    headers: dict[str, str] | None = None,
    cpus: Collection[int] | None = None,
) -> WrkResult:
    """Run wrk (on ``cpus``) on ``url`` for ``seconds`` with ``connections`` clients; return its figures."""
    command = on_cpus(wrk_command(url, seconds, connections, headers), cpus)
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    return parse_wrk(result.stdout)


def parse_wrk(output: str) -> WrkResult:
    """Read requests/s, the 50th and 99th percentile latency and the errors from wrk's report."""

    def latency(percentile: str) -> float:
        match = re.search(rf"^\s*{percentile}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE)
        if match is None:
            raise ValueError(f"wrk printed no {percentile}% latency:\n{output}")
        return float(match.group(1)) * LATENCY_UNITS_MS[match.group(2)]

    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if rate is None or total is None:
        raise ValueError(f"could not read wrk's report:\n{output}")
    return WrkResult(
        requests_per_second=float(rate.group(1)),
        p50_ms=latency("50"),
        p99_ms=latency("99"),
        requests=int(total.group(1)),
        non_2xx_3xx=int(bad.group(1)) if bad else 0,
        socket_errors=sum(int(count) for count in sockets.groups()) if sockets else 0,
    )
