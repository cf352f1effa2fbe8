"""The approval node: the run waits here until a person approves or rejects."""

from __future__ import annotations

import asyncio

from pydantic import Field

from ..records import NodeRecord
from ..templates import NodeValues, render
from .base import FormField, NodeData, NodeType, StepContext


class ApprovalData(NodeData):
    message: str | None = Field(None, max_length=10_000)


class ApprovalNode(NodeType[ApprovalData]):
    name = "approval"
    data_model = ApprovalData
    label = "Approval"
    description = "Wait for a person to approve"
    icon = "✓"
    defaults = {"message": ""}
    gate = "always"
    gate_only = True
    template_fields = ("message",)
    fields = (
        FormField(
            name="message",
            kind="template",
            label="Message for the approver",
            multiline=True,
            help="The run pauses here until someone approves or rejects.",
        ),
    )

    async def prepare_gate(
        self,
        ctx: StepContext,
        node_id: str,
        data: ApprovalData,
        rec: NodeRecord,
        values: dict[str, NodeValues],
    ) -> None:
        rec.input = render(data.message or "", values, ctx.run.inputs) or None

    async def execute(
        self,
        ctx: StepContext,
        node_id: str,
        data: ApprovalData,
        rec: NodeRecord,
        values: dict[str, NodeValues],
        cancel: asyncio.Event,
    ) -> bool:
        return True  # approving the gate is the whole step
