"""A response body read under two limits: bytes on the wire and bytes after decompression.

We decode gzip/deflate ourselves instead of letting httpx do it: httpx inflates each network
chunk in one ``decompress`` call, so a 64 KiB chunk of a gzip bomb becomes ~64 MiB before any
limit can look at it. Here ``max_length`` bounds every call, so memory never exceeds the limit
by more than one chunk. Only gzip and deflate are advertised (``Accept-Encoding``), so these are
the only codings a well-behaved server sends.
"""

from __future__ import annotations

import zlib

from connectors._failures import fetch_failure

__all__ = ["ACCEPT_ENCODING", "BoundedBody"]

ACCEPT_ENCODING = "gzip, deflate"
_GZIP = ("gzip", "x-gzip")


class BoundedBody:
    """Collects one body chunk by chunk; ``feed`` raises ``FetchError`` as soon as a limit is hit.

    Raises with reason ``too_large`` (a limit) or ``encoding`` (unsupported or corrupt coding).
    """

    def __init__(
        self, content_encoding: str, *, url: str, max_wire_bytes: int, max_decoded_bytes: int
    ) -> None:
        self._url = url
        self._max_wire = max_wire_bytes
        self._max_decoded = max_decoded_bytes
        self._parts: list[bytes] = []
        self.wire_bytes = 0
        self.decoded_bytes = 0
        codings = [c.strip().lower() for c in content_encoding.split(",")]
        codings = [c for c in codings if c and c != "identity"]
        if len(codings) > 1 or (codings and codings[0] not in (*_GZIP, "deflate")):
            raise fetch_failure(
                "encoding",
                f"{url}: unsupported Content-Encoding {content_encoding!r};"
                f" backchannel only asks for {ACCEPT_ENCODING}",
            )
        self._coding = codings[0] if codings else None
        self._decoder = self._new_decoder()
        self._probing_deflate = self._coding == "deflate"
        self._complete_members = 0
        self._ignore_rest = False

    def _new_decoder(self) -> zlib._Decompress | None:
        if self._coding is None:
            return None
        if self._coding in _GZIP:
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        return zlib.decompressobj(zlib.MAX_WBITS)  # "deflate" should be zlib-wrapped ...

    def feed(self, chunk: bytes) -> None:
        """Add one chunk as received from the network."""
        self.wire_bytes += len(chunk)
        if self.wire_bytes > self._max_wire:
            raise fetch_failure(
                "too_large",
                f"{self._url}: response larger than {self._max_wire} bytes; cut off"
                " (raise ClientLimits.max_response_bytes if this source is legitimate)",
            )
        if self._decoder is None:
            self._append(chunk)
            return
        data = chunk
        while data and not self._ignore_rest:
            data = self._inflate(data)

    def _inflate(self, data: bytes) -> bytes:
        decoder = self._decoder
        assert decoder is not None
        try:
            out = decoder.decompress(data, self._max_decoded - self.decoded_bytes + 1)
        except zlib.error as exc:
            if self._probing_deflate:
                # ... but many servers send raw deflate; retry the first bytes that way.
                self._probing_deflate = False
                self._decoder = zlib.decompressobj(-zlib.MAX_WBITS)
                return data
            if self._complete_members:
                self._ignore_rest = True  # trailing garbage after a complete gzip member
                return b""
            raise fetch_failure(
                "encoding", f"{self._url}: corrupt {self._coding} body: {exc}"
            ) from exc
        self._probing_deflate = False
        self._append(out)
        if not decoder.eof:
            return decoder.unconsumed_tail
        self._complete_members += 1
        self._decoder = self._new_decoder()  # a gzip body may hold several members
        return decoder.unused_data

    def _append(self, data: bytes) -> None:
        self.decoded_bytes += len(data)
        if self.decoded_bytes > self._max_decoded:
            raise fetch_failure(
                "too_large",
                f"{self._url}: body inflates past {self._max_decoded} bytes"
                f" ({self.wire_bytes} bytes {self._coding or 'uncompressed'} on the wire); cut off"
                " as a compression bomb or an oversized document",
            )
        if data:
            self._parts.append(data)

    def finish(self) -> bytes:
        """The decoded body; a truncated compressed stream yields what could be inflated."""
        if self._decoder is not None and not self._ignore_rest:
            self._append(self._decoder.flush())
        return b"".join(self._parts)
