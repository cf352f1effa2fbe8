"""Models, token estimates, provider settings and prices for the gateway."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ..errors import ValidationFailed
from ..llm.catalog import (
    ModelCatalog,
    ProviderInfo,
    VendorInfo,
    catalog,
    provider_infos,
    vendor_infos,
)
from ..llm.gateway import Gateway
from ..llm.provider_settings import ProvidersConfig, check_base_url
from ..llm.tokens import count_text
from ..pricing import overrides as po
from .params import RowId

router = APIRouter(tags=["llm"])


def _gw(request: Request) -> Gateway:
    gateway: Gateway = request.app.state.gateway
    return gateway


class TokenEstimateIn(BaseModel):
    text: str = Field(max_length=2_000_000)
    model: str | None = Field(None, max_length=200)


class TokenEstimate(BaseModel):
    tokens: int
    encoding: str
    method: str = Field(description="exact: tiktoken-identical BPE; estimate: approximation")
    multiplier: float


class ProvidersView(BaseModel):
    settings: ProvidersConfig
    providers: list[ProviderInfo]
    vendors: list[VendorInfo]


class DiscoverIn(BaseModel):
    base_url: str = Field(max_length=500)
    api_key: str | None = Field(None, max_length=1000, description="used once, never stored")
    api_key_name: str | None = Field(None, max_length=200, description="a stored key to use")


class DiscoveredModels(BaseModel):
    base_url: str
    models: list[str]


@router.get("/llm/models", response_model=ModelCatalog)
async def list_models(request: Request) -> ModelCatalog:
    gw = _gw(request)
    await gw.ready()
    # In a thread for the keyring only (it may be the OS keyring): the settings and prices
    # are in memory now.
    return await run_in_threadpool(catalog, gw)


@router.post("/tokens/estimate", response_model=TokenEstimate)
async def estimate_tokens(body: TokenEstimateIn) -> TokenEstimate:
    count = await run_in_threadpool(count_text, body.text, body.model)
    return TokenEstimate(
        tokens=count.tokens,
        encoding=count.encoding,
        method=count.method,
        multiplier=count.multiplier,
    )


async def _view(gw: Gateway, cfg: ProvidersConfig) -> ProvidersView:
    # In a thread for the keyring only (whether each provider has a key; it may be the OS
    # keyring): the settings were read through the database service.
    infos = await run_in_threadpool(provider_infos, cfg, gw.secrets())
    return ProvidersView(settings=cfg, providers=infos, vendors=vendor_infos())


@router.get("/settings/providers", response_model=ProvidersView)
async def get_providers(request: Request) -> ProvidersView:
    gw = _gw(request)
    return await _view(gw, await gw.providers.current(gw.db))


@router.put("/settings/providers", response_model=ProvidersView)
async def put_providers(request: Request, body: ProvidersConfig) -> ProvidersView:
    gw = _gw(request)
    return await _view(gw, await gw.providers.save(gw.db, body))


@router.post("/settings/providers/discover", response_model=DiscoveredModels)
async def discover(request: Request, body: DiscoverIn) -> DiscoveredModels:
    try:
        base_url = check_base_url(body.base_url)
    except ValueError as exc:
        raise ValidationFailed(f"base_url: {exc}") from None
    if base_url is None:
        raise ValidationFailed("base_url: is required")
    gw = _gw(request)
    key = body.api_key
    if key is None and body.api_key_name:
        store = gw.secrets()
        key = await run_in_threadpool(store.get, body.api_key_name) if store else None
    models = await gw.discover(base_url, key)
    return DiscoveredModels(base_url=base_url, models=models)


@router.get("/prices", response_model=po.PriceTable)
async def list_prices(request: Request) -> po.PriceTable:
    gw = _gw(request)
    await gw.ready()
    return po.price_table(gw.prices)  # ~1 ms of lookups in memory


@router.post("/prices/overrides", response_model=po.PriceRow, status_code=201)
async def create_price(request: Request, body: po.PriceOverrideInput) -> po.PriceRow:
    gw = _gw(request)
    await gw.ready()
    return await po.create_override(gw.db, gw.prices, body)


@router.put("/prices/overrides/{override_id}", response_model=po.PriceRow)
async def update_price(
    request: Request, override_id: RowId, body: po.PriceOverrideInput
) -> po.PriceRow:
    gw = _gw(request)
    await gw.ready()
    return await po.update_override(gw.db, gw.prices, override_id, body)


@router.delete("/prices/overrides/{override_id}", status_code=204)
async def delete_price(request: Request, override_id: RowId) -> Response:
    gw = _gw(request)
    await po.delete_override(gw.db, gw.prices, override_id)
    return Response(status_code=204)
