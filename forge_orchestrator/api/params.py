"""Path and query parameters shared by the routers: row ids bounded to what a column can hold."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

# Every id column is an INTEGER: PostgreSQL's holds up to 2**31 - 1 and answered a larger id
# with a 500 ("integer out of range"); SQLite's holds more. One bound for both: 422 at the edge.
MAX_ROW_ID = 2**31 - 1

RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="A row id.")]
Version = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="A version number.")]
OptionalRowId = Annotated[int | None, Query(ge=1, le=MAX_ROW_ID)]
