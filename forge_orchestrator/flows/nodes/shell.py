"""The shell node: a command (or a command card) run in its own process group."""

from __future__ import annotations

import asyncio
import json

from pydantic import Field, model_validator
from sqlalchemy import Connection

from ...capped_output import CappedOutput
from ...commands.cards import get_card
from ...errors import NotFound
from ...procs.containment import new_tag, scope
from ..records import NodeRecord
from ..services import CardCommand
from ..templates import NodeValues, render, render_shell
from .base import RETRY_FIELDS, FormField, Lookups, NodeType, RetryableData, StepContext

_COMMAND_HELP = (
    "Type {{ for upstream results and inputs. Values reach the shell through its environment, "
    "never as code; a value inside bash -c, eval, ssh… makes the step fail."
)


class ShellData(RetryableData):
    command: str | None = Field(None, max_length=100_000)
    card_id: int | None = Field(None, ge=1)
    cwd: str | None = Field(None, max_length=4096)
    env: dict[str, str] = Field(default_factory=dict)
    # Values for a command card's own {{name}} placeholders (they may use flow templates).
    variables: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _command_or_card(self) -> ShellData:
        has_command = bool(self.command and self.command.strip())
        if not has_command and self.card_id is None:
            raise ValueError("a shell step needs a command (or a command card id in card_id)")
        if has_command and self.card_id is not None:
            raise ValueError("give a command or a command card id (card_id), not both")
        return self


class ShellNode(NodeType[ShellData]):
    name = "shell"
    data_model = ShellData
    label = "Shell"
    description = "Run a command or a command card"
    icon = "\u203a_"
    defaults = {"command": "", "retries": 0, "continue_on_error": False}
    spawns_process = True
    model_error_field = "command"
    template_fields = ("command", "cwd")
    template_maps = ("env", "variables")
    fields = (
        FormField(name="command", kind="template", label="Command", multiline=True, mono=True,
                  placeholder="make test", help=_COMMAND_HELP, one_of="source",
                  choice_label="Command"),
        FormField(name="card_id", kind="number", label="Card id", minimum=1, one_of="source",
                  choice_label="Command card", help="The id shown on the Commands screen."),
        FormField(name="cwd", kind="template", label="Working directory", mono=True,
                  placeholder="current directory"),
        FormField(name="env", kind="env", label="Environment (one NAME=value per line)"),
        *RETRY_FIELDS,
    )  # fmt: skip

    def resolve(
        self, conn: Connection, node_id: str, data: ShellData, found: Lookups
    ) -> list[tuple[str, str]]:
        if data.card_id is None:
            return []
        try:
            card = get_card(conn, data.card_id)
        except NotFound:
            return [("card_id", f"command card {data.card_id} does not exist")]
        found.cards[node_id] = CardCommand(
            command=card.command, shell=card.shell, cwd=card.cwd, variables=tuple(card.variables)
        )
        return []

    async def execute(
        self,
        ctx: StepContext,
        node_id: str,
        data: ShellData,
        rec: NodeRecord,
        values: dict[str, NodeValues],
        cancel: asyncio.Event,
    ) -> bool:
        settings = ctx.services.settings
        inputs = ctx.run.inputs
        card = ctx.cards.get(node_id)
        card_values = {k: render(v, values, inputs) for k, v in data.variables.items()}
        rendered = render_shell(
            card.command if card else data.command or "",
            values,
            inputs,
            card_values if card else None,
            card.variables if card else (),
        )
        command = rendered.command
        # The recorded input is exactly what runs: values are bound in the environment.
        rec.input = ctx.redact(command)
        if rendered.nested:
            # Nobody can confirm mid-run, and an upstream output (an LLM's, say) is untrusted.
            rec.error = (
                "Refused: a value would be parsed as code by a nested interpreter ("
                + "; ".join(rendered.nested)
                + "). Pass it as an argument instead, e.g. bash -c '… \"$1\" …' _ {{ … }}"
            )
            return False
        cwd_template = data.cwd or (card.cwd if card else None)
        cwd = render(cwd_template, values, inputs) if cwd_template else None
        env = {k: render(v, values, inputs) for k, v in data.env.items()}
        env.update(rendered.env)  # last, so a node's env cannot change what a reference means
        timeout = min(
            data.timeout_s or settings.command_default_timeout_s, settings.command_max_timeout_s
        )
        cap = settings.command_output_cap_bytes
        out, err = CappedOutput(cap), CappedOutput(cap)

        def on_chunk(stream: str, text: str) -> None:
            (out if stream == "stdout" else err).add(stream, text)
            ctx.output(node_id, stream, text)

        result = await ctx.services.run_command(
            command,
            shell=card.shell if card else "bash",
            cwd=cwd,
            env=env or None,
            timeout_s=timeout,
            output_cap=cap,
            on_chunk=on_chunk,
            cancel=cancel,
            tag=new_tag(scope(settings.data_dir), "flow"),
        )
        rec.exit_code = result.exit_code
        rec.output = ctx.redact(out.text())
        rec.stderr = ctx.redact(err.text()) or None
        rec.json = None
        stripped = rec.output.strip()
        if stripped[:1] in ("{", "[") and not out.truncated:
            try:
                rec.json = json.loads(stripped)
            except ValueError:
                rec.json = None
        if result.status == "succeeded":
            return True
        if result.status == "timed_out":
            rec.error = f"Timed out after {timeout:g}s (process group killed)"
        elif result.status == "cancelled":
            rec.error = "Cancelled"
        else:
            tail = (rec.stderr or "").strip().splitlines()[-1:] or [""]
            rec.error = f"Exited with code {result.exit_code}" + (
                f": {tail[0][:300]}" if tail[0] else ""
            )
        return False
