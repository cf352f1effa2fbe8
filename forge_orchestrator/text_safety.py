"""Untrusted text made encodable and storable: lone UTF-16 surrogates (as tiktoken does) and
U+0000 (PostgreSQL's text cannot hold it) become U+FFFD."""

from __future__ import annotations


def well_formed(text: str) -> str:
    """``text`` with every lone surrogate replaced by U+FFFD; valid pairs are joined.

    Provider output and JSON bodies can carry ``"\\ud800"``: Python keeps it in a str, but it
    has no UTF-8 form, so tokenizers and regex engines that encode to UTF-8 refuse it.
    """
    if "\x00" in text:
        text = text.replace("\x00", "\ufffd")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text
