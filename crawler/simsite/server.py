"""HTTP plumbing of the simulated site.

Content sites only map a path to a `Reply`; this layer adds what a crawler's politeness and
caching logic needs to be tested against: ETag / Last-Modified validators derived from the
bytes served and 304 answers to conditional requests, robots.txt, injected failures (a status
N times, Retry-After, hung connections), a per-response delay, a request log and counters of
the peak number of requests in flight (overall and per site prefix).
"""

from __future__ import annotations

import hashlib
import threading
import time
import traceback
from collections import Counter, deque
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Self, cast
from urllib.parse import urlsplit

DEFAULT_ROBOTS = "User-agent: *\nAllow: /\n"
_ALL = "*"


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes = b""
    content_type: str = "text/html"
    headers: tuple[tuple[str, str], ...] = ()
    born: float | None = None
    """Last-Modified (epoch seconds) to report while the path still serves its first bytes."""


@dataclass(frozen=True)
class RequestRecord:
    time: float
    """Arrival (epoch seconds)."""
    answered: float
    """When the answer was ready to send (after any delay)."""
    method: str
    path: str
    """Path and query as requested."""
    site: str
    """First path segment ("ybj"); "" for /robots.txt and /."""
    status: int
    """Status sent; 0 when the request was held and dropped without an answer (hang)."""
    if_none_match: bool
    if_modified_since: bool
    user_agent: str


@dataclass
class _Fault:
    status: int | None  # None: hang
    remaining: int
    retry_after: int | None


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 256
    sim: SimServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "nginx"
    sys_version = ""

    def do_GET(self) -> None:
        cast(_HTTPServer, self.server).sim._handle(self, "GET")

    def do_HEAD(self) -> None:
        cast(_HTTPServer, self.server).sim._handle(self, "HEAD")

    def log_message(self, format: str, *args: object) -> None:
        """Silence the default stderr access log: the request log is the record."""


def _site_of(path: str) -> str:
    parts = path.split("/")
    return parts[1] if len(parts) > 2 else ""


def _fault_key(target: str) -> str:
    split = urlsplit(target)
    return split.path + (f"?{split.query}" if split.query else "")


