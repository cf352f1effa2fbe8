"""Fixtures for tests that run on PostgreSQL: ``pg_engine`` is a fresh, migrated database."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from forge_orchestrator.db.engine import make_engine
from forge_orchestrator.db.migrate import upgrade

from .pg_server import Cluster

# Read at import: the autouse fixture in conftest removes FORGE_* variables from each test.
GIVEN_URL = os.environ.get("FORGE_TEST_PG_URL")
_names = itertools.count()


class _Given:
    """A server the developer runs: databases are created and dropped on it the same way."""

    def __init__(self, url: str) -> None:
        self.base = url.rsplit("/", 1)[0]
        self.admin_engine = make_engine(url)

    def url(self, database: str) -> str:
        return f"{self.base}/{database}"

    def admin(self, sql: str) -> None:
        from sqlalchemy import text

        with self.admin_engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(text(sql))

    def stop(self) -> None:
        self.admin_engine.dispose()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Cluster | _Given]:
    if GIVEN_URL:
        given = _Given(GIVEN_URL)
        yield given
        given.stop()
        return
    try:
        cluster = Cluster()
    except (FileNotFoundError, KeyError) as exc:
        if os.environ.get("CI"):
            raise  # CI installs PostgreSQL (make test): its absence is a failure there
        pytest.skip(f"no PostgreSQL for these tests: {exc}")
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def pg_template(pg_server: Cluster | _Given) -> Iterator[str]:
    """A database migrated to head once; each test's database is a copy of it."""
    name = f"forge_template_{os.getpid()}"
    pg_server.admin(f'CREATE DATABASE "{name}"')
    engine = make_engine(pg_server.url(name))
    upgrade(engine)
    engine.dispose()
    yield name
    pg_server.admin(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture
def pg_engine(pg_server: Cluster | _Given, pg_template: str) -> Iterator[Engine]:
    """A new database on the test server, at the migrations' head; dropped afterwards."""
    name = f"forge_t{os.getpid()}_{next(_names)}"
    pg_server.admin(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"')
    engine = make_engine(pg_server.url(name))
    yield engine
    engine.dispose()
    pg_server.admin(f'DROP DATABASE "{name}" WITH (FORCE)')
