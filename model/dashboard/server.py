"""Serve the dashboard with safe HTTP defaults: Solara's app behind one ASGI guard, on uvicorn.

``cogov dashboard`` runs ``python -m model.dashboard.server`` as its child process. In front of
Solara's Starlette app, :class:`SafeHTTP`

- answers 400 to a request whose ``Host`` header is not an address this server answers to
  (:class:`~model.dashboard.http_policy.AllowedHosts`), and 403 to a WebSocket or a
  state-changing request whose ``Origin`` is not one of them: DNS rebinding and cross-site
  WebSocket hijacking find no way in;
- adds the security headers to every response, with a Content-Security-Policy that allows the
  page's own inline scripts by their hashes, and makes every cookie HttpOnly and SameSite=Lax
  (:func:`~model.dashboard.http_policy.security_headers`);
- answers 404 on ``/resourcez`` (server statistics) unless asked to serve it.

Solara and uvicorn are imported by :func:`serve` only.
"""

from __future__ import annotations

import argparse
import gzip
import logging
import os
import signal
import sys
import warnings
from collections.abc import Awaitable, Callable, Sequence

from model.dashboard.http_policy import (
    ENV_ALLOWED_HOSTS,
    AllowedHosts,
    content_security_policy,
    env_allowed_hosts,
    inline_script_hashes,
    parse_authority,
    security_headers,
)

APP = "model.dashboard.app"
RESOURCEZ = "/resourcez"
#: Seconds uvicorn lets open websockets finish after SIGTERM, below
#: ``model.process_group.STOP_GRACE_S``, so Solara closes its sessions before the parent would
#: kill the process group.
GRACEFUL_SHUTDOWN_S = 2
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

log = logging.getLogger("cogov.dashboard")

Scope = dict
Message = dict
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


# -- the guard ----------------------------------------------------------------------------------
def _header_values(scope: Scope, name: bytes) -> list[str]:
    return [value.decode("latin-1") for key, value in scope["headers"] if key.lower() == name]


class SafeHTTP:
    """ASGI middleware: checks Host and Origin, adds security headers, hides /resourcez.

    Args:
        app: The application behind it (Solara's Starlette app).
        allowed: The addresses requests may name in ``Host`` and ``Origin``.
        resourcez: Whether to let ``/resourcez`` (server statistics) through.
    """

    def __init__(self, app: ASGIApp, allowed: AllowedHosts, resourcez: bool = False) -> None:
        self.app, self.allowed, self.resourcez = app, allowed, resourcez
        self._logged: set[tuple[int, str]] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one ASGI connection (lifespan events pass straight through)."""
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        refusal = self.refusal(scope)
        if scope["type"] == "websocket":
            if refusal:  # closing before accepting makes the server answer the handshake 403
                await send({"type": "websocket.close", "code": 1008})
            else:
                await self.app(scope, receive, send)
            return
        hosts = _header_values(scope, b"host")
        secured = _SecuredSend(send, hosts[0] if not refusal else "", scope["scheme"] == "https")
        if refusal:
            await _plain_text(secured, *refusal)
        else:
            await self.app(scope, receive, secured)

    def refusal(self, scope: Scope) -> tuple[int, str] | None:
        """The status and message to refuse ``scope`` with, or None to let it through."""
        hosts = _header_values(scope, b"host")
        if len(hosts) != 1 or not self.allowed.allows_host(hosts[0], scope["scheme"]):
            return self._refused(400, "Invalid Host header", ", ".join(hosts))
        origins = _header_values(scope, b"origin")
        # a browser sends Origin with every websocket and every cross-site POST (a GET changes
        # nothing here); other clients send none, and without a browser there is no victim
        if (scope["type"] == "websocket" or scope["method"] not in SAFE_METHODS) and \
                not all(self.allowed.allows_origin(origin) for origin in origins):
            return self._refused(403, "Origin not allowed", ", ".join(origins))
        if scope["type"] == "http" and not self.resourcez and \
                scope["path"].rstrip("/") == RESOURCEZ:
            return 404, "Not Found"
        return None

    def _refused(self, status: int, message: str, value: str) -> tuple[int, str]:
        # once per distinct value (and a bounded number of them): a scan cannot flood the log
        if (status, value) not in self._logged and len(self._logged) < 100:
            self._logged.add((status, value))
            log.warning("refused %r (%d %s); the server answers to %s; --allowed-host adds "
                        "a name", value, status, message, self.allowed)
        return status, message


async def _plain_text(send: Send, status: int, message: str) -> None:
    body = f"{status} {message}\n".encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


class _SecuredSend:
    """Adds the security headers to an HTTP response; holds back a page to hash its scripts."""

    def __init__(self, send: Send, host: str, https: bool) -> None:
        self.send, self.host, self.https = send, host, https
        self.start: Message | None = None
        self.chunks: list[bytes] = []

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            if _header(message, b"content-type").startswith("text/html"):
                self.start = message  # sent with the body, once the hashes are known
            else:
                await self.send(self._secured(message, ()))
        elif message["type"] == "http.response.body" and self.start is not None:
            self.chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            body, start, self.start = b"".join(self.chunks), self.start, None
            await self.send(self._secured(start, _page_script_hashes(start, body)))
            await self.send({**message, "body": body, "more_body": False})
        else:
            await self.send(message)

    def _secured(self, start: Message, script_hashes: Sequence[str]) -> Message:
        csp = content_security_policy(self.host, script_hashes)
        return {**start, "headers": security_headers(start.get("headers", []), csp,
                                                     self.https)}


def _header(message: Message, name: bytes) -> str:
    values = [v for k, v in message.get("headers", []) if k.lower() == name]
    return values[0].decode("latin-1").lower() if values else ""


def _page_script_hashes(start: Message, body: bytes) -> list[str]:
    """The inline-script hashes of an HTML response's (possibly gzipped) body."""
    encoding = _header(start, b"content-encoding")
    if encoding == "gzip":
        body = gzip.decompress(body)
    elif encoding not in ("", "identity"):
        log.error("cannot read a %s page to hash its scripts; they will not run", encoding)
        return []
    return inline_script_hashes(body)


