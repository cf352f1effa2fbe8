"""Executes one node attempt through its node type (flows.nodes); errors become the step's."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from ..errors import AppError
from .conditions import ConditionError
from .graph import FlowGraph
from .nodes.base import StepContext
from .records import NodeRecord, RunRecord
from .services import CardCommand, OutputSink, StepServices
from .templates import NodeValues, TemplateError


class StepRunner:
    def __init__(
        self,
        graph: FlowGraph,
        run: RunRecord,
        services: StepServices,
        cards: Mapping[str, CardCommand],
        on_output: OutputSink | None = None,
    ) -> None:
        self.graph = graph
        self.ctx = StepContext(run=run, services=services, cards=cards, on_output=on_output)

    async def prepare_gate(
        self, node_id: str, rec: NodeRecord, values: dict[str, NodeValues]
    ) -> None:
        data = self.graph.data[node_id]
        try:
            await self.graph.kind(node_id).prepare_gate(self.ctx, node_id, data, rec, values)
        except (TemplateError, AppError) as exc:
            rec.error = str(exc)

    async def execute(
        self, node_id: str, rec: NodeRecord, values: dict[str, NodeValues], cancel: asyncio.Event
    ) -> bool:
        data = self.graph.data[node_id]
        rec.error = None
        try:
            return await self.graph.kind(node_id).execute(
                self.ctx, node_id, data, rec, values, cancel
            )
        except (TemplateError, ConditionError) as exc:
            rec.error = str(exc)
        except AppError as exc:
            rec.error = self.ctx.redact(exc.message)
        return False
