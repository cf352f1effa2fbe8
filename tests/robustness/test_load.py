"""50 concurrent clients mixing reads, card creation, LLM calls, command runs and flow runs:
zero errors and zero lost writes (row counts equal the successful requests)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.harness import ServerProcess
from tests.fakes.fixtures import FAKE_OPENAI_KEY
from tests.fakes.llm_server import FakeLLMServer, Reply

from .load import ARCHITECT_ANSWER, count_rows, create_flow, run_load, summary, wait_for_runs


@pytest.fixture
def loaded_server(tmp_path: Path, fake_llm: FakeLLMServer) -> Iterator[ServerProcess]:
    fake_llm.default = Reply(text=ARCHITECT_ANSWER, input_tokens=50, output_tokens=30)
    env = {"OPENAI_BASE_URL": fake_llm.openai_base_url, "OPENAI_API_KEY": FAKE_OPENAI_KEY}
    srv = ServerProcess(data_dir=tmp_path / "data", env=env).start()
    yield srv
    srv.stop()


@pytest.mark.parametrize(
    "ops_per_client",
    [pytest.param(8, id="bounded"), pytest.param(60, id="soak", marks=pytest.mark.soak)],
)
def test_fifty_concurrent_clients_lose_nothing(
    loaded_server: ServerProcess, ops_per_client: int
) -> None:
    base = loaded_server.base_url
    flow_id = create_flow(base)
    result = run_load(base, clients=50, ops_per_client=ops_per_client, flow_id=flow_id)
    print("\n" + summary(result))
    assert result.errors == [], result.errors[:5]
    finals = wait_for_runs(base, result)
    assert finals["unfinished"] == 0, finals
    assert finals["command:succeeded"] == result.ok["command"], finals
    assert finals["flow:succeeded"] == result.ok["flow"], finals
    # Read the file only once the server has shut down: no second process touches a live WAL.
    loaded_server.stop()
    after = count_rows(loaded_server.data_dir / "forge.db")
    # The data dir started empty: every successful write is in the database, exactly once.
    assert after["token_ledger"] == result.ok["architect"]
    assert after["command_cards"] == result.ok["card"] + result.ok["architect"]
    assert after["command_runs"] == result.ok["command"]
    assert after["flow_runs"] == result.ok["flow"]
