"""Browser sessions, one-time login codes and WebSocket/SSE tickets, kept in memory.

In memory on purpose: a browser session is only worth anything while this server runs, a
restart prints a fresh login link anyway, and nothing secret is ever written to disk. Only
SHA-256 digests of the secrets are kept, and every comparison is constant-time.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

LOGIN_CODE_TTL_S = 300.0  # "a few minutes": long enough to click the printed link
TICKET_TTL_S = 30.0  # a ticket is fetched right before the socket or stream opens
MAX_LOGIN_CODES = 32  # outstanding codes; older ones are dropped first
MAX_SESSIONS = 256


def _digest(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


@dataclass
class BrowserSession:
    id: str
    cookie_digest: bytes
    secret_digest: bytes
    created_at: float
    last_seen_at: float
    user_agent: str

    def public(self, current_id: str | None) -> dict[str, object]:
        return {
            "id": self.id,
            "created_at": self.created_at,
            "last_seen_at": self.last_seen_at,
            "user_agent": self.user_agent,
            "current": self.id == current_id,
        }


@dataclass(frozen=True)
class NewSession:
    """What the browser gets once: the cookie value and the header secret."""

    session: BrowserSession
    cookie_value: str
    secret: str


@dataclass
class _Ticket:
    path: str
    session_id: str | None  # None: issued to an API-token client
    expires_at: float


@dataclass
class AuthState:
    """All of it behind one lock: each operation is a few dict lookups, safe from any thread."""

    clock: Callable[[], float] = time.time
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _codes: dict[bytes, float] = field(default_factory=dict)
    _sessions: dict[str, BrowserSession] = field(default_factory=dict)
    _by_cookie: dict[bytes, str] = field(default_factory=dict)
    _tickets: dict[bytes, _Ticket] = field(default_factory=dict)

    # --- login codes -------------------------------------------------------------------------
    def new_login_code(self) -> str:
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._expire_codes()
            while len(self._codes) >= MAX_LOGIN_CODES:
                self._codes.pop(next(iter(self._codes)))
            self._codes[_digest(code)] = self.clock() + LOGIN_CODE_TTL_S
        return code

    def redeem_login_code(self, code: str, user_agent: str) -> NewSession | None:
        """A fresh session for a valid code; the code is spent either way it was valid."""
        with self._lock:
            self._expire_codes()
            if self._codes.pop(_digest(code), None) is None:
                return None
            return self._new_session(user_agent)

    def _expire_codes(self) -> None:
        now = self.clock()
        for key in [k for k, exp in self._codes.items() if exp <= now]:
            del self._codes[key]

    # --- sessions ----------------------------------------------------------------------------
    def _new_session(self, user_agent: str) -> NewSession:
        while len(self._sessions) >= MAX_SESSIONS:  # drop the least recently seen
            oldest = min(self._sessions.values(), key=lambda s: s.last_seen_at)
            self._drop(oldest.id)
        cookie_value, secret = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = self.clock()
        session = BrowserSession(
            id=secrets.token_hex(8),
            cookie_digest=_digest(cookie_value),
            secret_digest=_digest(secret),
            created_at=now,
            last_seen_at=now,
            user_agent=user_agent[:300],
        )
        self._sessions[session.id] = session
        self._by_cookie[session.cookie_digest] = session.id
        return NewSession(session, cookie_value, secret)

    def session_for(self, cookie_values: list[str], secret: str | None) -> BrowserSession | None:
        """The session whose cookie AND header secret both match; the cookie alone is nothing."""
        if not secret:
            return None
        secret_digest = _digest(secret)
        with self._lock:
            for value in cookie_values:
                session = self._sessions.get(self._by_cookie.get(_digest(value), ""))
                if session is not None and secrets.compare_digest(
                    session.secret_digest, secret_digest
                ):
                    session.last_seen_at = self.clock()
                    return session
        return None

    def list_sessions(self) -> list[BrowserSession]:
        with self._lock:
            return sorted(self._sessions.values(), key=lambda s: s.created_at)

    def revoke(self, session_id: str) -> bool:
        with self._lock:
            return self._drop(session_id)

    def revoke_all(self) -> int:
        """Every session, ticket and login code: what rotating the token does."""
        with self._lock:
            count = len(self._sessions)
            self._sessions.clear()
            self._by_cookie.clear()
            self._tickets.clear()
            self._codes.clear()
            return count

    def _drop(self, session_id: str) -> bool:
        session = self._sessions.pop(session_id, None)
        if session is None:
            return False
        self._by_cookie.pop(session.cookie_digest, None)
        for key in [k for k, t in self._tickets.items() if t.session_id == session_id]:
            del self._tickets[key]
        return True

    # --- tickets -----------------------------------------------------------------------------
    def new_ticket(self, path: str, session_id: str | None) -> str:
        ticket = secrets.token_urlsafe(24)
        with self._lock:
            self._expire_tickets()
            self._tickets[_digest(ticket)] = _Ticket(path, session_id, self.clock() + TICKET_TTL_S)
        return ticket

    def redeem_ticket(self, ticket: str, path: str, cookie_values: list[str]) -> bool:
        """Single use, short-lived, for one path; a browser's ticket also needs its cookie."""
        with self._lock:
            self._expire_tickets()
            entry = self._tickets.pop(_digest(ticket), None)
            if entry is None or entry.path != path:
                return False
            if entry.session_id is None:
                return True
            session = self._sessions.get(entry.session_id)
            if session is None:
                return False
            ok = any(
                secrets.compare_digest(_digest(v), session.cookie_digest) for v in cookie_values
            )
            if ok:
                session.last_seen_at = self.clock()
            return ok

    def _expire_tickets(self) -> None:
        now = self.clock()
        for key in [k for k, t in self._tickets.items() if t.expires_at <= now]:
            del self._tickets[key]
