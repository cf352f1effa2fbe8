"""Turns a run request into exactly what will be executed, and refuses what must not run yet."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from ..errors import Conflict
from ..settings import Settings
from .cards import get_card
from .models import RiskVerdict, RunRequest
from .process import merge_env, resolve_cwd, resolve_shell
from .risk import analyze
from .variables import render


@dataclass(frozen=True)
class PreparedRun:
    card_id: int | None
    command: str
    shell: str
    cwd: str | None
    env: dict[str, str]
    timeout_s: float
    risk: RiskVerdict


def prepare_run(engine: Engine, settings: Settings, req: RunRequest) -> PreparedRun:
    """Render variables, validate shell/cwd/env, check risk. Blocking (reads the card)."""
    if req.card_id is not None:
        card = get_card(engine, req.card_id)
        command = render(card.command, card.variables, req.variables)
        shell = req.shell or card.shell
        cwd = req.cwd if req.cwd is not None else card.cwd
    else:
        assert req.command is not None
        command = render(req.command, [], req.variables)
        shell = req.shell or "bash"
        cwd = req.cwd
    resolve_shell(shell)
    workdir = resolve_cwd(cwd)
    env = dict(req.env or {})
    merge_env(env)  # validates names and values
    timeout = min(
        req.timeout_s or settings.command_default_timeout_s, settings.command_max_timeout_s
    )
    risk = analyze(command)
    if risk.level == "dangerous" and not req.confirm:
        raise Conflict(
            "This command is dangerous; confirm to run it: " + "; ".join(risk.reasons),
            code="confirmation_required",
            details={"level": risk.level, "reasons": risk.reasons, "command": command},
        )
    return PreparedRun(
        card_id=req.card_id,
        command=command,
        shell=shell,
        cwd=workdir,
        env=env,
        timeout_s=timeout,
        risk=risk,
    )
