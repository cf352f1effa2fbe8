"""Read-check-write transactions moved onto the database service, raced on PostgreSQL.

Each test holds the first writer's transaction open and starts the second beside it, then
waits until the second is either blocked on a lock or done, and only then commits the first.
On SQLite the service's single writer serialises them; on PostgreSQL at READ COMMITTED it is
the row or table lock each one takes that does.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Engine, func, select, text

from forge_orchestrator.commands import cards, importing
from forge_orchestrator.commands.models import CardCreate, CardUpdate, ExportBundle
from forge_orchestrator.db.engine import write_tx
from forge_orchestrator.db.tables import command_cards, optimization_actions
from forge_orchestrator.errors import Conflict, NotFound
from forge_orchestrator.llm.provider_settings import ProvidersConfig, read_config, write_config
from forge_orchestrator.optimizer import service as optimizer
from forge_orchestrator.optimizer.models import Suggestion
from tests.flows.helpers import in_tx

GIVE_UP_S = 30.0  # only so that a broken build fails instead of hanging


def _blocked(engine: Engine) -> bool:
    """Whether some session of this database waits on a lock right now."""
    with engine.connect() as conn:
        waiting = conn.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
        ).scalar_one()
    return bool(waiting)


def race(
    engine: Engine, first: Callable[[Connection], Any], second: Callable[[Connection], Any]
) -> tuple[bool, Any]:
    """``first`` in a transaction kept open until ``second`` (its own transaction, another
    thread) waits on a lock or has finished; then ``first`` commits. Returns (whether second
    waited, what second returned or raised)."""
    outcome: dict[str, Any] = {}

    def run_second() -> None:
        try:
            outcome["value"] = in_tx(engine, second)
        except Exception as exc:  # the test inspects what the second writer got
            outcome["value"] = exc

    with write_tx(engine) as conn:
        first(conn)
        other = threading.Thread(target=run_second)
        other.start()
        deadline = time.monotonic() + GIVE_UP_S
        while other.is_alive() and not _blocked(engine):
            assert time.monotonic() < deadline, "the second writer neither finished nor waited"
            time.sleep(0.02)
        waited = other.is_alive()
    other.join(GIVE_UP_S)
    assert not other.is_alive()
    return waited, outcome["value"]


def _card(engine: Engine, command: str = "ls -la") -> int:
    return in_tx(engine, lambda c: cards.create_card(c, CardCreate(name="c", command=command))).id


def test_two_edits_of_one_card_keep_its_risk_in_step_with_its_command(pg_engine: Engine) -> None:
    """A changes the command to a dangerous one; B, beside it, changes only the tags. B must
    merge into A's card: before the row lock, B read the old command and wrote its risk
    ("safe") over A's, leaving `rm -rf ~` marked safe."""
    card_id = _card(pg_engine)
    waited, got = race(
        pg_engine,
        lambda c: cards.update_card(c, card_id, CardUpdate(command="rm -rf ~")),
        lambda c: cards.update_card(c, card_id, CardUpdate(tags=["home"])),
    )
    assert waited and not isinstance(got, Exception), got
    final = in_tx(pg_engine, lambda c: cards.get_card(c, card_id))
    assert (final.command, final.tags) == ("rm -rf ~", ["home"])
    assert final.risk.level == "dangerous"


def test_two_deletes_of_one_card_give_the_second_a_404(pg_engine: Engine) -> None:
    """Before the row lock the second delete found the card, deleted nothing and said 204."""
    card_id = _card(pg_engine)
    _, got = race(
        pg_engine,
        lambda c: cards.delete_card(c, card_id),
        lambda c: cards.delete_card(c, card_id),
    )
    assert isinstance(got, NotFound), got


def test_the_same_file_imported_twice_at_once_with_skip_adds_its_cards_once(
    pg_engine: Engine,
) -> None:
    """Before the table lock, each import found neither card in the deck and added both."""
    bundle = ExportBundle(
        cards=[CardCreate(name="a", command="echo a"), CardCreate(name="b", command="echo b")]
    )
    rows = importing.import_rows(bundle)
    waited, got = race(
        pg_engine,
        lambda c: importing.import_cards(c, rows, "skip"),
        lambda c: importing.import_cards(c, rows, "skip"),
    )
    assert waited and (got.created, got.skipped) == (0, 2), got
    count = in_tx(pg_engine, lambda c: c.execute(select(func.count()).select_from(command_cards)))
    assert count.scalar_one() == 2


def _tag_suggestion(card_id: int) -> Suggestion:
    return Suggestion(
        id="00000000000000aa",
        kind="repeated_prompt",
        title="Tag the card",
        explanation="",
        figures={},
        monthly_savings_usd=0.0,
        target={"type": "command_card", "card_id": card_id},
        change={"op": "update_card", "fields": {"tags": ["reuse"]}},
        applicable=True,
    )


def _actions(engine: Engine) -> list[tuple[str, bool]]:
    rows = in_tx(
        engine,
        lambda c: c.execute(
            select(optimization_actions.c.action, optimization_actions.c.undone_at.is_(None))
        ).all(),
    )
    return [(r[0], bool(r[1])) for r in rows]


def test_a_suggestion_applied_twice_at_once_is_applied_once_and_the_second_gets_409(
    pg_engine: Engine,
) -> None:
    """Before the lock, both applies found no live action: the change was made twice and two
    live actions were recorded (undoing one left the other)."""
    s = _tag_suggestion(_card(pg_engine))
    waited, got = race(
        pg_engine,
        lambda c: optimizer.apply_found(c, s),
        lambda c: optimizer.apply_found(c, s),
    )
    assert waited and isinstance(got, Conflict), got
    assert _actions(pg_engine) == [("apply", True)]


def test_an_action_undone_twice_at_once_is_undone_once_and_the_second_gets_409(
    pg_engine: Engine,
) -> None:
    card_id = _card(pg_engine)
    action = in_tx(pg_engine, lambda c: optimizer.apply_found(c, _tag_suggestion(card_id)))
    _, got = race(
        pg_engine,
        lambda c: optimizer.undo_action(c, action.id),
        lambda c: optimizer.undo_action(c, action.id),
    )
    assert isinstance(got, Conflict), got
    assert _actions(pg_engine) == [("apply", False)]
    assert in_tx(pg_engine, lambda c: cards.get_card(c, card_id)).tags == []


def test_two_first_saves_of_the_provider_settings_both_succeed(pg_engine: Engine) -> None:
    """No settings row yet: before the upsert, both saves found none, both inserted, and the
    second died on the primary key (a 500). Now the later one wins, as on SQLite."""
    first = ProvidersConfig(default_provider="openai")
    second = ProvidersConfig(default_provider="anthropic")
    waited, got = race(
        pg_engine, lambda c: write_config(c, first), lambda c: write_config(c, second)
    )
    assert waited and got == second, got
    assert in_tx(pg_engine, read_config).default_provider == "anthropic"
