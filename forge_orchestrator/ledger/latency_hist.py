"""Log-spaced latency buckets: the histogram behind approximate rollup percentiles."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, case, literal_column

# Every latency in a bucket is within this fraction of the bucket's representative, so a
# percentile read from the histogram is within it of the exact nearest-rank value (the exact
# value lies in the bucket where the cumulative count first reaches the rank).
ERROR_BOUND = 0.025
MAX_MS = 2**31 - 1  # the last bucket is open above (latencies beyond ~24 days)


def _build() -> tuple[tuple[int, ...], tuple[int, ...]]:
    # Bucket 0 holds latencies below 1 ms (0 for calls that never ran); from 1 ms on, each
    # bucket [lo, hi] is as wide as a representative within ERROR_BOUND of both ends allows.
    # Integer arithmetic keeps the scheme identical everywhere it is computed.
    lowers, reps = [0], [0]
    lo = 1
    while lo <= MAX_MS:
        rep = lo * 41 // 40  # at most lo * 1.025
        hi = rep * 40 // 39  # largest hi with (hi - rep) <= 0.025 * hi
        lowers.append(lo)
        reps.append(rep)
        lo = hi + 1
    return tuple(lowers), tuple(reps)


LOWERS, REPRESENTATIVE = _build()
_SEARCH = LOWERS[1:]


def bucket_of(latency_ms: int) -> int:
    """The histogram bucket of one latency."""
    return bisect_right(_SEARCH, latency_ms)


def bucket_sql(column: ColumnElement[Any]) -> ColumnElement[Any]:
    """The same bucket computed in portable SQL: a balanced CASE tree, ~9 comparisons deep."""

    def node(first: int, last: int) -> ColumnElement[Any]:
        if first == last:
            return literal_column(str(first))
        mid = (first + last + 1) // 2
        return case(
            (column < literal_column(str(LOWERS[mid])), node(first, mid - 1)),
            else_=node(mid, last),
        )

    return node(0, len(LOWERS) - 1)


def percentile(hist: Mapping[int, int], calls: int, pct: int) -> int | None:
    """Nearest-rank percentile from bucket counts, as the representative of its bucket."""
    if calls <= 0:
        return None
    rank = (calls * pct + 99) // 100
    seen = 0
    for bucket in sorted(hist):
        seen += hist[bucket]
        if seen >= rank:
            return REPRESENTATIVE[bucket]
    return None