# -- the server ---------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"default": {"()": "uvicorn.logging.DefaultFormatter",
                               "fmt": "%(levelprefix)s %(message)s", "use_colors": None}},
    "handlers": {"default": {"formatter": "default", "class": "logging.StreamHandler",
                             "stream": "ext://sys.stderr"}},
    # as quiet as `solara run`: errors only, plus the guard's refusals
    "loggers": {"solara": {"handlers": ["default"], "level": "ERROR"},
                "reacton": {"handlers": ["default"], "level": "ERROR"},
                "uvicorn": {"handlers": ["default"], "level": "ERROR"},
                "uvicorn.access": {"handlers": [], "level": "ERROR", "propagate": False},
                "cogov.dashboard": {"handlers": ["default"], "level": "INFO"}},
}


def serve(host: str, port: int, allowed_hosts: Sequence[str] = (),
          resourcez: bool = False) -> None:
    """Serve the dashboard in production mode until SIGTERM or SIGINT.

    Solara's own settings come from the environment (``SOLARA_KERNEL_CULL_TIMEOUT`` among
    them); the session cookie is made HttpOnly here and by the guard.

    Args:
        host: Address to listen on.
        port: Port (0: a free one, chosen before the allowed addresses are).
        allowed_hosts: Further names (``name`` or ``name:port``) the server answers to.
        resourcez: Serve ``/resourcez`` (server statistics).
    """
    os.environ["SOLARA_APP"] = APP  # read when Solara's server modules are imported
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    import uvicorn
    from solara.server import settings

    settings.main.mode = "production"
    settings.session.http_only = True
    # Solara warns on plain HTTP that it cannot use SameSite=None; the guard sets Lax anyway
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")
    from solara.server.starlette import app as solara_app

    config = uvicorn.Config(solara_app, host=host, port=port, log_config=LOGGING,
                            server_header=False, timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S)
    sock = config.bind_socket()
    port = sock.getsockname()[1]
    allowed = AllowedHosts(host, port, allowed_hosts)
    config.app = SafeHTTP(solara_app, allowed, resourcez)
    shown = f"[{host}]" if ":" in host else host
    print(f"cogov dashboard: http://{shown}:{port}/ (Ctrl-C stops it); answers to {allowed}"
          f"{'; serves /resourcez' if resourcez else ''}", file=sys.stderr, flush=True)
    # uvicorn restores this handler after its graceful shutdown and raises SIGTERM again: an
    # ordinary exit then, so exit handlers (the chart worker's shutdown) run.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    uvicorn.Server(config).run(sockets=[sock])


def build_parser() -> argparse.ArgumentParser:
    """Options of ``python -m model.dashboard.server`` (``cogov dashboard`` passes them on)."""
    parser = argparse.ArgumentParser(prog="python -m model.dashboard.server",
                                     description="Serve the cogov dashboard.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8765, help="port (0: any free port)")
    parser.add_argument("--allowed-host", action="append", default=[], metavar="HOST[:PORT]",
                        help=f"a further name the server answers to (repeatable; also "
                        f"${ENV_ALLOWED_HOSTS}, comma-separated)")
    parser.add_argument("--resourcez", action="store_true",
                        help="serve /resourcez (server statistics)")
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    """Run the server from the command line."""
    parser = build_parser()
    args = parser.parse_args(argv)
    allowed = [*env_allowed_hosts(), *args.allowed_host]
    for entry in allowed:
        try:
            parse_authority(entry)
        except ValueError as exc:
            parser.error(f"--allowed-host: {exc}")
    serve(args.host, args.port, allowed, args.resourcez)


if __name__ == "__main__":
    main()
