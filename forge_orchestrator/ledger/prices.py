"""The price book ledger analytics and the optimizer price calls with, read from the app."""

from __future__ import annotations

from fastapi import FastAPI

from ..pricing.book import PriceBook


def price_book(app: FastAPI) -> PriceBook:
    """The gateway's price book (with the user's overrides), else the bundled table alone."""
    gateway = getattr(app.state, "gateway", None)
    book = getattr(gateway, "prices", None)
    if isinstance(book, PriceBook):
        return book
    fallback = getattr(app.state, "ledger_price_book", None)
    if fallback is None:
        fallback = PriceBook()
        app.state.ledger_price_book = fallback
    return fallback
