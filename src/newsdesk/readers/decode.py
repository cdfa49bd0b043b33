"""Decode untrusted bytes to text: UTF-8 (with or without BOM), else a legacy single-byte code."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import InputError

__all__ = ["Decoded", "decode", "looks_binary"]


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # "utf-8", "utf-8-sig", "cp1252" or "latin-1"


def looks_binary(data: bytes) -> bool:
    """True for bytes that are not text: NUL bytes or many control characters in the head."""
    head = data[:8192]
    if b"\x00" in head:
        # UTF-16 text has NULs too, but it opens with a BOM; we do not read it.
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return bool(head) and controls / len(head) > 0.05


def decode(data: bytes, *, location: str) -> Decoded:
    """Decode ``data``; raise ``InputError`` for empty or binary content.

    Legacy files are detected rather than crashed on: bytes that are not valid UTF-8 are read
    as cp1252 (a superset of Latin-1's printable range, what Windows editors write), falling
    back to Latin-1 for the five bytes cp1252 leaves undefined.
    """
    if not data.strip():
        raise InputError(location, "empty file")
    if looks_binary(data):
        raise InputError(location, "binary file, not text")
    if data.startswith(b"\xef\xbb\xbf"):
        return Decoded(data[3:].decode("utf-8", errors="replace"), "utf-8-sig")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return Decoded(data.decode("cp1252"), "cp1252")
    except UnicodeDecodeError:
        return Decoded(data.decode("latin-1"), "latin-1")
