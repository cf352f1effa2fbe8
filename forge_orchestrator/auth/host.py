"""Strict Host header parsing: a name or IP literal and an optional numeric port, nothing else."""

from __future__ import annotations

import re

from starlette.datastructures import Headers

# RFC 3986 reg-name restricted to DNS characters, or a bracketed IPv6 literal; optional :port.
_HOST_RE = re.compile(
    r"(?:(?P<name>[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)|\[(?P<ipv6>[0-9a-f:.]+)\])(?::(?P<port>[0-9]{1,5}))?"
)


def parse_host(value: str) -> tuple[str, int | None] | None:
    """'127.0.0.1:8080' -> ('127.0.0.1', 8080); '[::1]' -> ('::1', None); junk -> None.

    Rejects what a lenient split accepts: '[::1]evil.com', '127.0.0.1:80@evil.com',
    'localhost:abc', an empty port, a port above 65535, and whitespace inside.
    """
    match = _HOST_RE.fullmatch(value.strip().lower())
    if match is None:
        return None
    port_text = match.group("port")
    port = int(port_text) if port_text is not None else None
    if port is not None and port > 65535:
        return None
    return (match.group("name") or match.group("ipv6")), port


def single_host(headers: Headers) -> str | None:
    """The one Host header's hostname; None when missing, duplicated or malformed."""
    values = headers.getlist("host")
    if len(values) != 1:
        return None
    parsed = parse_host(values[0])
    return parsed[0] if parsed is not None else None
