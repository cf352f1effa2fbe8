"""A role name that breaks the rule is refused with the rule in words, in the one error shape."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import assert_error_shape


def test_a_bad_role_name_is_explained_in_words(client: TestClient) -> None:
    res = client.post("/api/roles", json={"name": "doc writer", "system_prompt": "You write docs."})
    assert res.status_code == 422
    assert_error_shape(res.json(), "validation_failed")
    assert "lowercase letters, digits, - or _" in res.text and "[a-z]" not in res.text
