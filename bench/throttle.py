"""A throttling TCP proxy on 127.0.0.1, in front of a server on 127.0.0.1: a slow phone link on one machine.

The browser talks to the proxy as if it were the site (a reverse proxy: the proxy's port is the origin),
so nothing about the browser's own proxy settings matters. Each direction of each connection adds half
the round-trip time; the bytes towards the browser share one link of a fixed bandwidth (a serial
line: a byte leaves when the line is free, then travels for RTT/2), as on a phone where every
connection shares the one radio. The bytes counted are those sent towards the browser, so the floor
of a download is ``bytes_down * 8 / bits_per_second``.

It can also cut a download part way: after ``cut_after_bytes`` bytes of a response to a request whose
path starts with ``cut_path``, nothing more passes, every connection is dropped half a second later,
and new ones are refused until ``restore()``, as when a reader walks out of the Wi-Fi. It runs its own
asyncio loop in a thread, so a synchronous test or benchmark can start it, use it and stop it.
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from dataclasses import dataclass

READ_BYTES = 4096  # small pieces, so connections sharing the line take turns
START_TIMEOUT_SECONDS = 10.0
CUT_STALL_SECONDS = 0.5
REQUEST_LINE = re.compile(rb"^[A-Z]+ (\S+) HTTP/1\.[01]\r\n")
RANGE_HEADER = re.compile(rb"\r\nrange:", re.IGNORECASE)


@dataclass(frozen=True)
class Link:
    """A network link a reader may be on."""

    name: str
    rtt_seconds: float
    bits_per_second: float

    @property
    def bytes_per_second(self) -> float:
        """Return the bandwidth in bytes per second."""
        return self.bits_per_second / 8


SLOW_4G = Link("Slow 4G", 0.150, 1_600_000)
TWO_G = Link("2G", 0.300, 250_000)
UNLIMITED = Link("local", 0.0, 0.0)


class ThrottlingProxy:
    """Forward 127.0.0.1:``port`` to 127.0.0.1:``upstream_port`` through a simulated link."""

    def __init__(self, upstream_port: int, link: Link = UNLIMITED):
        self.upstream_port = upstream_port
        self.link = link
        self.port = 0
        self.bytes_down = 0
        self.bytes_up = 0
        self.bytes_by_path: dict[str, int] = {}
        self.ranged_paths: list[str] = []  # requests that asked for part of a response (a resumed download)
        self.cut_path: bytes | None = None
        self.cut_after_bytes = 0
        self.is_cut = False
        self._line_free_at = 0.0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._thread: threading.Thread | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    @property
    def base_url(self) -> str:
        """Return the origin the browser uses."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ThrottlingProxy:
        """Start listening on a free port in a thread of its own."""
        started = threading.Event()
        self._loop = asyncio.new_event_loop()

        def run() -> None:
            asyncio.set_event_loop(self._loop)
            self._server = self._loop.run_until_complete(
                asyncio.start_server(self._connection, "127.0.0.1", 0)
            )
            self.port = self._server.sockets[0].getsockname()[1]
            started.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name="throttling-proxy", daemon=True)
        self._thread.start()
        if not started.wait(START_TIMEOUT_SECONDS):
            raise RuntimeError("the throttling proxy did not start")
        return self

    def stop(self) -> None:
        """Close every connection and stop the thread."""
        if self._loop is None:
            return

        async def close() -> None:
            self._drop_all()
            self._server.close()
            others = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
            for task in others:
                task.cancel()
            await asyncio.gather(*others, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(START_TIMEOUT_SECONDS)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(START_TIMEOUT_SECONDS)
        self._loop.close()
        self._loop = None

    def reset_counts(self) -> None:
        """Start counting bytes from zero."""
        self.bytes_down = self.bytes_up = 0
        self.bytes_by_path = {}
        self.ranged_paths = []

    def bytes_for(self, path_prefix: str) -> int:
        """Return the bytes sent down in answer to requests whose path starts with ``path_prefix``."""
        return sum(size for path, size in self.bytes_by_path.items() if path.startswith(path_prefix))

    def cut_during(self, path_prefix: str, after_bytes: int) -> None:
        """Drop the link once ``after_bytes`` of a response to ``path_prefix…`` have gone down."""
        self.cut_path, self.cut_after_bytes = path_prefix.encode(), after_bytes

    def restore(self) -> None:
        """Let connections through again (and cut nothing more)."""
        self.cut_path, self.is_cut = None, False

    def __enter__(self) -> ThrottlingProxy:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # ------------------------------------------------------------------------------------------------

    def _drop_all(self) -> None:
        """Close every open connection at once, both sides."""
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    async def _connection(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter):
        """Relay one browser connection to the server, both ways, through the link."""
        try:
            await self._relay(client_reader, client_writer)
        except asyncio.CancelledError:  # the proxy is stopping
            client_writer.transport.abort()

    async def _relay(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter):
        """Open the server side and pump both directions until one ends."""
        if self.is_cut:
            client_writer.transport.abort()
            return
        try:
            server_reader, server_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        except OSError:
            client_writer.transport.abort()
            return
        self._writers |= {client_writer, server_writer}
        state = {"cutting": False, "sent": 0}
        up = asyncio.create_task(self._pump(client_reader, server_writer, upstream=True, state=state))
        down = asyncio.create_task(self._pump(server_reader, client_writer, upstream=False, state=state))
        await asyncio.wait({up, down}, return_when=asyncio.FIRST_COMPLETED)
        # Give the other direction the time its last bytes need to arrive, then close both.
        await asyncio.sleep(self.link.rtt_seconds)
        for task in (up, down):
            task.cancel()
        for writer in (client_writer, server_writer):
            self._writers.discard(writer)
            writer.transport.abort()

    def _arrival_time(self, size: int, upstream: bool) -> float:
        """Return when ``size`` bytes read now reach the other end."""
        now = time.monotonic()
        if upstream or not self.link.bits_per_second:
            return now + self.link.rtt_seconds / 2
        leaves = max(now, self._line_free_at) + size / self.link.bytes_per_second
        self._line_free_at = leaves
        return leaves + self.link.rtt_seconds / 2

    async def _pump(self, reader, writer, upstream: bool, state: dict) -> None:
        """Copy one direction: read, wait for the link, write; keep order within the connection."""
        queue: asyncio.Queue = asyncio.Queue()

        async def deliver() -> None:
            while True:
                due, data = await queue.get()
                if data is None:
                    if writer.can_write_eof():
                        writer.write_eof()
                    return
                delay = due - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                if self.is_cut:
                    return
                data = self._count_and_cut(data, upstream, state)
                writer.write(data)
                await writer.drain()
                if self.is_cut:
                    # A lost signal stalls before anything fails: what was sent is read, then the
                    # connections drop (a browser drops the unread bytes of a failed response).
                    await asyncio.sleep(CUT_STALL_SECONDS)
                    self._drop_all()
                    return

        delivering = asyncio.create_task(deliver())
        try:
            while data := await reader.read(READ_BYTES):
                await queue.put((self._arrival_time(len(data), upstream), data))
            await queue.put((0.0, None))
            await delivering
        except OSError:  # a side closed or the link was cut: this direction is over
            pass
        finally:
            delivering.cancel()

    def _count_and_cut(self, data: bytes, upstream: bool, state: dict) -> bytes:
        """Count the bytes passing; when cutting, send only up to the limit and mark the link cut."""
        if upstream:
            self.bytes_up += len(data)
            request_line = REQUEST_LINE.match(data)
            if request_line:  # HTTP/1.1 without pipelining: what comes down now answers this request
                state["path"] = request_line.group(1).decode("latin-1")
                if RANGE_HEADER.search(data):
                    self.ranged_paths.append(state["path"])
            if self.cut_path is not None and (b"GET " + self.cut_path) in data:
                state["cutting"] = True
            return data
        path = state.get("path", "")
        self.bytes_by_path[path] = self.bytes_by_path.get(path, 0) + len(data)
        original = data
        if state["cutting"]:
            room = self.cut_after_bytes - state["sent"]
            if room <= len(data):
                data = data[: max(room, 0)]
                self.is_cut = True
            state["sent"] += len(data)
        self.bytes_down += len(data)
        self.bytes_by_path[path] -= len(original) - len(data)
        return data
