"""Terminal: PTY -> WebSocket throughput for a 100 MB `cat` and keystroke echo round trip.

A real `forge-orchestrator serve` process on 127.0.0.1; the client is the `websockets` library,
acking every output frame as soon as it arrives (what xterm.js does from its write callback).
Baselines measured in the same run: `cat file > /dev/null` (a raw pipe) and the same `cat` read
straight from a PTY with no server in between (what the kernel's terminal layer alone allows).
The WebSocket figure is given without and with permessage-deflate (which browsers negotiate).
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import pty
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.harness import TOKEN, ServerProcess  # noqa: E402

AUTH = {"Authorization": f"Bearer {TOKEN}"}  # scripts authenticate sockets with the header

SIZE_MB = int(os.environ.get("BENCH_TERMINAL_MB", "100"))
KEYSTROKES = int(os.environ.get("BENCH_KEYSTROKES", "300"))
WARMUP = 20


def make_file(path: Path) -> None:
    """Printable 76-column lines (base64 of random bytes), like a big log file."""
    chunk = base64.encodebytes(os.urandom(57 * 16 * 1024))
    with path.open("wb") as fh:
        written = 0
        while written < SIZE_MB * 1_000_000:
            fh.write(chunk)
            written += len(chunk)


def pipe_baseline(path: Path) -> float:
    subprocess.run(["cat", str(path)], stdout=subprocess.DEVNULL, check=True)  # warm the cache
    start = time.perf_counter()
    subprocess.run(f"cat '{path}' > /dev/null", shell=True, check=True)
    return time.perf_counter() - start


def raw_pty_baseline(path: Path) -> float:
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp("cat", ["cat", str(path)])
    while True:
        try:
            if not os.read(fd, 65536):
                break
        except OSError:
            break
    os.waitpid(pid, 0)
    os.close(fd)
    return time.perf_counter() - start


class Client:
    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.tail = ""
        self.received = 0

    async def frame(self) -> dict[str, Any]:
        frame: dict[str, Any] = json.loads(await self.ws.recv())
        if frame["type"] in ("output", "replay"):
            await self.ws.send(json.dumps({"type": "ack", "bytes": frame["bytes"]}))
            self.received += frame["bytes"]
            self.tail = (self.tail + frame["data"])[-4096:]
        return frame

    async def until(self, marker: str) -> None:
        while marker not in self.tail:
            await self.frame()
        self.tail = ""

    async def type(self, text: str) -> None:
        await self.ws.send(json.dumps({"type": "input", "data": text}))


async def throughput(url: str, path: Path, *, deflate: bool) -> tuple[float, int]:
    # Browsers offer permessage-deflate and uvicorn accepts it; on loopback it only costs CPU.
    async with connect(
        url, max_size=None, compression="deflate" if deflate else None, additional_headers=AUTH
    ) as ws:
        client = Client(ws)
        await client.type("stty -echo; PS1='$ '; echo ready-$((1+1))\r")
        await client.until("ready-2")
        start_bytes = client.received
        start = time.perf_counter()
        await client.type(f"cat '{path}'; echo cat-done-$((2+2))\r")
        await client.until("cat-done-4")
        return time.perf_counter() - start, client.received - start_bytes


async def keystrokes(url: str) -> list[float]:
    samples: list[float] = []
    async with connect(url, max_size=None, additional_headers=AUTH) as ws:
        client = Client(ws)
        await client.type("stty echo; PS1='$ '; echo ready-$((3+3))\r")
        await client.until("ready-6")
        for i in range(WARMUP + KEYSTROKES):
            # Type a letter, then erase it: readline echoes "k", then "\b \b" (or "\b\x1b[K").
            for key, echo in (("k", "k"), ("\x7f", "\b")):
                start = time.perf_counter()
                await client.type(key)
                await client.until(echo)
                if i >= WARMUP:
                    samples.append((time.perf_counter() - start) * 1000)
    return samples


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.txt"
        make_file(path)
        size_mb = path.stat().st_size / 1e6
        home = Path(tmp) / "home"  # an empty home: the shell skips the developer's rc files
        home.mkdir()
        server = ServerProcess(data_dir=Path(tmp) / "data", env={"HOME": str(home)}).start()
        try:
            with httpx.Client(
                base_url=server.base_url, headers={"Authorization": f"Bearer {TOKEN}"}
            ) as api:
                sid = api.post("/api/terminal/sessions", json={"rows": 50, "cols": 200}).json()[
                    "id"
                ]
                ws_url = f"ws://127.0.0.1:{server.port}/api/terminal/sessions/{sid}/ws"
                pipe_s = pipe_baseline(path)
                pty_s = raw_pty_baseline(path)
                ws_s, pty_bytes = asyncio.run(throughput(ws_url, path, deflate=False))
                deflate_s, _ = asyncio.run(throughput(ws_url, path, deflate=True))
                rtts = asyncio.run(keystrokes(ws_url))
                api.delete(f"/api/terminal/sessions/{sid}")
        finally:
            server.stop()
    print(
        f"file: {size_mb:.0f} MB of 76-column lines ({pty_bytes / 1e6:.0f} MB after the PTY's CRLF)"
    )
    print(f"PTY -> WebSocket (client acking) : {size_mb / ws_s:8.1f} MB/s  ({ws_s:.2f} s)")
    print(
        f"  same, permessage-deflate on    : {size_mb / deflate_s:8.1f} MB/s  ({deflate_s:.2f} s)"
    )
    print(f"baseline raw pipe (cat > /dev/null): {size_mb / pipe_s:8.1f} MB/s  ({pipe_s:.2f} s)")
    print(f"reference raw PTY read, no server  : {size_mb / pty_s:8.1f} MB/s  ({pty_s:.2f} s)")
    print(
        f"keystroke echo round trip (n={len(rtts)}): "
        f"p50 {percentile(rtts, 50):.2f} ms, p99 {percentile(rtts, 99):.2f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
