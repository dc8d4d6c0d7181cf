"""gunicorn on a free 127.0.0.1 port with the project's own config, and wrk runs against it.

Every server here is started with ``--config python:rightsinfo.gunicorn_conf`` (the Procfile's), in its
own process group, and stopped when its ``with`` block ends, so a benchmark never leaves one behind.
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
from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def gunicorn(app_spec: str, env: dict[str, str], ready_path: str = "/en/") -> Iterator[str]:
    """Serve ``app_spec`` with gunicorn and the project's config; yield the base URL, then stop it."""
    executable = Path(sys.executable).with_name("gunicorn")
    port = free_port()
    with tempfile.TemporaryFile() as error_log:
        process = subprocess.Popen(
            [str(executable), "--config", CONFIG_ARGUMENT, "--bind", f"127.0.0.1:{port}",
             *control_socket_arguments(), app_spec],
            cwd=PROJECT_DIR,
            env=env,
            stdout=subprocess.DEVNULL,  # the access log: written (its cost counts) but not kept
            stderr=error_log,
            start_new_session=True,
        )  # fmt: skip
        base_url = f"http://127.0.0.1:{port}"
        try:
            wait_until_ready(base_url, ready_path, process, error_log)
            yield base_url
        finally:
            stop(process)


def wait_until_ready(base_url: str, path: str, process: subprocess.Popen, error_log) -> None:
    """Poll ``path`` until the server answers 200; raise with its error log if it dies or hangs."""
    deadline = time.monotonic() + SERVER_START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            if http_get(base_url, path)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(POLL_INTERVAL_SECONDS)
    stop(process)
    error_log.seek(0)
    raise RuntimeError(f"gunicorn did not start:\n{error_log.read().decode(errors='replace')[-3000:]}")


def stop(process: subprocess.Popen) -> None:
    """Stop gunicorn and its workers (its own process group): TERM, then KILL if it lingers."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=SERVER_STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


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


def require_wrk() -> str:
    """Return the wrk program, or explain how to install it."""
    program = shutil.which("wrk")
    if program is None:
        raise SystemExit("wrk is missing: install Debian's 'wrk' package (.ci/run does)")
    return program


def run_wrk(url: str, seconds: float, connections: int, headers: dict[str, str] | None = None) -> WrkResult:
    """Run wrk against ``url`` for ``seconds`` with ``connections`` clients; return its figures."""
    command = [
        require_wrk(),
        f"-t{WRK_THREADS}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--latency",
    ]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    result = subprocess.run([*command, url], capture_output=True, text=True, check=True)
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
