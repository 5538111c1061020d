"""A small news site on 127.0.0.1 for the tests: pages, feeds, and the ways servers fail."""

from __future__ import annotations

import contextlib
import http.server
import threading
import time
from collections.abc import Callable


def slow(body: bytes, seconds: float = 3) -> Callable:
    """A route that answers `body` after `seconds`."""

    def answer(handler: http.server.BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)
        Site.send(handler, body)

    return answer


class Site:
    """A small news site on 127.0.0.1. A route is a body (bytes), an HTTP error status
    (int), or a callable that answers the request itself."""

    def __init__(self):
        self.routes: dict = {}
        self.hits: list[str] = []
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                site.hits.append(self.path)
                route = site.routes.get(self.path, 404)
                if callable(route):
                    route(self)
                elif isinstance(route, int):
                    self.send_error(route)
                else:
                    Site.send(self, route)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        # Polled every 50 ms, not 500: close() waits for the next poll.
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    @staticmethod
    def send(
        handler: http.server.BaseHTTPRequestHandler,
        body: bytes,
        content_type: str = "text/html; charset=utf-8",
    ) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            handler.wfile.write(body)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def drip(body: bytes, every: float = 0.125) -> Callable:
    """A route that sends its whole answer, status line and headers too, one byte every
    `every` seconds (8 bytes a second), until it is done or the client has gone."""

    def answer(handler: http.server.BaseHTTPRequestHandler) -> None:
        data = (
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        handler.close_connection = True
        for i in range(len(data)):
            try:
                handler.wfile.write(data[i : i + 1])
            except OSError:
                return
            time.sleep(every)

    return answer


def redirect(location: str, status: int = 302) -> Callable:
    """A route that sends the client to `location`."""

    def answer(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return answer
