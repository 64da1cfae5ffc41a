"""What a host's server tries to fetch off the machine, recorded and refused.

``host_page`` aborts the browser's requests that leave 127.0.0.1, but a server can fetch
by itself: Solara's server asks PyPI for its latest version, sends telemetry, and fetches
from a CDN any asset it has no local copy of. Those never pass through the page. A
stand-in HTTP proxy on 127.0.0.1, named in the server's ``HTTP(S)_PROXY``, answers each
such request 403 and records its first line (``CONNECT pypi.org:443 ...``), so a test can
assert that the server asked for nothing. It sees clients that honour the proxy
variables (requests, urllib, httpx: what these servers use), not raw sockets.
"""

from __future__ import annotations

import socketserver
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

LOCAL_HOSTS = "127.0.0.1,localhost"


@dataclass
class Outbound:
    """The refusing proxy: ``env`` to give the server, ``requests`` it was asked for."""

    env: dict[str, str]
    requests: list[str] = field(default_factory=list)


@contextmanager
def refusing_proxy() -> Iterator[Outbound]:
    """Run the proxy on a free port of 127.0.0.1 while the block runs."""
    seen: list[str] = []

    class Refuse(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            seen.append(self.rfile.readline(4096).decode("latin-1").strip())
            self.wfile.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")

    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), Refuse) as proxy:
        proxy.daemon_threads = True
        thread = threading.Thread(target=proxy.serve_forever, daemon=True)
        thread.start()
        url = f"http://127.0.0.1:{proxy.server_address[1]}"
        names = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")
        env = {name: url for name in names} | {name.lower(): url for name in names}
        env |= {"NO_PROXY": LOCAL_HOSTS, "no_proxy": LOCAL_HOSTS}
        try:
            yield Outbound(env, seen)
        finally:
            proxy.shutdown()
            thread.join()
