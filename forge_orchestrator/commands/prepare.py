"""Turns a run request into exactly what will be executed, and refuses what must not run yet.

Two things need a confirmation: a dangerous command (`confirm: true` or the token), and a value
that a nested interpreter will parse as code (only the token: it is a hash of the rendered
command and its values, so a confirmation given for other values cannot approve these).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import Connection

from ..errors import Conflict
from ..settings import Settings
from .cards import fetch_card
from .models import Binding, RiskVerdict, RunPreview, RunRequest
from .nested import merge_nested
from .process import merge_env, resolve_cwd, resolve_shell
from .risk import analyze
from .variables import Rendered, render


@dataclass(frozen=True)
class PreparedRun:
    card_id: int | None
    command: str
    shell: str
    cwd: str | None
    env: dict[str, str]
    timeout_s: float
    risk: RiskVerdict
    preview: RunPreview


def confirm_token(command: str, shell: str, env: dict[str, str]) -> str:
    """A digest of exactly what runs: the command, its shell and every bound value."""
    blob = json.dumps([command, shell, sorted(env.items())], ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


def _preview(rendered: Rendered, shell: str, risk: RiskVerdict, env: dict[str, str]) -> RunPreview:
    dangerous = risk.level == "dangerous" or bool(rendered.nested)
    return RunPreview(
        command=rendered.command,
        shell=shell,
        bindings=[Binding(name=b.name, env=b.env, value=b.value) for b in rendered.bindings],
        effective=rendered.effective,
        risk=risk,
        nested=rendered.nested,
        needs_confirmation=dangerous,
        typed_confirmation=dangerous,
        confirm_token=confirm_token(rendered.command, shell, env),
    )


def preview_run(conn: Connection, settings: Settings, req: RunRequest) -> PreparedRun:
    """Render and validate without refusing (what the run dialog shows). Reads the card."""
    if req.card_id is not None:
        card = fetch_card(conn, req.card_id)
        rendered = render(card.command, card.variables, req.variables)
        shell = req.shell or card.shell
        cwd = req.cwd if req.cwd is not None else card.cwd
    else:
        assert req.command is not None
        rendered = render(req.command, [], req.variables)
        shell = req.shell or "bash"
        cwd = req.cwd
    resolve_shell(shell)
    workdir = resolve_cwd(cwd)
    merge_env(req.env)  # validates names and values
    # The bindings go last so a caller's env cannot replace what a reference expands to.
    env = {**(req.env or {}), **rendered.env}
    timeout = min(
        req.timeout_s or settings.command_default_timeout_s, settings.command_max_timeout_s
    )
    risk = merge_nested(analyze(rendered.analysis), rendered.nested)
    return PreparedRun(
        card_id=req.card_id,
        command=rendered.command,
        shell=shell,
        cwd=workdir,
        env=env,
        timeout_s=timeout,
        risk=risk,
        preview=_preview(rendered, shell, risk, env),
    )


def prepare_run(conn: Connection, settings: Settings, req: RunRequest) -> PreparedRun:
    """Like preview_run, but 409 `confirmation_required` unless what needs confirming is."""
    prepared = preview_run(conn, settings, req)
    preview = prepared.preview
    tokened = req.confirm_token is not None and req.confirm_token == preview.confirm_token
    if preview.nested and not tokened:
        message = "A value would be parsed as code by a nested interpreter; confirm to run: "
    elif prepared.risk.level == "dangerous" and not (req.confirm or tokened):
        message = "This command is dangerous; confirm to run it: "
    else:
        return prepared
    raise Conflict(
        message + "; ".join(prepared.risk.reasons),
        code="confirmation_required",
        details={
            "level": prepared.risk.level,
            "reasons": prepared.risk.reasons,
            "command": preview.command,
            "effective": preview.effective,
            "bindings": [b.model_dump() for b in preview.bindings],
            "nested": preview.nested,
            "confirm_token": preview.confirm_token,
        },
    )
