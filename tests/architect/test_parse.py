"""Messy model answers: every shape a real model produces becomes the same suggestion."""

from __future__ import annotations

import json

import pytest

from forge_orchestrator.architect.chatter import card_name
from forge_orchestrator.architect.parse import UnparseableAnswer, parse_answer

DU = "du -sh * | sort -h"

CASES: list[tuple[str, str, dict[str, object]]] = [
    (
        "plain_json",
        '{"name": "Disk usage", "command": "du -sh * | sort -h", "description": "Sizes.",'
        ' "explanation": [{"part": "du -sh *", "meaning": "size of each entry"},'
        ' {"part": "sort -h", "meaning": "human-readable sort"}], "assumptions": ["GNU sort"]}',
        {
            "name": "Disk usage",
            "format": "json",
            "parts": ["du -sh *", "sort -h"],
            "assumptions": ["GNU sort"],
        },
    ),
    (
        "json_fence_with_prose",
        'Sure! Here is the command:\n```json\n{"name": "Disk usage", "command": "du -sh * | sort -h",'
        ' "description": "Sizes."}\n```\nLet me know if you need more.',
        {"name": "Disk usage", "format": "json_fence"},
    ),
    (
        "trailing_commas_and_single_quotes",
        "{'name': 'Disk usage', 'command': 'du -sh * | sort -h', 'description': 'It\\'s sizes.',"
        " 'assumptions': ['GNU sort',],}",
        {"name": "Disk usage", "description": "It's sizes.", "assumptions": ["GNU sort"]},
    ),
    (
        "bare_keys_python_literals_comment",
        '{name: "Disk usage", // the title\n command: "du -sh * | sort -h", safe: True}',
        {"name": "Disk usage", "format": "json"},
    ),
    (
        "json_embedded_in_prose",
        'I would use this: {"title": "Disk usage", "cmd": "du -sh * | sort -h"} which sorts sizes.',
        {"name": "Disk usage", "format": "json_embedded"},
    ),
    (
        "wrapped_and_explanation_as_dict",
        '{"answer": {"name": "Disk usage", "command": "du -sh * | sort -h",'
        ' "explanation": {"du -sh *": "size of each entry", "sort -h": "sorts 1K < 1M"},'
        ' "assumptions": "GNU coreutils"}}',
        {"parts": ["du -sh *", "sort -h"], "assumptions": ["GNU coreutils"]},
    ),
    (
        "bash_fence_with_markdown_sections",
        "**Name:** Disk usage\n\nShows what takes space here.\n\n```bash\n$ du -sh * | sort -h\n```\n\n"
        "**Explanation:**\n- `du -sh *`: size of each entry\n- `sort -h`: human-readable sort\n\n"
        "**Assumptions:**\n- GNU sort is installed",
        {
            "name": "Disk usage",
            "description": "Shows what takes space here.",
            "format": "shell_fence",
            "parts": ["du -sh *", "sort -h"],
            "assumptions": ["GNU sort is installed"],
        },
    ),
    (
        "sh_fence_with_comment_line",
        "Try this:\n```sh\n# biggest first\ndu -sh * | sort -h\n```",
        # "Try this:" only leads into the block; it says nothing about the command.
        {"format": "shell_fence", "description": ""},
    ),
    (
        "console_transcript_drops_output",
        "```console\n$ du -sh * | sort -h\n4.0K\tREADME.md\n12M\tnode_modules\n```",
        {"format": "shell_fence"},
    ),
    (
        "labelled_command_line",
        "Command: `du -sh * | sort -h`\nDescription: Lists entries by size.",
        {"description": "Lists entries by size.", "format": "prose"},
    ),
    (
        "inline_code_in_prose",
        "You can run `du -sh * | sort -h` to see sizes, smallest first.",
        {"format": "prose"},
    ),
    (
        "truncated_json_keeps_command",
        '{"name": "Disk usage", "command": "du -sh * | sort -h", "description": "Lists entr',
        {"format": "json_fields"},
    ),
    (
        "command_as_list_of_steps",
        '{"name": "Build", "command": ["cd app", "make"]}',
        {"command": "cd app && make"},
    ),
    (
        "json_with_fenced_command_inside",
        '{"name": "Disk usage", "command": "```bash\\ndu -sh * | sort -h\\n```"}',
        {"name": "Disk usage"},
    ),
]


