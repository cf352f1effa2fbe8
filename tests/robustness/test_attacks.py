"""Attacks from a real hostile page: another loopback origin tries to drive the API and terminal.

Every attempt targets a command that would create a marker file; the marker must never appear.
A same-origin control request proves the marker command itself works.
"""

from __future__ import annotations

import http.server
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser

from tests.e2e.harness import TOKEN, ServerProcess, free_port

pytestmark = pytest.mark.e2e


ATTACK_PAGE = """<!doctype html><html><body><h1>cute cats</h1>
<form id="f" method="POST" action="{api}/commands/run" enctype="text/plain">
  <input name='{{"command": "touch {marker}", "confirm": true, "x": "' value='"}}'>
</form>
<iframe name="sink" style="display:none"></iframe>
<script>
const results = {{}};
window.results = results;
async function attempt(name, fn) {{
  try {{ results[name] = String(await fn()); }} catch (e) {{ results[name] = "error: " + e; }}
}}
(async () => {{
  const body = JSON.stringify({{command: "touch {marker}", confirm: true}});
  await attempt("fetch_cors", () => fetch("{api}/commands/run", {{method: "POST", credentials: "include",
      headers: {{"Content-Type": "application/json"}}, body}}).then(r => r.status));
  await attempt("fetch_no_cors", () => fetch("{api}/commands/run", {{method: "POST", mode: "no-cors",
      credentials: "include", headers: {{"Content-Type": "text/plain"}}, body}}).then(r => r.type));
  await attempt("fetch_bearer_guess", () => fetch("{api}/commands/run", {{method: "POST",
      headers: {{"Content-Type": "application/json", "Authorization": "Bearer guess"}}, body}}).then(r => r.status));
  await attempt("xhr", () => new Promise((ok) => {{
      const x = new XMLHttpRequest(); x.open("POST", "{api}/commands/run"); x.withCredentials = true;
      x.setRequestHeader("Content-Type", "text/plain"); x.onloadend = () => ok(x.status); x.send(body); }}));
  await attempt("read_ledger", () => fetch("{api}/app/info", {{credentials: "include"}}).then(r => r.text()));
  await attempt("websocket", () => new Promise((ok) => {{
      const ws = new WebSocket("{ws}/terminal/sessions/x/ws");
      ws.onopen = () => ok("OPEN"); ws.onerror = () => ok("refused"); ws.onclose = () => ok("closed"); }}));
  document.getElementById("f").target = "sink";
  document.getElementById("f").submit();
  results.done = "yes";
}})();
</script></body></html>"""


class _Page(http.server.BaseHTTPRequestHandler):
    html = b""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(self.html)

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def attacker(server: ServerProcess, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    marker = tmp_path / "pwned"
    api = f"{server.base_url}/api"
    ws = api.replace("http://", "ws://")
    handler = type(
        "H", (_Page,), {"html": ATTACK_PAGE.format(api=api, ws=ws, marker=marker).encode()}
    )
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/", marker
    httpd.shutdown()


def test_hostile_page_on_another_loopback_port_cannot_drive_forge(
    browser: Browser, server: ServerProcess, attacker: tuple[str, Path]
) -> None:
    url, marker = attacker
    context = browser.new_context()
    page = context.new_page()
    # The victim is signed in: the HttpOnly cookie exists for 127.0.0.1 (cookies ignore ports).
    page.goto(server.login_url)
    page.goto(url)
    page.wait_for_function("window.results && window.results.done === 'yes'", timeout=15_000)
    time.sleep(1.0)  # let the form POST and any command that slipped through finish
    results = page.evaluate("window.results")
    context.close()
    assert not marker.exists(), f"an attack ran a command: {results}"
    assert results["websocket"] != "OPEN", results
    assert "version" not in results["read_ledger"], results  # nothing readable cross-origin
    # Control: the same command from a legitimate API client does run.
    with server.client() as c:
        res = c.post("/api/commands/run", json={"command": f"touch {marker}", "confirm": True})
        assert res.status_code == 201, res.text
        deadline = time.monotonic() + 10
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
    assert marker.exists()


def test_foreign_host_header_is_refused_and_runs_nothing(
    server: ServerProcess, tmp_path: Path
) -> None:
    marker = tmp_path / "rebind"
    body = json.dumps({"command": f"touch {marker}", "confirm": True})
    # A DNS-rebinding page would send its own name as Host (with the stolen cookie).
    raw = (
        f"POST /api/commands/run HTTP/1.1\r\nHost: attacker.example:{server.port}\r\n"
        f"Cookie: forge_token={TOKEN}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n{body}"
    )
    with socket.create_connection(("127.0.0.1", server.port)) as s:
        s.sendall(raw.encode())
        reply = s.recv(4096).decode()
    assert reply.startswith("HTTP/1.1 403"), reply
    time.sleep(0.5)
    assert not marker.exists()


def test_deeply_nested_json_is_a_clean_error(server: ServerProcess) -> None:
    nested = "[" * 100_000 + "]" * 100_000
    with server.client() as c:
        res = c.post("/api/commands", content=nested, headers={"Content-Type": "application/json"})
        assert res.status_code in (400, 413, 422), res.status_code
        assert set(res.json()) == {"error"}
        assert c.get("/api/health").status_code == 200


def test_static_path_traversal_never_leaves_the_app(server: ServerProcess) -> None:
    with httpx.Client(base_url=server.base_url) as c:
        for path in (
            "/../pyproject.toml",
            "/..%2f..%2fpyproject.toml",
            "/assets/..%2f..%2f..%2fsettings.py",
            "/%2e%2e/%2e%2e/etc/passwd",
        ):
            res = c.get(path)
            assert (
                "root:" not in res.text
                and "[project]" not in res.text
                and "BaseSettings" not in res.text
            )
