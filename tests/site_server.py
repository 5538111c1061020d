"""A small news site on 127.0.0.1 for the tests: pages, feeds, and the ways servers fail."""
from __future__ import annotations

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
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @staticmethod
    def send(handler: http.server.BaseHTTPRequestHandler, body: bytes,
             content_type: str = "text/html; charset=utf-8") -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        try:
            handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def close(self):
        self.server.shutdown()
        self.server.server_close()
