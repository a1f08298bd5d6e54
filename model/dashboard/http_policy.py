"""What the dashboard's server allows and what every response carries: its HTTP policy.

:class:`AllowedHosts` decides which ``Host`` headers and ``Origin`` hosts name this server;
:func:`security_headers` sets the security headers (:func:`content_security_policy` with the
page's inline-script hashes) and hardens cookies. Only the standard library is imported, so
the command line can check ``--allowed-host`` values without the dashboard extra installed;
:mod:`model.dashboard.server` applies the policy to Solara's app.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import os
import re
import socket
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

#: Extra names (separated by commas or spaces) the server answers to, e.g. a proxy's host name.
ENV_ALLOWED_HOSTS = "COGOV_DASHBOARD_ALLOWED_HOSTS"
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
WILDCARDS = ("0.0.0.0", "::", "")
_NAME = re.compile(r"[a-z0-9]([a-z0-9_-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9_-]*[a-z0-9])?)*")
_INLINE_SCRIPT = re.compile(rb"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_SCRIPT_TYPE = re.compile(rb"""\btype\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
_JS_TYPES = frozenset({b"", b"text/javascript", b"application/javascript", b"module"})

Authority = tuple[str, int | None]
"""A host name or IP address (lower case, IPv6 without brackets) and a port (None: any)."""


# -- which addresses the server answers to -----------------------------------------------------
def parse_authority(text: str) -> Authority:
    """``name``, ``name:port``, ``[v6]:port`` or a bare IPv6 address, as (host, port or None).

    Raises:
        ValueError: ``text`` is not a host name or IP address with an optional port 1-65535.
    """
    text = text.strip().lower()
    host, port = text, ""
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        if rest and not rest.startswith(":"):
            raise ValueError(f"not a host[:port]: {text!r}")
        port = rest[1:]
    elif text.count(":") == 1:
        host, _, port = text.partition(":")
    host = host.rstrip(".")
    if not (_is_ip(host) or (_NAME.fullmatch(host) and ":" not in host)):
        raise ValueError(f"not a host name or IP address: {text!r}")
    if not port:
        return host, None
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"not a port 1-65535 in {text!r}")
    return host, int(port)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _is_loopback(host: str) -> bool:
    return host == "localhost" or (_is_ip(host) and ipaddress.ip_address(host).is_loopback)


def env_allowed_hosts() -> list[str]:
    """The entries of :data:`ENV_ALLOWED_HOSTS` (separated by commas or spaces)."""
    return [entry for entry in re.split(r"[,\s]+", os.environ.get(ENV_ALLOWED_HOSTS, ""))
            if entry]


class AllowedHosts:
    """The ``Host`` headers and ``Origin`` hosts this server answers to.

    The served address with its port; on a loopback address also ``127.0.0.1``, ``localhost``
    and ``[::1]`` with that port; bound to every interface (``0.0.0.0`` or ``::``), any IP
    address and this machine's host names with that port (a DNS rebinding attack needs a name
    of its own). Each ``extra`` entry adds a name, with any port unless it gives one.
    """

    def __init__(self, host: str, port: int, extra: Iterable[str] = ()) -> None:
        bound = host.strip("[]").lower()
        self.port = port
        self.any_ip = bound in WILDCARDS
        names = {bound}
        if _is_loopback(bound) or self.any_ip:
            names.update(LOOPBACK_NAMES)
        if self.any_ip:
            names.update({socket.gethostname().lower(), socket.getfqdn().lower()} - {""})
        self.entries = {(name, port) for name in names - set(WILDCARDS)}
        self.entries.update(parse_authority(entry) for entry in extra)

    def allows(self, host: str, port: int) -> bool:
        """Whether ``host`` (as parsed by :func:`parse_authority`) on ``port`` is this server."""
        if (host, port) in self.entries or (host, None) in self.entries:
            return True
        return self.any_ip and port == self.port and _is_ip(host)

    def allows_host(self, header: str, scheme: str) -> bool:
        """Whether a request's ``Host`` header names this server (no port: the scheme's)."""
        try:
            host, port = parse_authority(header)
        except ValueError:
            return False
        return self.allows(host, port or _default_port(scheme))

    def allows_origin(self, origin: str) -> bool:
        """Whether an ``Origin`` header (``scheme://host[:port]``) is a page of this server."""
        try:
            parts = urlsplit(origin)
            port = parts.port
        except ValueError:
            return False
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return False
        return self.allows(parts.hostname.rstrip("."), port or _default_port(parts.scheme))

    def __str__(self) -> str:
        shown = sorted((f"[{host}]" if ":" in host else host) + (f":{port}" if port else "")
                       for host, port in self.entries)
        return ", ".join(shown) + (f", any IP address:{self.port}" if self.any_ip else "")


