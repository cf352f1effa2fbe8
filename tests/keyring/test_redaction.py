"""SecretStore.redact and the log redaction: stored values and key shapes never get out."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from forge_orchestrator.app import create_app
from forge_orchestrator.keyring.store import SecretStore
from forge_orchestrator.settings import Settings
from tests.conftest import BASE_URL

from .conftest import SECRET

PLAIN = "correct-horse-battery-staple-42"  # no key shape: only the store knows it is secret


def store_of(client: TestClient) -> SecretStore:
    store: SecretStore = client.app.state.secrets  # type: ignore[attr-defined]
    return store


def test_redact_masks_stored_values_and_key_shapes(client: TestClient) -> None:
    store = store_of(client)
    store.set("flow.db_password", PLAIN)
    text = f"password={PLAIN}; other sk-ant-api03-abcdefghijklmnopqrst and Bearer abcdefghijklmnop"
    out = store.redact(text)
    assert PLAIN not in out and "sk-ant-api03" not in out and "abcdefghijklmnop" not in out
    assert out.count("[REDACTED]") == 3
    assert store.redact("nothing secret here") == "nothing secret here"


def test_deleted_values_stop_being_redacted(client: TestClient) -> None:
    store = store_of(client)
    store.set("flow.db_password", PLAIN)
    assert PLAIN not in store.redact(PLAIN)
    store.delete("flow.db_password")
    assert store.redact(PLAIN) == PLAIN


def test_log_records_are_redacted_however_they_are_logged(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    store_of(client).set("flow.db_password", PLAIN)
    caplog.set_level(logging.DEBUG)
    some = logging.getLogger("forge_orchestrator.some.module")
    some.warning("connecting with %s", PLAIN)
    some.info(f"inline {SECRET}")
    try:
        raise RuntimeError(f"failed with {PLAIN}")
    except RuntimeError:
        logging.getLogger("third.party").exception("boom")
    assert PLAIN not in caplog.text and SECRET not in caplog.text
    assert caplog.text.count("[REDACTED]") >= 3
    assert "connecting with [REDACTED]" in caplog.text


def test_log_redaction_is_removed_with_the_app(settings: Settings) -> None:
    before = logging.getLogRecordFactory()
    with TestClient(create_app(settings), base_url=BASE_URL):
        assert logging.getLogRecordFactory() is not before
    assert logging.getLogRecordFactory() is before