class SimServer:
    """Background HTTP server on 127.0.0.1; subclasses implement `_resolve`."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        delay: float = 0.0,
        robots_txt: str = DEFAULT_ROBOTS,
        log_requests: bool = True,
        hang_timeout: float = 30.0,
    ) -> None:
        self.host = host
        self.delay = delay
        """Seconds every response is held before it is sent (makes concurrency observable)."""
        self.robots_txt = robots_txt
        self.log_requests = log_requests
        self.hang_timeout = hang_timeout
        self._requested_port = port
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._release = threading.Event()
        self._stats_lock = threading.Lock()
        self._log: list[RequestRecord] = []
        self._in_flight: Counter[str] = Counter()
        self._peak: Counter[str] = Counter()
        self._faults: dict[str, deque[_Fault]] = {}
        self._validators: dict[str, tuple[str, int]] = {}

    # -- content hook ------------------------------------------------------------------------
    def _resolve(self, path: str, query: str, origin: str) -> Reply:
        raise NotImplementedError

    # -- lifecycle ----------------------------------------------------------------------------
    def start(self) -> Self:
        if self._httpd is not None:
            return self
        self._stopping.clear()
        httpd = _HTTPServer((self.host, self._requested_port), _Handler)
        httpd.sim = self
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._stopping.set()
        self._release.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join()
        self._httpd = None
        self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("server not started")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    # -- failure injection --------------------------------------------------------------------
    def fail(
        self, target: str, status: int, *, times: int = 1, retry_after: int | None = None
    ) -> None:
        """Answer `target` (URL or path, query optional) with `status` for the next `times` hits."""
        with self._stats_lock:
            self._faults.setdefault(_fault_key(target), deque()).append(
                _Fault(status, times, retry_after)
            )

    def hang(self, target: str, *, times: int = 1) -> None:
        """Hold the next `times` requests to `target` without answering, then drop them.

        A held request ends at `release_hangs()`, at `stop()`, or after `hang_timeout`.
        """
        with self._stats_lock:
            self._faults.setdefault(_fault_key(target), deque()).append(_Fault(None, times, None))

    def release_hangs(self) -> None:
        with self._stats_lock:
            self._release.set()
            self._release = threading.Event()

    def clear_faults(self) -> None:
        with self._stats_lock:
            self._faults.clear()

    def _take_fault(self, path: str, query: str) -> _Fault | None:
        keys = (f"{path}?{query}", path) if query else (path,)
        with self._stats_lock:
            for key in keys:
                queue = self._faults.get(key)
                if queue:
                    fault = queue[0]
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        queue.popleft()
                    return fault
        return None

    # -- observation --------------------------------------------------------------------------
    @property
    def requests(self) -> list[RequestRecord]:
        with self._stats_lock:
            return list(self._log)

    def clear_requests(self) -> None:
        with self._stats_lock:
            self._log.clear()

    def in_flight(self, site: str | None = None) -> int:
        with self._stats_lock:
            return self._in_flight[_ALL if site is None else site]

    def peak_in_flight(self, site: str | None = None) -> int:
        """Most requests ever handled at once, overall or under one path prefix ("ybj")."""
        with self._stats_lock:
            return self._peak[_ALL if site is None else site]

    def reset_peaks(self) -> None:
        with self._stats_lock:
            self._peak = Counter(self._in_flight)

    # -- request handling ---------------------------------------------------------------------
    def _enter(self, site: str) -> None:
        with self._stats_lock:
            for key in (_ALL, site):
                self._in_flight[key] += 1
                self._peak[key] = max(self._peak[key], self._in_flight[key])

    def _leave(self, site: str) -> None:
        with self._stats_lock:
            for key in (_ALL, site):
                self._in_flight[key] -= 1

    def _validate(self, key: str, reply: Reply) -> tuple[str, int]:
        """Strong ETag from the bytes; Last-Modified moves (strictly) when the bytes do."""
        etag = '"' + hashlib.sha1(reply.body).hexdigest()[:20] + '"'
        with self._stats_lock:
            previous = self._validators.get(key)
            if previous is not None and previous[0] == etag:
                return previous
            now = int(time.time())
            if previous is None:
                modified = int(reply.born) if reply.born is not None else now
            else:
                modified = max(now, previous[1] + 1)
            self._validators[key] = (etag, modified)
            return etag, modified

    @staticmethod
    def _not_modified(etag: str, modified: int, inm: str | None, ims: str | None) -> bool:
        if inm is not None:
            tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
            return "*" in tags or etag in tags
        if ims is not None:
            try:
                return modified <= parsedate_to_datetime(ims).timestamp()
            except (TypeError, ValueError):
                return False
        return False

    def _reply_for(self, path: str, query: str, origin: str) -> Reply | None:
        fault = self._take_fault(path, query)
        if fault is not None and fault.status is None:
            return None
        if fault is not None:
            assert fault.status is not None
            headers = (("Retry-After", str(fault.retry_after)),) if fault.retry_after else ()
            body = f"<html><body><h1>{fault.status}</h1></body></html>".encode()
            return Reply(fault.status, body, headers=headers)
        if path == "/robots.txt":
            return Reply(200, self.robots_txt.encode(), "text/plain; charset=utf-8")
        try:
            return self._resolve(path, query, origin)
        except Exception:
            traceback.print_exc()
            return Reply(500, b"<html><body><h1>500 Internal Server Error</h1></body></html>")

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        """Answer one request. The request leaves the in-flight count and enters the log
        before its bytes are written, so a client never sees an answer the stats lack."""
        split = urlsplit(handler.path)
        path, query = split.path or "/", split.query
        site = _site_of(path)
        inm = handler.headers.get("If-None-Match")
        ims = handler.headers.get("If-Modified-Since")
        started = time.time()
        self._enter(site)
        status, body, headers = 0, b"", []
        try:
            origin = f"http://{handler.headers.get('Host') or f'{self.host}:{self.port}'}"
            reply = self._reply_for(path, query, origin)
            if reply is None:
                self._release.wait(self.hang_timeout)
                handler.close_connection = True
            else:
                status, body = reply.status, reply.body
                headers = [("Content-Type", reply.content_type), *reply.headers]
                if status == 200:
                    etag, modified = self._validate(path + (f"?{query}" if query else ""), reply)
                    headers += [
                        ("ETag", etag),
                        ("Last-Modified", formatdate(modified, usegmt=True)),
                    ]
                    if self._not_modified(etag, modified, inm, ims):
                        status, body = 304, b""
                        headers = [h for h in headers if h[0] != "Content-Type"]
                if self.delay > 0:
                    self._stopping.wait(self.delay)
        finally:
            self._leave(site)
            if self.log_requests:
                self._record(handler, method, path, query, site, started, status, inm, ims)
        if status == 0:
            return
        try:
            handler.send_response(status)
            for name, value in headers:
                handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            if method != "HEAD":
                handler.wfile.write(body)
        except (ConnectionError, TimeoutError):
            handler.close_connection = True

    def _record(
        self,
        handler: BaseHTTPRequestHandler,
        method: str,
        path: str,
        query: str,
        site: str,
        started: float,
        status: int,
        inm: str | None,
        ims: str | None,
    ) -> None:
        record = RequestRecord(
            time=started,
            answered=time.time(),
            method=method,
            path=path + (f"?{query}" if query else ""),
            site=site,
            status=status,
            if_none_match=inm is not None,
            if_modified_since=ims is not None,
            user_agent=handler.headers.get("User-Agent", ""),
        )
        with self._stats_lock:
            self._log.append(record)