def _default_port(scheme: str) -> int:
    return 443 if scheme in ("https", "wss") else 80


# -- what every response carries ---------------------------------------------------------------
#: The Content-Security-Policy before the page's script hashes and websocket URLs are added.
#: Nothing is allowed unless named: everything comes from this server (Solara's assets are
#: served from its local cache). Checked in Chromium, these are the relaxations the dashboard
#: needs: Vue compiles the widgets' templates in the browser (``new Function``: 'unsafe-eval');
#: Vuetify, ipywidgets and the KPI cards set style attributes and ``<style>`` text
#: ('unsafe-inline' styles); Matplotlib figures arrive as blob: images; Vuetify's fonts.css
#: inlines its fonts as data: URLs.
CSP = (
    ("default-src", "'none'"),
    ("script-src", "'self' 'unsafe-eval'"),
    ("style-src", "'self' 'unsafe-inline'"),
    ("img-src", "'self' blob:"),
    ("font-src", "'self' data:"),
    ("connect-src", "'self'"),
    ("base-uri", "'none'"),
    ("form-action", "'none'"),
    ("frame-ancestors", "'none'"),
)
PERMISSIONS_POLICY = ("accelerometer=(), camera=(), geolocation=(), gyroscope=(), "
                      "magnetometer=(), microphone=(), payment=(), usb=()")
STATIC_HEADERS = (
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Permissions-Policy", PERMISSIONS_POLICY),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
)


def content_security_policy(host: str = "", script_hashes: Sequence[str] = ()) -> str:
    """The CSP for a response to a request with ``Host: host``.

    Args:
        host: The request's (checked) ``Host`` header; its ws:// and wss:// URLs are added to
            connect-src for browsers whose 'self' does not cover websockets.
        script_hashes: ``sha256-...`` sources of the page's inline scripts.
    """
    sources = dict(CSP)
    if script_hashes:
        sources["script-src"] += "".join(f" '{digest}'" for digest in script_hashes)
    if host and not host.startswith("["):  # CSP has no syntax for IPv6 literals
        sources["connect-src"] += f" ws://{host} wss://{host}"
    return "; ".join(f"{name} {value}" for name, value in sources.items())


def inline_script_hashes(html: bytes) -> list[str]:
    """The ``sha256-...`` CSP sources of the inline JavaScript in ``html`` (UTF-8)."""
    hashes = []
    for attributes, body in _INLINE_SCRIPT.findall(html):
        kind = _SCRIPT_TYPE.search(attributes)
        if b"src" in re.findall(rb"\b([a-z-]+)\s*=", attributes.lower()) or \
                (kind and kind.group(1).lower() not in _JS_TYPES):
            continue
        # the browser hashes the text after the HTML parser turned CR LF and CR into LF
        body = body.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
        hashes.append(f"sha256-{digest}")
    return list(dict.fromkeys(hashes))


def harden_cookie(value: str, https: bool) -> str:
    """A ``Set-Cookie`` value made HttpOnly and SameSite=Lax (Strict kept), Secure on https."""
    name_value, *attributes = [part.strip() for part in value.split(";")]
    kept = [a for a in attributes if a.lower().split("=")[0].strip() not in ("httponly",
                                                                              "samesite")]
    strict = any(a.replace(" ", "").lower() == "samesite=strict" for a in attributes)
    kept += ["HttpOnly", "SameSite=Strict" if strict else "SameSite=Lax"]
    if https and not any(a.lower() == "secure" for a in kept):
        kept.append("Secure")
    return "; ".join([name_value, *kept])


def security_headers(headers: Iterable[tuple[bytes, bytes]], csp: str,
                     https: bool) -> list[tuple[bytes, bytes]]:
    """``headers`` (ASGI pairs) with the security headers set and every cookie hardened."""
    ours = {b"content-security-policy", *(name.lower().encode() for name, _ in STATIC_HEADERS)}
    out = []
    for name, value in headers:
        if name.lower() in ours:
            continue
        if name.lower() == b"set-cookie":
            value = harden_cookie(value.decode("latin-1"), https).encode("latin-1")
        out.append((name, value))
    out.append((b"content-security-policy", csp.encode("latin-1")))
    out += [(name.lower().encode(), value.encode()) for name, value in STATIC_HEADERS]
    return out
