"""Real `serve` processes for the containment tests, stopped (and their marked leftovers
killed, should a test fail) at the end."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.harness import ServerProcess

from .escapes import MARK_VAR, kill_marked


@pytest.fixture
def servers() -> Iterator[list[ServerProcess]]:
    started: list[ServerProcess] = []
    yield started
    for srv in started:
        srv.stop()
        if MARK_VAR in srv.env:
            kill_marked(srv.env[MARK_VAR])
