"""Untrusted text made encodable: lone UTF-16 surrogates become U+FFFD, as tiktoken does."""

from __future__ import annotations


def well_formed(text: str) -> str:
    """``text`` with every lone surrogate replaced by U+FFFD; valid pairs are joined.

    Provider output and JSON bodies can carry ``"\\ud800"``: Python keeps it in a str, but it
    has no UTF-8 form, so tokenizers and regex engines that encode to UTF-8 refuse it.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text
