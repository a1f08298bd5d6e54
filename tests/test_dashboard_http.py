"""`cogov dashboard` over HTTP: security headers, hardened cookies, Host and Origin checks.

A server per module on a free port of 127.0.0.1, answering also to a reverse proxy's name
(``--allowed-host``), is stopped by the fixture that started it; one test starts a second with
``--resourcez``. ``http.client`` sends any ``Host`` header, raw upgrade requests and the
``websockets`` client open (or fail to open) the page's websocket. The last test drives the page
in chromium and finds no Content-Security-Policy violation. The policy's parts are tested first,
without a server.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from dashboard_helpers import serving

from model.cli import dashboard_command, main
from model.dashboard.http_policy import (
    AllowedHosts,
    harden_cookie,
    inline_script_hashes,
    parse_authority,
)

pytest.importorskip("solara")
ws_client = pytest.importorskip("websockets.sync.client")
ws_exceptions = pytest.importorskip("websockets.exceptions")

ROOT = Path(__file__).resolve().parents[1]
PROXY = "dashboard.example.gov.cn"
REQUEST_S = 60
SECURITY_HEADERS = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


# -- the policy's parts -----------------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("Dashboard.Example.gov.cn", ("dashboard.example.gov.cn", None)),
    ("dashboard.example.gov.cn.:443", ("dashboard.example.gov.cn", 443)),
    ("127.0.0.1:8765", ("127.0.0.1", 8765)),
    ("[::1]:8765", ("::1", 8765)),
    ("fe80::1", ("fe80::1", None)),
])
def test_authorities_parse(text, expected):
    assert parse_authority(text) == expected


@pytest.mark.parametrize("text", ["", "bad host", "evil.example/path", "a:0", "a:65536", "a:b",
                                  "[::1]x", "user@host", "-lead.example"])
def test_malformed_authorities_are_refused(text):
    with pytest.raises(ValueError):
        parse_authority(text)


def test_loopback_answers_to_its_names_on_its_port_only():
    allowed = AllowedHosts("127.0.0.1", 8765, [PROXY])
    for header in ("127.0.0.1:8765", "localhost:8765", "[::1]:8765", PROXY, f"{PROXY}:443"):
        assert allowed.allows_host(header, "http"), f"{header} is this server"
    for header in ("127.0.0.1", "127.0.0.1:8766", "evil.example:8765", "127.0.0.2:8765",
                   f"{PROXY}.evil.example", "localhost.:8765x"):
        assert not allowed.allows_host(header, "http"), f"{header} is not this server"
    assert allowed.allows_origin("http://localhost:8765")
    assert allowed.allows_origin(f"https://{PROXY}")
    for origin in ("null", "http://evil.example:8765", "file://", "http://127.0.0.1:9"):
        assert not allowed.allows_origin(origin), f"{origin} is not a page of this server"


def test_every_interface_answers_to_ip_addresses_but_only_named_names():
    allowed = AllowedHosts("0.0.0.0", 8765, ["intranet.example:80"])
    assert allowed.allows_host("10.1.2.3:8765", "http"), "any address of the machine"
    assert allowed.allows_host("localhost:8765", "http")
    assert allowed.allows_host("intranet.example", "http"), "port 80 by default"
    assert not allowed.allows_host("intranet.example:8080", "http"), "a port given is kept"
    assert not allowed.allows_host("rebound.evil.example:8765", "http"), "names need a list"


def test_cookies_are_made_httponly_and_samesite_lax():
    none = "solara-session-id=abc; expires=Fri, 01 Jan 2038 00:00:00 GMT; Path=/; " \
           "SameSite=none; Secure"
    assert harden_cookie(none, https=False) == ("solara-session-id=abc; expires=Fri, 01 Jan 2038 "
                                                 "00:00:00 GMT; Path=/; Secure; HttpOnly; "
                                                 "SameSite=Lax")
    assert harden_cookie("a=1; SameSite=Strict", https=True) == \
        "a=1; HttpOnly; SameSite=Strict; Secure"


def test_inline_scripts_are_hashed_and_nothing_else():
    page = (b"<script>let a = 1;\r\n</script><script src='/x.js'></script>"
            b"<script type='application/json'>{}</script><script type=module>b()</script>")
    expected = ["sha256-" + base64.b64encode(hashlib.sha256(body).digest()).decode()
                for body in (b"let a = 1;\n", b"b()")]
    assert inline_script_hashes(page) == expected


def test_the_command_line_starts_the_guarded_server():
    argv, env = dashboard_command("127.0.0.1", 9999, "15m", [PROXY], resourcez=True)
    assert argv[1:3] == ["-m", "model.dashboard.server"]
    assert argv[argv.index("--allowed-host") + 1] == PROXY
    assert argv[-1] == "--resourcez"
    assert env["SOLARA_KERNEL_CULL_TIMEOUT"] == "15m"
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"


def test_a_bad_allowed_host_exits_2_with_one_line(capsys):
    assert main(["dashboard", "--allowed-host", "bad host"]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


# -- the server -------------------------------------------------------------------------------
def request(port: int, path: str = "/", host: str | None = None, method: str = "GET",
            headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
    """``method path`` with ``Host: host`` (default: the server's address); the response read."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_S)
    connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    connection.putheader("Host", host or f"127.0.0.1:{port}")
    for name, value in (headers or {}).items():
        connection.putheader(name, value)
    connection.endheaders()
    response = connection.getresponse()
    response.body = response.read() if response.status != 101 else b""
    connection.close()
    return response


def upgrade(port: int, host: str, origin: str) -> int:
    """The status of a raw websocket handshake to a new kernel (101: opened)."""
    kernel, page = uuid.uuid4(), uuid.uuid4()
    return request(port, f"/jupyter/api/kernels/{kernel}/channels?session_id={page}", host,
                   headers={"Origin": origin, "Upgrade": "websocket", "Connection": "Upgrade",
                            "Sec-WebSocket-Version": "13",
                            "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode()}
                   ).status


def websocket_url(port: int) -> str:
    return f"ws://127.0.0.1:{port}/jupyter/api/kernels/{uuid.uuid4()}/channels" \
           f"?session_id={uuid.uuid4()}"


@pytest.fixture(scope="module")
def port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    with serving(tmp_path_factory.mktemp("dashboard-http"), "--allowed-host", PROXY) as port:
        yield port


@pytest.fixture(scope="module")
def page(port: int) -> http.client.HTTPResponse:
    response = request(port, "/")
    assert response.status == 200, response.body[:500]
    return response


def policy(response: http.client.HTTPResponse) -> dict[str, list[str]]:
    csp = response.getheader("Content-Security-Policy") or ""
    return {name: values for name, *values in (part.split() for part in csp.split(";"))}


def assert_secured(response: http.client.HTTPResponse) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert response.getheader(name) == value, f"{name} on {response.status}"
    assert "camera=()" in (response.getheader("Permissions-Policy") or "")
    csp = policy(response)
    assert csp.get("frame-ancestors") == ["'none'"], f"no framing: {csp}"
    assert csp.get("default-src") == ["'none'"], f"nothing unless named: {csp}"
    assert "'unsafe-inline'" not in csp.get("script-src", []), "inline scripts by hash only"


def test_the_page_carries_the_security_headers(page):
    assert_secured(page)
    script_src = policy(page)["script-src"]
    inline = re.findall(rb"<script>(.*?)</script>", page.body, re.DOTALL)
    assert inline, "Solara's page has inline scripts"
    for body in inline:
        digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
        assert f"'sha256-{digest}'" in script_src, "every inline script is allowed by its hash"


def test_a_gzipped_page_gets_the_same_hashes(port, page):
    zipped = request(port, "/", headers={"Accept-Encoding": "gzip"})
    assert zipped.getheader("Content-Encoding") == "gzip"
    assert sorted(policy(zipped)["script-src"]) == sorted(policy(page)["script-src"])


def test_assets_errors_and_refusals_carry_them_too(port, page):
    asset = re.search(rb'<script src="(/[^"]+\.js)"', page.body).group(1).decode()
    for path, host, status in ((asset, None, 200), ("/static/main-vuetify.js", None, 200),
                               ("/no/such/page", None, 404), ("/", "evil.example", 400)):
        response = request(port, path, host)
        assert response.status == status, f"{path} on {host}: {response.status}"
        assert_secured(response)


def test_the_session_cookie_is_httponly_and_samesite(port):
    # Solara asks for SameSite=None on localhost (for embedding in iframes, which we forbid)
    for host in (f"127.0.0.1:{port}", f"localhost:{port}"):
        cookies = request(port, "/", host).headers.get_all("Set-Cookie")
        assert any(c.startswith("solara-session-id=") for c in cookies), cookies
        for cookie in cookies:
            attributes = [part.strip().lower() for part in cookie.split(";")]
            assert "httponly" in attributes, cookie
            assert "samesite=lax" in attributes, cookie


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1:1",
                                  f"{PROXY}.evil.example", "127.0.0.1:{port}, evil.example"])