@pytest.mark.parametrize(("label", "text", "expect"), CASES, ids=[c[0] for c in CASES])
def test_messy_answers_are_parsed(label: str, text: str, expect: dict[str, object]) -> None:
    answer = parse_answer(text)
    assert answer.command == expect.get("command", DU)
    for key in ("name", "description", "format", "assumptions"):
        if key in expect:
            assert getattr(answer, key) == expect[key], (label, key, answer)
    if "parts" in expect:
        assert [p.part for p in answer.explanation] == expect["parts"]
        assert all(p.meaning for p in answer.explanation)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n ",
        "I'm sorry, but I can't help with that request.",
        '{"name": "Nothing", "command": "", "description": "No safe command exists."}',
        "Use `find` with `-delete` and `-mtime`.",
        '```json\n{"name": "x", "description": "no command field"}\n```',
    ],
    ids=["empty", "blank", "refusal", "empty_command", "only_tool_names", "json_without_command"],
)
def test_answers_without_a_command_are_unparseable(text: str) -> None:
    with pytest.raises(UnparseableAnswer) as info:
        parse_answer(text)
    assert info.value.status_code == 502
    assert info.value.code == "unparseable_answer"


def test_answers_are_bounded_so_a_card_can_always_be_stored() -> None:
    body = {"name": "n" * 500, "command": "ls\u0000 -la", "description": "x" * 30_000}
    answer = parse_answer(json.dumps(body))
    assert answer.command == "ls -la"
    assert len(answer.name) == 120 and len(answer.description) == 20_000


FIND = "find . -name '*.log' -mtime +7 -delete"
# Answers as chat models write them when they ignore the JSON contract.
CHATTY: list[tuple[str, str, str, str]] = [
    (
        "sure_fence_then_prose",
        "Sure! Here is the command:\n\n```bash\n" + FIND + "\n```\n\n"
        "This deletes log files older than seven days below the current directory.\n\n"
        "Let me know if you need anything else!",
        "This deletes log files older than seven days below the current directory.",
        "Deletes log files older than seven days below the current…",
    ),
    (
        "certainly_with_bullets",
        "Certainly! You can use the following command:\n```sh\n" + FIND + "\n```\n"
        "- `find .` searches from here\n- `-mtime +7` only files older than a week\n"
        "- `-delete` removes what matched\n\nHope this helps!",
        "",
        "Delete log files older than a week",
    ),
    (
        "heading_names_it",
        "### Remove old logs\n\nOf course. Here's a one-liner that does it:\n\n```\n"
        + FIND
        + "\n```\nIt removes every .log file not touched for 7 days.",
        "It removes every .log file not touched for 7 days.",
        "Remove old logs",
    ),
    (
        "json_with_chatty_description",
        '{"command": "' + FIND + '", "description": "Sure! Here is a command that removes old'
        ' log files. It only touches .log files."}',
        "Removes old log files. It only touches .log files.",
        "Removes old log files",
    ),
]


@pytest.mark.parametrize(
    ("label", "text", "description", "name"), CHATTY, ids=[c[0] for c in CHATTY]
)
def test_chatter_is_not_the_description_and_the_name_is_short(
    label: str, text: str, description: str, name: str
) -> None:
    answer = parse_answer(text)
    assert answer.command == FIND
    assert answer.description == description, label
    prompt = "can you please give me a command to delete log files older than a week?"
    assert card_name(answer.name, answer.description, prompt) == name, label


def test_bullets_after_the_fence_explain_the_parts() -> None:
    answer = parse_answer(CHATTY[1][1])
    assert [p.part for p in answer.explanation] == ["find .", "-mtime +7", "-delete"]
