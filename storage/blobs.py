"""Raw bodies stored once per SHA-256, zstd-compressed (with the site's dictionary once it has
one): an unchanged fetch adds no bytes, a changed one only what differs from the site's usual."""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict

import zstandard
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import codec
from storage.models import Blob, ZstdDict, dictionary

log = logging.getLogger("regwatch.storage")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def put_blob(
    session: Session,
    data: bytes,
    digest: str | None = None,
    compressor: zstandard.ZstdCompressor | None = None,
) -> str:
    digest = digest or sha256(data)
    if session.get(Blob, digest) is None:
        compressed = codec.compress(data, compressor)
        session.add(Blob(hash=digest, size=len(data), codec="zstd", data=compressed))
    return digest


def get_blob(session: Session, digest: str) -> bytes | None:
    blob = session.get(Blob, digest)
    if blob is None:
        return None
    return codec.decompress(blob.data, lambda dict_id: dictionary(session, dict_id))


class SiteCodecs:
    """Each site's compressor for this process. A site without a dictionary gets one trained
    from the first pages seen of it, and once more from four times as many: the first pages of
    a crawl often come from one corner of a site (one column, one template)."""

    def __init__(self, train_after: int = codec.TRAIN_AFTER) -> None:
        self.train_after = train_after
        self._compressors: dict[str, zstandard.ZstdCompressor | None] = {}
        self._samples: defaultdict[str, list[bytes]] = defaultdict(list)
        self._learning: set[str] = set()

    def compressor(self, session: Session, site: str) -> zstandard.ZstdCompressor | None:
        if site not in self._compressors:
            row = session.scalar(
                select(ZstdDict)
                .where(ZstdDict.site == site)
                .order_by(ZstdDict.created_at.desc())
                .limit(1)
            )
            self._compressors[site] = codec.compressor_for(row.data) if row else None
        return self._compressors[site]

    def observe(self, session: Session, site: str, page: bytes) -> None:
        if self.compressor(session, site) is not None and site not in self._learning:
            return
        samples = self._samples[site]
        samples.append(page)
        if len(samples) not in (self.train_after, 4 * self.train_after):
            return
        try:
            dict_id, data = codec.train(samples[-codec.MAX_SAMPLES :])
        except zstandard.ZstdError as exc:  # too little material yet: try again with more
            log.debug("no dictionary for %s yet: %s", site, exc)
            return
        session.add(ZstdDict(id=dict_id, site=site, data=data))
        self._compressors[site] = codec.compressor_for(data)
        if len(samples) == self.train_after:
            self._learning.add(site)
        else:
            self._learning.discard(site)
            del self._samples[site]