def test_a_foreign_host_is_refused(port, host):
    response = request(port, "/", host.format(port=port))
    assert response.status == 400, f"Host {host} should be refused"


def test_the_proxy_name_and_the_loopback_names_are_served(port):
    for host in (PROXY, f"{PROXY}:443", f"localhost:{port}"):
        assert request(port, "/", host).status == 200, f"Host {host} is this server"
    assert upgrade(port, PROXY, f"https://{PROXY}") == 101, "a proxy that keeps the Host"
    with ws_client.connect(websocket_url(port), origin=f"https://{PROXY}", open_timeout=REQUEST_S):
        pass  # a proxy that passes the server's own address as Host


def test_a_websocket_to_a_foreign_host_is_refused(port):
    assert upgrade(port, f"127.0.0.1:{port}", f"http://127.0.0.1:{port}") == 101
    assert upgrade(port, f"evil.example:{port}", f"http://evil.example:{port}") == 403


@pytest.mark.parametrize("origin", ["http://evil.example", "null", f"https://{PROXY}.evil.example"])
def test_a_websocket_from_a_foreign_origin_is_refused(port, origin):
    with ws_client.connect(websocket_url(port), origin=f"http://127.0.0.1:{port}",
                           open_timeout=REQUEST_S):
        pass  # the same request from the page's own origin opens
    with pytest.raises(ws_exceptions.InvalidStatus) as refused:
        ws_client.connect(websocket_url(port), origin=origin, open_timeout=REQUEST_S)
    assert refused.value.response.status_code == 403


