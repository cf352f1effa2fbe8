"""A Cookie header parsed the way browsers write it: unparseable pieces are skipped, not fatal."""

from __future__ import annotations


def parse_cookie_header(header: str) -> list[tuple[str, str]]:
    """Every `name=value` pair in order; duplicates kept (another port may have set one too).

    `http.cookies.SimpleCookie` drops the whole header when one piece is malformed (`junk`, a
    JSON value, `a=x y`), so one bad cookie from any app on 127.0.0.1 would lock the user out.
    """
    pairs: list[tuple[str, str]] = []
    for piece in header.split(";"):
        name, sep, value = piece.partition("=")
        name = name.strip()
        if not sep or not name:
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        pairs.append((name, value))
    return pairs


def cookie_values(header: str, name: str) -> list[str]:
    """Every value sent for `name`: a same-named cookie from another port must not hide ours."""
    return [value for key, value in parse_cookie_header(header) if key == name]
