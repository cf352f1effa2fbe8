"""The ordered domain services started with the app and stopped with it.

Each entry is an async context manager factory taking the FastAPI app: it builds its service,
stores it on ``app.state`` and tears it down on exit. Order matters: later services may use
earlier ones (the gateway reads keys from the keyring; flows use the gateway and the runner).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from fastapi import FastAPI

from .budgets.component import budgets_component
from .commands.component import commands_component
from .db.lease import lease_component
from .flows.component import flows_component
from .keyring.component import keyring_component
from .ledger.capture_component import captures_component
from .llm.component import llm_component
from .terminal.component import terminal_component

Component = Callable[[FastAPI], AbstractAsyncContextManager[None]]


def components() -> list[Component]:
    return [
        keyring_component,
        llm_component,
        budgets_component,
        captures_component,
        lease_component,  # before the components whose runs it owns
        commands_component,
        flows_component,
        terminal_component,
    ]
