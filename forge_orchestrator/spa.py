"""Serves the built React app from static/, with client-side routes falling back to index.html."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse, Response

STATIC_DIR = Path(__file__).parent / "static"

NOT_BUILT = (
    '<!doctype html><html><head><meta charset="utf-8"><title>Forge Orchestrator</title></head>'
    "<body><h1>The web app has not been built</h1>"
    "<p>The API is running. Build the frontend with <code>make build</code> "
    "(or run <code>make run</code>), then reload this page.</p></body></html>"
)


def mount_spa(app: FastAPI, static_dir: Path = STATIC_DIR) -> None:
    root = static_dir.resolve()

    @app.get("/{path:path}", include_in_schema=False)
    async def spa(path: str) -> Response:
        index = root / "index.html"
        if path:
            candidate = (root / path).resolve()
            # resolve() + is_relative_to keeps "../" and symlink tricks inside static/.
            if candidate.is_relative_to(root) and candidate.is_file():
                immutable = path.startswith("assets/")
                headers = (
                    {"cache-control": "public, max-age=31536000, immutable"} if immutable else {}
                )
                return FileResponse(candidate, headers=headers)
        if index.is_file():
            return FileResponse(index, headers={"cache-control": "no-cache"})
        return HTMLResponse(NOT_BUILT, status_code=503)