def test_a_cross_site_post_is_refused(port):
    path = f"/_solara/api/close/{uuid.uuid4()}?session_id={uuid.uuid4()}"
    own = request(port, path, method="POST", headers={"Origin": f"http://127.0.0.1:{port}"})
    assert own.status == 200
    foreign = request(port, path, method="POST", headers={"Origin": "http://evil.example"})
    assert foreign.status == 403


def test_resourcez_is_off_unless_asked_for(port, tmp_path):
    assert request(port, "/resourcez").status == 404
    assert request(port, "/resourcez/?verbose").status == 404
    with serving(tmp_path, "--allowed-host", PROXY, "--resourcez") as other:
        response = request(other, "/resourcez")
        assert response.status == 200
        assert b'"kernels"' in response.body
        assert_secured(response)


# -- in a browser -----------------------------------------------------------------------------
@pytest.mark.browser
def test_the_page_runs_under_the_policy(port):
    """The page renders, steps and draws its charts with no CSP violation in chromium."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("/usr/bin/chromium is missing (make chromium installs it)")
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"]
    violations, console = [], []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        try:
            page = browser.new_page()
            page.on("console", lambda message: console.append(message.text))
            page.expose_function("cspViolation", lambda text: violations.append(text))
            page.add_init_script("document.addEventListener('securitypolicyviolation', e => "
                                 "cspViolation(e.violatedDirective + ' ' + e.blockedURI))")
            page.goto(f"http://127.0.0.1:{port}/")
            expect = sync_api.expect
            expect(page.locator(".cogov-day")).to_have_text("0", timeout=REQUEST_S * 1000)
            for day in (1, 2):
                page.locator(".cogov-step").click()
                expect(page.locator(".cogov-day")).to_have_text(str(day),
                                                                timeout=REQUEST_S * 1000)
            expect(page.locator("img").first).to_be_visible(timeout=REQUEST_S * 1000)
        finally:
            browser.close()
    assert not violations, f"the page broke its policy: {violations}"
    assert not [m for m in console if "Content Security Policy" in m], console
