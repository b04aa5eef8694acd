"""Raw bodies stored once per SHA-256, zstd-compressed: an unchanged fetch adds no bytes."""

from __future__ import annotations

import hashlib

import zstandard
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Blob

_LEVEL = 10


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def put_blob(session: Session, data: bytes, digest: str | None = None) -> str:
    digest = digest or sha256(data)
    if session.get(Blob, digest) is None:
        compressed = zstandard.ZstdCompressor(level=_LEVEL).compress(data)
        session.add(Blob(hash=digest, size=len(data), codec="zstd", data=compressed))
        session.flush()
    return digest


def get_blob(session: Session, digest: str) -> bytes | None:
    blob = session.scalar(select(Blob).where(Blob.hash == digest))
    if blob is None:
        return None
    return zstandard.ZstdDecompressor().decompress(blob.data, max_output_size=max(blob.size, 1))
