"""The runner against real subprocesses: exit codes, streams, cwd/env, timeouts, cancel, caps."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import psutil
import pytest

from forge_orchestrator.commands.output import MARKER_STREAM
from forge_orchestrator.commands.process import run_process
from forge_orchestrator.errors import ValidationFailed

CAP = 1024 * 1024


def gone(pid: int) -> bool:
    """Dead, or a zombie waiting for a lazy init to reap it (it no longer runs)."""
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


async def test_exit_codes_and_status() -> None:
    ok = await run_process("exit 0", timeout_s=10, output_cap=CAP)
    bad = await run_process("echo nope; exit 7", timeout_s=10, output_cap=CAP)
    assert (ok.status, ok.exit_code) == ("succeeded", 0)
    assert (bad.status, bad.exit_code, bad.output) == ("failed", 7, "nope\n")


async def test_stdout_and_stderr_are_tagged_in_order() -> None:
    seen: list[tuple[str, str]] = []
    result = await run_process(
        "echo one; sleep 0.2; echo two >&2; sleep 0.2; echo three",
        timeout_s=10,
        output_cap=CAP,
        on_chunk=lambda stream, text: seen.append((stream, text)),
    )
    expected = [("stdout", "one\n"), ("stderr", "two\n"), ("stdout", "three\n")]
    assert seen == expected
    assert [(s, t) for s, t, _ in result.chunks] == expected
    assert result.output == "one\ntwo\nthree\n"


async def test_cwd_env_and_stdin_closed(tmp_path: Path) -> None:
    result = await run_process(
        'pwd; echo "$GREETING"; echo "${PATH:+path-kept}"; cat; echo "stdin done"',
        cwd=str(tmp_path),
        env={"GREETING": "hello from env"},
        timeout_s=10,
        output_cap=CAP,
    )
    assert result.output.splitlines() == [
        str(tmp_path.resolve()),
        "hello from env",
        "path-kept",
        "stdin done",
    ]


async def test_missing_cwd_is_a_validation_error(tmp_path: Path) -> None:
    with pytest.raises(ValidationFailed) as info:
        await run_process("true", cwd=str(tmp_path / "nope"), timeout_s=5, output_cap=CAP)
    assert info.value.status_code == 422


async def test_unknown_shell_is_a_validation_error() -> None:
    with pytest.raises(ValidationFailed):
        await run_process("true", shell="no-such-shell-xyz", timeout_s=5, output_cap=CAP)


async def test_timeout_kills_the_whole_group_including_a_grandchild() -> None:
    result = await run_process("sleep 300 & echo $!; wait", timeout_s=1, output_cap=CAP)
    grandchild = int(result.output.split()[0])
    assert result.status == "timed_out"
    assert result.exit_code == -15
    assert gone(grandchild)
    assert gone(result.pid or 0)


async def test_a_grandchild_ignoring_sigterm_gets_sigkill_after_the_grace_period() -> None:
    result = await run_process(
        "bash -c 'trap \"\" TERM; echo $$; sleep 300; sleep 300' & wait",
        timeout_s=1,
        output_cap=CAP,
        grace_s=0.5,
    )
    stubborn = int(result.output.split()[0])
    assert result.status == "timed_out"
    assert gone(stubborn)


async def test_cancel_stops_a_running_command() -> None:
    cancel = asyncio.Event()

    def on_chunk(stream: str, text: str) -> None:
        if "started" in text:
            cancel.set()

    result = await run_process(
        "echo started; sleep 300", timeout_s=60, output_cap=CAP, on_chunk=on_chunk, cancel=cancel
    )
    assert result.status == "cancelled"
    assert result.output == "started\n"
    assert gone(result.pid or 0)


async def test_background_child_holding_the_pipe_does_not_hang_the_run() -> None:
    result = await run_process("sleep 300 & echo $!", timeout_s=60, output_cap=CAP)
    assert result.status == "succeeded"
    assert gone(int(result.output.split()[0]))


async def test_a_50_mb_producer_never_blocks_and_is_capped_head_and_tail() -> None:
    total = 50 * 1000 * 1000
    result = await run_process(
        f"echo BEGIN; head -c {total} /dev/zero | tr '\\0' x; echo; echo END >&2",
        timeout_s=120,
        output_cap=CAP,
    )
    assert result.status == "succeeded"
    assert result.truncated
    assert result.output_bytes == total + len("BEGIN\n\nEND\n")
    assert result.output.startswith("BEGIN\nxxx")
    assert result.output.endswith("x\nEND\n")
    assert "bytes omitted" in result.output
    assert CAP <= len(result.output.encode()) <= CAP + 200
    markers = [c for c in result.chunks if c[0] == MARKER_STREAM]
    assert len(markers) == 1


async def test_multibyte_characters_split_across_reads_survive() -> None:
    result = await run_process(
        "printf 'h\\xc3'; sleep 0.1; printf '\\xa9llo\\n'", timeout_s=10, output_cap=CAP
    )
    assert result.output == "héllo\n"


def test_no_leftover_children_of_the_test_process() -> None:
    # Every run above ended its group; none of our own children may still be alive.
    alive = [p for p in psutil.Process(os.getpid()).children(recursive=True) if not gone(p.pid)]
    assert alive == []


def test_the_runner_works_the_same_on_uvloop() -> None:
    # The server runs on uvloop (uvicorn[standard]); the runner must not depend on the loop.
    import uvloop

    async def scenario() -> tuple[str, list[tuple[str, str]], int, int | None]:
        chunks: list[tuple[str, str]] = []
        ordered = await run_process(
            "echo a; sleep 0.2; echo b >&2; exit 4",
            timeout_s=10,
            output_cap=CAP,
            on_chunk=lambda s, t: chunks.append((s, t)),
        )
        killed = await run_process("sleep 300 & echo $!; wait", timeout_s=0.5, output_cap=CAP)
        return killed.status, chunks, int(killed.output.split()[0]), ordered.exit_code

    status, chunks, grandchild, code = uvloop.run(scenario())
    assert chunks == [("stdout", "a\n"), ("stderr", "b\n")] and code == 4
    assert status == "timed_out" and gone(grandchild)
