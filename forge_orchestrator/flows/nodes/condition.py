"""The condition node: tests an upstream result; only the true or the false branch runs on."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

from ..conditions import ConditionData, ConditionError, check, describe, evaluate
from ..records import NodeRecord
from ..templates import NodeValues
from .base import FieldOption, FormField, NodeType, StepContext

_KINDS = [
    FieldOption(value="exit_code", label="Exit code"),
    FieldOption(value="contains", label="Output contains"),
    FieldOption(value="matches", label="Output matches (regex)"),
    FieldOption(value="json", label="JSON field"),
]
_OPS = [
    FieldOption(value=v, label=s)
    for v, s in (("eq", "=="), ("ne", "!="), ("lt", "<"), ("le", "<="), ("gt", ">"), ("ge", ">="))
]


class ConditionNode(NodeType[ConditionData]):
    name = "condition"
    data_model = ConditionData
    label = "Condition"
    description = "Choose the true or false branch"
    icon = "◇"
    defaults = {"kind": "exit_code", "source": "", "operator": "eq", "value": "0"}
    branches = True
    note = "Connect steps to the “true” and “false” handles; only the chosen branch runs."
    fields = (
        FormField(name="source", kind="upstream", label="Test the result of", required=True),
        FormField(name="kind", kind="select", label="Check", options=_KINDS),
        FormField(name="path", kind="text", label="JSON path", placeholder="verdict.score",
                  shown_when={"kind": ["json"]}),
        FormField(name="operator", kind="select", label="Operator", options=_OPS,
                  shown_when={"kind": ["exit_code", "json"]}, group="row:test"),
        FormField(name="value", kind="text", label="Value", group="row:test",
                  label_field="kind", labels_when={"contains": "Text", "matches": "Pattern"}),
        FormField(name="negate", kind="checkbox", label="Negate (swap true and false)"),
    )  # fmt: skip

    def upstream_refs(self, data: ConditionData) -> Iterator[tuple[str, str]]:
        yield "source", data.source

    def check(self, data: ConditionData) -> list[tuple[str, str]]:
        return check(data)

    async def execute(
        self,
        ctx: StepContext,
        node_id: str,
        data: ConditionData,
        rec: NodeRecord,
        values: dict[str, NodeValues],
        cancel: asyncio.Event,
    ) -> bool:
        rec.input = describe(data)
        if data.source not in values:
            raise ConditionError(f"node {data.source} did not run, so there is nothing to test")
        result = evaluate(data, values[data.source])
        rec.output = "true" if result else "false"
        rec.json = {"result": result}
        return True
