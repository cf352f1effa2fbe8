"""HTTP: token estimates, the model catalogue, provider settings and price overrides."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import assert_error_shape
from tests.fakes.llm_server import FakeLLMServer


def test_token_estimates_match_tiktoken_and_label_estimates(client: TestClient) -> None:
    def est(text: str, model: str | None = None) -> dict[str, object]:
        body: dict[str, object] = {"text": text}
        if model:
            body["model"] = model
        resp = client.post("/api/tokens/estimate", json=body)
        assert resp.status_code == 200
        return resp.json()  # type: ignore[no-any-return]

    # Known tiktoken ids: o200k "hello world" = [24912, 2375]; cl100k = [15339, 1917].
    assert est("hello world", "gpt-6.2-sol") == {
        "tokens": 2,
        "encoding": "o200k_base",
        "method": "exact",
        "multiplier": 1.0,
    }
    assert est("hello world", "gpt-4")["encoding"] == "cl100k_base"
    text = "Count the words in every Markdown file under docs/ and sort them by size. " * 10
    base = est(text, "gpt-6.2-sol")["tokens"]
    claude = est(text, "claude-sonnet-5-5")
    assert claude["method"] == "estimate" and claude["tokens"] == round(base * 1.3)  # type: ignore[operator]
    assert est("", None)["tokens"] == 0
    resp = client.post("/api/tokens/estimate", json={"model": "gpt-4"})
    assert resp.status_code == 422
    assert_error_shape(resp.json(), "validation_failed")


def test_model_catalogue_shows_prices_and_configuration(
    fake_llm_env: FakeLLMServer, client: TestClient
) -> None:
    body = client.get("/api/llm/models").json()
    providers = {p["name"]: p for p in body["providers"]}
    assert providers["openai"]["configured"] and providers["anthropic"]["configured"]
    assert providers["openai"]["base_url"] == fake_llm_env.openai_base_url
    models = {(m["provider"], m["model"]): m for m in body["models"]}
    sol = models[("openai", "gpt-6.2-sol")]
    assert sol["price"]["input_per_mtok"] == 2.0 and sol["is_default"]
    assert ("openai", "o1") not in models  # shut down: kept for repricing, not offered
    assert models[("anthropic", "claude-sonnet-5-5")]["price"]["cached_input_per_mtok"] == 0.10


def test_unconfigured_providers_are_listed_as_such(client: TestClient) -> None:
    providers = client.get("/api/llm/models").json()["providers"]
    assert [p["configured"] for p in providers] == [
        False,
        False,
        False,
    ]  # openai, anthropic, gemini
    assert {p["key_source"] for p in providers} == {"none"}


def test_provider_settings_round_trip_and_validation(
    fake_llm_env: FakeLLMServer, client: TestClient
) -> None:
    base = f"http://127.0.0.1:{fake_llm_env.port}"
    found = client.post("/api/settings/providers/discover", json={"base_url": base}).json()
    assert "gpt-6-luna" in found["models"]
    settings = {
        "openai": {"enabled": False, "base_url": None, "default_model": "gpt-6-luna"},
        "anthropic": {"enabled": True, "base_url": None, "default_model": None},
        "compatible": [{"name": "lmstudio", "base_url": base, "models": found["models"]}],
        "default_provider": "lmstudio",
    }
    resp = client.put("/api/settings/providers", json=settings)
    assert resp.status_code == 200, resp.text
    view = client.get("/api/settings/providers").json()
    assert view["settings"]["openai"]["enabled"] is False
    assert view["settings"]["compatible"][0]["local"] is True
    lm = next(p for p in view["providers"] if p["name"] == "lmstudio")
    assert lm["configured"] and lm["local"] and lm["default_model"] == found["models"][0]
    models = client.get("/api/llm/models").json()["models"]
    local = [m for m in models if m["provider"] == "lmstudio"]
    assert local and all(m["cost_status"] == "free" for m in local)

    for bad in (
        {**settings, "compatible": [{"name": "openai", "base_url": base}]},
        {**settings, "compatible": [{"name": "x", "base_url": "ftp://host"}]},
        {**settings, "default_provider": "nobody"},
    ):
        resp = client.put("/api/settings/providers", json=bad)
        assert resp.status_code == 422
        assert_error_shape(resp.json(), "validation_failed")
    resp = client.post("/api/settings/providers/discover", json={"base_url": "nonsense"})
    assert resp.status_code == 422
    assert_error_shape(resp.json(), "validation_failed")


def test_unreachable_server_discovery_is_a_provider_error(client: TestClient) -> None:
    resp = client.post("/api/settings/providers/discover", json={"base_url": "http://127.0.0.1:9"})
    assert resp.status_code == 502
    assert_error_shape(resp.json(), "provider_error")
    assert "Could not reach" in resp.json()["error"]["message"]


def test_price_overrides_add_edit_date_limit_and_delete(client: TestClient) -> None:
    table = client.get("/api/prices").json()
    assert table["version"] == "2026-11-24"
    sonnet = [p for p in table["prices"] if p["model"] == "claude-sonnet-5-5"]
    assert len(sonnet) == 2  # the old cache-read price is kept for repricing
    assert [p["cached_input_per_mtok"] for p in sonnet if p["in_effect"]] == [0.10]

    new = {
        "provider": "openai",
        "model": "gpt-6.2-sol",
        "input_per_mtok": 1.5,
        "output_per_mtok": 9.0,
        "effective_from": "2026-01-01T00:00:00Z",
    }
    created = client.post("/api/prices/overrides", json=new)
    assert created.status_code == 201
    row = created.json()
    assert row["source"] == "override" and row["in_effect"]
    oid = row["id"].split(":")[1]
    sol = {(m["provider"], m["model"]): m for m in client.get("/api/llm/models").json()["models"]}[
        ("openai", "gpt-6.2-sol")
    ]
    assert sol["price"] == {
        "input_per_mtok": 1.5,
        "output_per_mtok": 9.0,
        "cached_input_per_mtok": None,
        "cache_write_per_mtok": None,
        "cache_write_extended_per_mtok": None,
        "source": "override",
    }
    limited = client.put(
        f"/api/prices/overrides/{oid}", json={**new, "effective_until": "2026-02-01T00:00:00Z"}
    )
    assert limited.status_code == 200 and limited.json()["in_effect"] is False
    bad = client.put(
        f"/api/prices/overrides/{oid}", json={**new, "effective_until": "2025-01-01T00:00:00Z"}
    )
    assert bad.status_code == 422
    assert_error_shape(bad.json(), "validation_failed")
    assert client.delete(f"/api/prices/overrides/{oid}").status_code == 204
    missing = client.delete(f"/api/prices/overrides/{oid}")
    assert missing.status_code == 404
    assert_error_shape(missing.json(), "not_found")
    custom = client.post(
        "/api/prices/overrides",
        json={"provider": "openai", "model": "gpt-new", "input_per_mtok": 1, "output_per_mtok": 2},
    )
    assert custom.status_code == 201 and custom.json()["in_effect"]


def test_a_saved_price_override_is_in_the_gateways_prices_without_a_read_of_their_own(
    client: TestClient,
) -> None:
    """The route reads the overrides again through the database service once the write has
    committed; before, it only dropped them, and the next lookup (a call being priced, on
    whatever thread) read the table on a connection of its own."""
    prices = client.app.state.gateway.prices  # type: ignore[attr-defined]

    def read_on_its_own() -> list[object]:
        raise AssertionError("a lookup read the overrides itself")

    prices.load_overrides = read_on_its_own
    body = {"provider": "openai", "model": "gpt-6.2-sol", "input_per_mtok": 1.5}
    created = client.post("/api/prices/overrides", json={**body, "output_per_mtok": 9.0})
    assert created.status_code == 201, created.text
    price = prices.lookup("openai", "gpt-6.2-sol")
    assert (price.source, price.input_per_mtok) == ("override", 1.5)
    oid = created.json()["id"].split(":")[1]
    assert client.delete(f"/api/prices/overrides/{oid}").status_code == 204
    assert prices.lookup("openai", "gpt-6.2-sol").source == "bundled"


def test_the_settings_and_the_catalogue_describe_every_registered_vendor(
    client: TestClient,
) -> None:
    from forge_orchestrator import vendors

    view = client.get("/api/settings/providers").json()
    listed = {v["name"]: v for v in view["vendors"]}
    assert list(listed) == [v.name for v in vendors.all()]
    assert listed["openai"]["key_env"] == ["OPENAI_API_KEY"]
    assert listed["openai"]["tokenizer"] == "o200k_base"
    assert listed["compatible"]["local_servers"] and listed["compatible"]["needs_base_url"]
    for name in vendors.builtin_names():
        assert name in view["settings"]
    catalog = client.get("/api/llm/models").json()
    assert [v["name"] for v in catalog["vendors"]] == list(listed)
    clash = {**view["settings"], "compatible": [{"name": "openai", "base_url": "http://x:1"}]}
    refused = client.put("/api/settings/providers", json=clash)
    assert refused.status_code == 422 and "built-in provider" in refused.text
