"""A real second web server on another loopback port: what the browser sends it cannot call Forge,
and the malformed cookies it sets for 127.0.0.1 do not lock the user out."""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from .harness import ServerProcess, free_port

# Cookies another app on 127.0.0.1 may well set; http.cookies.SimpleCookie rejects each of them.
MALFORMED_BY_SCRIPT = ["junk_no_equals", 'json={"a": 1, "b": [2, 3]}', "a=x y"]
# (A nameless cookie set both ways is one cookie, so the header sets only named ones.)
MALFORMED_BY_HEADER = ['hjson={"k": "v"}', "hb=x y"]


@dataclass
class Foreign:
    """A plain HTTP server (a stand-in for a Vite dev server) that records every request."""

    forge_port: int
    port: int = 0
    requests: list[dict[str, object]] = field(default_factory=list)
    server: http.server.ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def page_html(self) -> bytes:
        forge = f"http://127.0.0.1:{self.forge_port}"
        script = f"""
          // Path=/api as well: a longer path is sent first, ahead of Forge's own cookie.
          for (const c of {json.dumps(MALFORMED_BY_SCRIPT)}) {{
            document.cookie = c + "; path=/";
            document.cookie = c + "; path=/api";
          }}
          (async () => {{
            await fetch("/probe", {{credentials: "include"}});
            // Straight at Forge too, the way a malicious dependency would try.
            try {{
              await fetch("{forge}/api/commands/run", {{method: "POST", mode: "no-cors",
                credentials: "include", headers: {{"Content-Type": "text/plain"}},
                body: JSON.stringify({{command: "id", confirm: true}})}});
            }} catch (e) {{}}
            document.title = "done";
          }})();
        """
        return f"<!doctype html><title>foreign</title><script>{script}</script>".encode()

    def start(self) -> Foreign:
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.requests.append({"path": self.path, "headers": dict(self.headers.items())})
                body = outer.page_html() if self.path == "/" else b"ok"
                self.send_response(200)
                self.send_header("Content-Type", "text/html" if self.path == "/" else "text/plain")
                if self.path == "/":
                    for c in MALFORMED_BY_HEADER:
                        self.send_header("Set-Cookie", f"{c}; Path=/")
                        self.send_header("Set-Cookie", f"{c}; Path=/api")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.port = free_port()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def cookie_headers(self) -> list[str]:
        return [
            str(h["Cookie"])
            for r in self.requests
            if isinstance(h := r["headers"], dict) and "Cookie" in h
        ]


@pytest.fixture
def foreign(server: ServerProcess) -> Iterator[Foreign]:
    f = Foreign(forge_port=server.port).start()
    yield f
    f.stop()


def _visit_foreign(page: Page, foreign: Foreign) -> None:
    """Open the foreign app in another tab of the signed-in browser and let its script run."""
    other = page.context.new_page()
    other.goto(foreign.url + "/")
    expect(other).to_have_title("done", timeout=15_000)
    other.close()


def _pairs(header: str) -> list[str]:
    return [p.strip() for p in header.split(";") if p.strip()]


def test_nothing_a_foreign_port_receives_can_call_forge(
    page: Page, server: ServerProcess, foreign: Foreign, tmp_path: Path
) -> None:
    expect(page.get_by_role("heading", name="Welcome to Forge Orchestrator")).to_be_visible()
    _visit_foreign(page, foreign)
    received = foreign.cookie_headers()
    assert received, foreign.requests
    pieces = sorted({p for h in received for p in _pairs(h)})
    forge_cookies = [p for p in pieces if p.startswith("forge_")]
    # The browser does send Forge's cookie to the other port: cookies are not port-isolated.
    assert forge_cookies, pieces
    print(f"\nforeign port {foreign.port} received cookies: {pieces}")

    marker = tmp_path / "pwned"
    body = {"command": f"touch {marker}", "confirm": True}
    attempts: list[tuple[str, int]] = []
    url = f"{server.base_url}/api/commands/run"
    with httpx.Client(timeout=10) as c:
        # Every header the foreign server got, replayed as-is (Host rewritten to Forge's).
        for r in foreign.requests:
            headers = {
                k: v
                for k, v in dict(r["headers"]).items()  # type: ignore[call-overload]
                if k.lower() not in ("host", "content-length", "origin", "referer")
                and not k.lower().startswith("sec-fetch")
            }
            attempts.append(
                ("replayed headers", c.post(url, json=body, headers=headers).status_code)
            )
        for piece in pieces:
            name, _, value = piece.partition("=")
            for name_sent in {name, "forge_token", f"forge_session_{server.port}"}:
                res = c.post(url, json=body, headers={"Cookie": f"{name_sent}={value}"})
                attempts.append((f"cookie {name_sent}", res.status_code))
            for secret in {value.strip(), piece} - {""}:
                res = c.post(url, json=body, headers={"Authorization": f"Bearer {secret}"})
                attempts.append(("bearer", res.status_code))
                res = c.post(url, json=body, headers={"Cookie": piece, "X-Forge-Session": secret})
                attempts.append(("cookie + value as session header", res.status_code))
    print(f"replay attempts: {len(attempts)}, statuses: {sorted({s for _, s in attempts})}")
    time.sleep(0.5)
    assert not marker.exists(), attempts
    assert {s for _, s in attempts} == {401}, attempts
    # Forge itself still works in the signed-in tab.
    page.reload()
    expect(page.get_by_role("heading", name="Welcome to Forge Orchestrator")).to_be_visible()


def test_malformed_cookies_from_a_foreign_port_do_not_lock_the_user_out(
    page: Page, server: ServerProcess, foreign: Foreign
) -> None:
    expect(page.get_by_role("heading", name="Welcome to Forge Orchestrator")).to_be_visible()
    _visit_foreign(page, foreign)
    sent = " ; ".join(foreign.cookie_headers())
    for junk in ("junk_no_equals", '{"a": 1', "a=x y", 'hjson={"k"', "hb=x y"):
        assert junk in sent, sent  # the browser really stored and sent them for 127.0.0.1
    api_paths = [c for c in page.context.cookies() if c["path"] == "/api"]
    assert len(api_paths) == len(MALFORMED_BY_SCRIPT) + len(MALFORMED_BY_HEADER), api_paths
    page.reload()
    expect(page.get_by_role("heading", name="Welcome to Forge Orchestrator")).to_be_visible()
    expect(page.get_by_role("heading", name="Add a provider first")).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Commands", exact=True).click()
    expect(page.locator("main h1").first).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Open Forge with")).to_have_count(0)
    # Re-opening a login link also works with the junk still in the jar.
    page.goto(server.login_url)
    expect(page.get_by_role("heading", name="Welcome to Forge Orchestrator")).to_be_visible()
