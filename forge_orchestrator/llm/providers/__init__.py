"""One module per vendor wire format, all behind the small Adapter protocol defined here."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..types import LLMRequest, Usage

# A paginated model list is cut off here: enough for any real server, bounded for a broken one.
MAX_MODELS = 1000


async def collect_model_ids(models: AsyncIterable[Any]) -> list[str]:
    """Sorted ids from an SDK's auto-paginating model list, at most MAX_MODELS of them."""
    out: list[str] = []
    async for m in models:
        out.append(str(m.id))
        if len(out) >= MAX_MODELS:
            break
    return sorted(out)


JSON_INSTRUCTION = (
    "Respond with one valid JSON object and nothing else: no prose, no Markdown code fences."
)


@dataclass(frozen=True)
class Timeouts:
    connect_s: float
    read_s: float


@dataclass
class RawResult:
    """What one successful provider call returned, before pricing and recording."""

    text: str
    model: str | None
    usage: Usage | None
    request_id: str | None


@dataclass
class StreamState:
    """Filled in while a stream is read; usage stays None if the provider sent none."""

    model: str | None = None
    usage: Usage | None = None
    request_id: str | None = None
    chunks: list[str] = field(default_factory=list)


class OpenStream(Protocol):
    state: StreamState

    def texts(self) -> AsyncIterator[str]: ...

    async def close(self) -> None: ...


class Adapter(Protocol):
    """A provider client: the SDK's own retries are off; the gateway counts attempts."""

    label: str

    async def complete(self, req: LLMRequest, model: str, timeouts: Timeouts) -> RawResult: ...

    async def open_stream(self, req: LLMRequest, model: str, timeouts: Timeouts) -> OpenStream: ...

    async def list_models(self, timeouts: Timeouts) -> list[str]: ...

    async def aclose(self) -> None: ...
