"""The risk analyser against hand-labelled NL2Bash commands: no missed danger, few false alarms."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from forge_orchestrator.commands.risk import LEVELS, analyze

DATA = Path(__file__).parents[1] / "data"
# The 460-line sample the analyser was developed against, and 100 held-out lines labelled after.
LABELS = (DATA / "nl2bash_risk_labels.tsv", DATA / "nl2bash_risk_heldout.tsv")
# Bounds on all 560 commands; measured: 0 missed, 3 false alarms (0.7 %), 5 rated lower (0.9 %).
MAX_FALSE_ALARM_RATE = 0.02  # rated dangerous (typed confirmation) while labelled lower
MAX_UNDER_RATE = 0.02  # rated below the label at any level (all are malformed lines today)


def _rows() -> list[tuple[str, str, str]]:
    rows = []
    lines = [line for path in LABELS for line in path.read_text(encoding="utf-8").splitlines()]
    for line in lines:
        if line.strip() and not line.startswith("#"):
            level, category, command = line.split("\t", 2)
            assert level in LEVELS, line
            rows.append((level, category, command))
    return rows


def test_the_labelled_sample_is_large_and_mixed() -> None:
    counts = Counter(level for level, _, _ in _rows())
    assert sum(counts.values()) >= 300
    assert counts["dangerous"] >= 50 and counts["caution"] >= 100 and counts["safe"] >= 150


def test_nl2bash_confusion_is_within_bounds() -> None:
    rows = _rows()
    matrix: Counter[tuple[str, str]] = Counter()
    missed, alarms, under = [], [], []
    for label, _, command in rows:
        got = analyze(command).level
        matrix[(label, got)] += 1
        if label == "dangerous" and got != "dangerous":
            missed.append(command)
        if got == "dangerous" and label != "dangerous":
            alarms.append(command)
        if LEVELS.index(got) < LEVELS.index(label):
            under.append((label, got, command))
    print("\nlabel \\ verdict " + " ".join(f"{lvl:>9}" for lvl in LEVELS))
    for label in LEVELS:
        print(f"{label:>15} " + " ".join(f"{matrix[(label, got)]:>9}" for got in LEVELS))
    not_dangerous = sum(1 for label, _, _ in rows if label != "dangerous")
    print(f"missed dangerous: {len(missed)}; false alarms: {len(alarms)}/{not_dangerous}")
    assert missed == [], missed
    assert len(alarms) <= MAX_FALSE_ALARM_RATE * not_dangerous, alarms
    assert len(under) <= MAX_UNDER_RATE * len(rows), under
