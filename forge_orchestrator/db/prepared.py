"""Core statements compiled once per dialect and executed through the DB-API cursor.

For the hottest writes only (a ledger row and its rollups on every LLM call). SQLAlchemy's
per-execution work (cache keys, per-row parameter processing, result objects) costs several
times what SQLite spends on a handful of rows; here the SQL text, the parameter order and the
type conversions (e.g. DateTime to SQLite text) are worked out once, from the same Core
statement, so the SQL stays portable and typed.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.types import TypeEngine


class _Compiled:
    """SQL text, parameter order and the per-parameter conversions for one dialect."""

    def __init__(
        self,
        sql: str,
        names: tuple[str, ...],
        convert: tuple[Callable[[Any], Any] | None, ...],
        positional: bool,
    ) -> None:
        self.sql = sql
        self.names = names
        self.positional = positional
        self._pick = operator.itemgetter(*names) if len(names) > 1 else None
        self._converted = tuple((i, fn) for i, fn in enumerate(convert) if fn is not None)

    def params(self, row: Mapping[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
        """Values in parameter order; ``row`` must hold every key (None for NULL)."""
        values = self._pick(row) if self._pick is not None else (row[self.names[0]],)
        if self._converted:
            listed = list(values)
            for i, fn in self._converted:
                listed[i] = fn(listed[i])
            values = tuple(listed)
        return values if self.positional else dict(zip(self.names, values, strict=True))


class Prepared:
    """``stmt`` with its parameters named by ``keys`` (column names for an INSERT).

    ``repeated`` names parameters that take few distinct (hashable) values, such as a rollup's
    bucket start: their conversions are remembered instead of redone for every row."""

    def __init__(
        self, stmt: ClauseElement, keys: Sequence[str], *, repeated: Sequence[str] = ()
    ) -> None:
        self.stmt = stmt
        self.keys = list(keys)
        self.repeated = frozenset(repeated)
        self._compiled: dict[str, _Compiled] = {}

    def _for(self, dialect: Dialect) -> _Compiled:
        found = self._compiled.get(dialect.name)
        if found is None:
            compiled = cast(SQLCompiler, self.stmt.compile(dialect=dialect, column_keys=self.keys))
            names = tuple(
                compiled.positiontup if compiled.positional and compiled.positiontup else ()
            ) or tuple(compiled.binds)
            binds = compiled.binds
            found = _Compiled(
                sql=str(compiled),
                names=names,
                convert=tuple(self._converter(binds[n].type, n, dialect) for n in names),
                positional=bool(compiled.positional),
            )
            self._compiled[dialect.name] = found
        return found

    def _converter(
        self, type_: TypeEngine[Any], name: str, dialect: Dialect
    ) -> Callable[[Any], Any] | None:
        fn = type_.dialect_impl(dialect).bind_processor(dialect)
        if fn is not None and name in self.repeated:
            return functools.lru_cache(maxsize=64)(fn)
        return fn

    def execute(self, conn: Connection, row: Mapping[str, Any]) -> Any:
        """One execution; returns the DB-API cursor (for RETURNING rows)."""
        compiled = self._for(conn.dialect)
        cursor = conn.connection.cursor()
        cursor.execute(compiled.sql, compiled.params(row))
        return cursor

    def execute_many(self, conn: Connection, rows: Iterable[Mapping[str, Any]]) -> None:
        compiled = self._for(conn.dialect)
        params: Any = [compiled.params(row) for row in rows]
        if params:
            cursor = conn.connection.cursor()
            try:
                cursor.executemany(compiled.sql, params)
            finally:
                cursor.close()
