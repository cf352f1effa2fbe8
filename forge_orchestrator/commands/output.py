"""Run output helpers: the byte cap (see capped_output) and incremental UTF-8 decoding."""

from __future__ import annotations

import codecs

from ..capped_output import MARKER_STREAM, CappedOutput, marker_text

__all__ = ["MARKER_STREAM", "CappedOutput", "StreamDecoder", "marker_text"]


class StreamDecoder:
    """Incremental UTF-8 decoding so a character split across reads is not mangled."""

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")

    def feed(self, data: bytes) -> str:
        return self._decoder.decode(data)

    def flush(self) -> str:
        return self._decoder.decode(b"", final=True)
