"""`forge-orchestrator flows run|validate`: run a saved flow or a flow file without the web UI."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..cli_support import add_data_dir_option, settings_from_args
from ..datadir_lock import DataDirInUse, hold
from ..errors import AppError
from ..settings import Settings

if TYPE_CHECKING:
    from fastapi import FastAPI

# The composition root (the top-level cli) hands in the app factory: flows sit below the app.
AppFactory = Callable[[Settings], "FastAPI"]

_MARK = {
    "running": "▶",
    "succeeded": "✓",
    "failed": "✗",
    "skipped": "↷",
    "cancelled": "■",
    "awaiting_approval": "⏸",
    "interrupted": "!",
}


def _load_file(path: Path) -> tuple[dict[str, Any], str]:
    """A flow file: an export ({format, name, data}) or a bare definition ({nodes, edges})."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SystemExit(f"cannot read {path}: {exc}") from exc
    if isinstance(doc, dict) and isinstance(doc.get("data"), dict):
        return doc["data"], str(doc.get("name") or path.stem)
    if not isinstance(doc, dict):
        raise SystemExit(f"{path}: expected a JSON object with nodes and edges")
    return doc, path.stem


def _inputs(pairs: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise SystemExit(f"--input expects NAME=VALUE, got {pair!r}")
        out[key] = value
    return out


def _print_error(exc: AppError) -> None:
    print(f"error: {exc.message}", file=sys.stderr)
    if isinstance(exc.details, list):
        for d in exc.details:
            if isinstance(d, dict) and "message" in d:
                where = f"node {d['node_id']}, " if d.get("node_id") else ""
                print(f"  - {where}{d.get('field')}: {d['message']}", file=sys.stderr)


class _Progress:
    def __init__(self) -> None:
        self.last: dict[str, str] = {}

    def node(self, rec: dict[str, Any]) -> None:
        status = rec["status"]
        if self.last.get(rec["node_id"]) == status or status in ("pending", "queued"):
            return
        self.last[rec["node_id"]] = status
        line = f"{_MARK.get(status, '·')} {rec['node_id']:<20} {status}"
        if rec.get("duration_ms") is not None and status in ("succeeded", "failed"):
            line += f" ({rec['duration_ms'] / 1000:.2f}s)"
        if rec.get("attempts", 0) > 1 and status == "running":
            line += f" (attempt {rec['attempts']})"
        if rec.get("error") and status in ("failed", "skipped"):
            line += f": {rec['error']}"
        if status == "awaiting_approval" and rec.get("estimated_cost_usd") is not None:
            line += f" (estimated cost ${rec['estimated_cost_usd']:.4f})"
        print(line, flush=True)

    @staticmethod
    def output(chunk: dict[str, Any]) -> None:
        for text in chunk["data"].splitlines():
            print(f"  │ {chunk['node_id']}: {text}", flush=True)


async def _decide(manager: Any, run_id: int, rec: dict[str, Any], auto: bool) -> None:
    node_id = rec["node_id"]
    if auto:
        approve = True
    elif sys.stdin.isatty():
        prompt = rec.get("input") or ""
        answer = await asyncio.to_thread(input, f"  approve {node_id}? {prompt} [y/N] ")
        approve = answer.strip().lower() in ("y", "yes")
    else:
        print(
            f"  {node_id} needs approval and there is no terminal to ask: rejected "
            "(pass --auto-approve to approve every step up front)",
            flush=True,
        )
        approve = False
    await manager.decide(run_id, node_id, approve=approve)


async def _run(args: argparse.Namespace, target: int | tuple[dict[str, Any], str]) -> int:
    settings = settings_from_args(args).model_copy(update={"open_browser": False})
    # Recovery at start-up would take over a live server's runs: one process per data dir.
    try:
        with hold(settings.data_dir):
            return await _run_locked(args, target, settings)
    except DataDirInUse as exc:
        _print_error(exc)
        return 2


async def _run_locked(
    args: argparse.Namespace, target: int | tuple[dict[str, Any], str], settings: Any
) -> int:
    make_app: AppFactory = args.make_app
    app = make_app(settings)
    async with app.router.lifespan_context(app):
        manager = app.state.flows
        try:
            if isinstance(target, int):
                started = await manager.start(target, _start_body(args))
                run_id, name = started.id, started.flow_name
            else:
                data, name = target
                record = await manager.start_definition(
                    data,
                    flow_id=None,
                    flow_name=name,
                    inputs=_inputs(args.input),
                    auto_approve=True if args.auto_approve else None,
                )
                run_id = record.id
        except AppError as exc:
            _print_error(exc)
            return 2
        print(f"Run {run_id} of {name!r} started", flush=True)
        progress = _Progress()
        events = await manager.subscribe(run_id)
        try:
            async for event, payload in events:
                if event == "snapshot":
                    for rec in payload["nodes"]:
                        progress.node(rec)
                elif event == "node":
                    progress.node(payload)
                    if payload["status"] == "awaiting_approval":
                        await _decide(manager, run_id, payload, args.auto_approve)
                elif event == "output":
                    progress.output(payload)
        except asyncio.CancelledError:
            await manager.cancel(run_id)
            raise
        run = await manager.get_run(run_id)
    t = run.totals
    print(
        f"Run {run.id} {run.status} in {(t.duration_ms or 0) / 1000:.2f}s"
        + (
            f" — {t.input_tokens}+{t.output_tokens} tokens, ${t.cost_usd:.4f}"
            if t.input_tokens
            else ""
        )
        + (f": {run.error}" if run.error else ""),
        flush=True,
    )
    return 0 if run.status == "succeeded" else 1


def _start_body(args: argparse.Namespace) -> Any:
    # The flow models and graph checker load on use, not with every command line (start-up).
    from .models import StartRun

    return StartRun(inputs=_inputs(args.input), auto_approve=True if args.auto_approve else None)


def _cmd_run(args: argparse.Namespace) -> int:
    ref = str(args.flow)
    # A number is a saved flow's id unless a file by that name exists.
    target = int(ref) if ref.isdigit() and not Path(ref).exists() else _load_file(Path(ref))
    try:
        return asyncio.run(_run(args, target))
    except KeyboardInterrupt:
        print("cancelled", file=sys.stderr)
        return 130


def _cmd_validate(args: argparse.Namespace) -> int:
    # Loaded on use, as in _start_body.
    from .graph import check_definition

    data, name = _load_file(Path(args.file))
    graph, issues = check_definition(data)
    if graph is not None:
        print(f"{name}: valid ({len(graph.order)} steps, {len(graph.definition.edges)} edges)")
        return 0
    print(f"{name}: {len(issues)} problem(s)", file=sys.stderr)
    for i in issues:
        where = f"node {i.node_id}, " if i.node_id else ""
        print(f"  - {where}{i.field}: {i.message}", file=sys.stderr)
    return 1


def register(sub: Any, make_app: AppFactory) -> None:
    flows = sub.add_parser("flows", help="run or validate flows without the web UI")
    fsub = flows.add_subparsers(dest="flows_command", metavar="ACTION", required=True)
    run = fsub.add_parser(
        "run",
        help="run a saved flow (by id) or a flow file; prints live progress; exit 1 on failure",
    )
    run.add_argument("flow", help="a saved flow's id, or a JSON file (an export or {nodes, edges})")
    run.add_argument(
        "--input", action="append", default=[], metavar="NAME=VALUE", help="a run input (repeat)"
    )
    run.add_argument(
        "--auto-approve",
        action="store_true",
        help="approve every llm step's cost and every approval step up front "
        "(otherwise you are asked on a terminal; without one they are rejected)",
    )
    add_data_dir_option(run)
    run.set_defaults(handler=_cmd_run, make_app=make_app)
    validate = fsub.add_parser("validate", help="check a flow file; lists every problem")
    validate.add_argument("file", help="a JSON flow file")
    validate.set_defaults(handler=_cmd_validate)
