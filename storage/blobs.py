"""Raw bodies stored once per SHA-256, zstd-compressed (with the site's dictionary once it has
one): an unchanged fetch adds no bytes, a changed one only what differs from the site's usual."""

from __future__ import annotations

import hashlib
import logging
import random
from collections import deque
from dataclasses import dataclass, field

import zstandard
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from storage import codec
from storage.models import Blob, Page, Snapshot, ZstdDict, dictionary

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


@dataclass
class _Site:
    """One site's dictionary as this process uses it, and the pages the next one may learn from.
    `dict_id` and `data` outlive `row`, which a rollback expunges from its session."""

    poor: deque[bytes]  # the latest pages the dictionary fits poorly
    quota: int  # misfits before the next training
    row: ZstdDict | None = None
    dict_id: int = 0
    data: bytes = b""
    compressor: zstandard.ZstdCompressor | None = None
    probe: zstandard.ZstdCompressor | None = None
    seen: int = 0
    samples: list[bytes] = field(default_factory=list)  # uniform over the pages seen
    misfits: int = 0  # since the last training
    regrow_at: int = 0
    from_store: bool = False  # dictionary from the database, samples not from the store yet

    def use(self, row: ZstdDict) -> None:
        self.row, self.dict_id, self.data = row, row.id, row.data
        self.compressor = codec.compressor_for(row.data)
        self.probe = codec.compressor_for(row.data, codec.PROBE_LEVEL)


class SiteCodecs:
    """Each site's compressor for this process. The first pages of a crawl often come from one
    corner of a site (one column, one template), and a dictionary trained once from them knows
    only that corner: crawl order then decided the store's size (bench site, 2,400 pages in
    three templates: 4.43 MB one template after the other, 0.88 MB round-robin). So the pages
    the dictionary fits poorly are collected, and once there are enough of them a new one is
    trained from them and a uniform sample of the site's pages: 1.02 MB one after the other."""

    def __init__(self, train_after: int = codec.TRAIN_AFTER) -> None:
        self.train_after = train_after
        self._sites: dict[str, _Site] = {}
        self._random = random.Random()

    def compressor(self, session: Session, site: str) -> zstandard.ZstdCompressor | None:
        state = self._site(session, site)
        if state.row is not None and state.row not in session:
            # every frame from now on names this dictionary, and the savepoint or transaction
            # that stored it may have been rolled back since
            row = session.get(ZstdDict, state.dict_id)
            if row is None:
                row = ZstdDict(id=state.dict_id, site=site, data=state.data)
                session.add(row)
            state.row = row
        return state.compressor

    def observe(self, session: Session, site: str, page: bytes) -> None:
        state = self._site(session, site)
        self._sample(state, page)
        if state.probe is None:
            if state.seen % self.train_after == 0 and self._train(
                session, site, state, state.samples
            ):
                state.regrow_at = 4 * state.seen
        elif state.seen == state.regrow_at:
            # a dictionary from a few dozen pages is weak, yet fits the templates they show
            # too well to be caught by POOR_FIT (bench, round-robin order: 2.35 MB without
            # this second training, 0.88 MB with it)
            self._train(session, site, state, state.samples)
        elif codec.fit(page, state.probe) > codec.POOR_FIT:
            state.misfits += 1
            state.poor.append(page)
            if state.misfits >= state.quota:
                self._retrain(session, site, state)

    def _site(self, session: Session, site: str) -> _Site:
        state = self._sites.get(site)
        if state is None:
            state = self._sites[site] = _Site(
                poor=deque(maxlen=self.train_after), quota=self.train_after
            )
            row = session.scalar(
                select(ZstdDict)
                .where(ZstdDict.site == site)
                .order_by(ZstdDict.created_at.desc())
                .limit(1)
            )
            if row is not None:
                state.use(row)
                state.from_store = True
        return state

    def _sample(self, state: _Site, page: bytes) -> None:
        """Reservoir sampling: every page seen so far is as likely to be among the samples."""
        state.seen += 1
        if len(state.samples) < codec.MAX_SAMPLES:
            state.samples.append(page)
            return
        slot = self._random.randrange(state.seen)
        if slot < codec.MAX_SAMPLES:
            state.samples[slot] = page

    def _retrain(self, session: Session, site: str, state: _Site) -> None:
        """After a try whose dictionary was not kept, the site waits for twice as many misfits:
        pages no dictionary can help (all unique text) fit poorly too, and training costs
        ~0.2 s."""
        poor = list(state.poor)
        state.poor.clear()
        state.misfits = 0
        if state.from_store:
            # the pages the dictionary was trained from left with the process that trained it,
            # and one trained from this process's pages alone forgets the others (bench site,
            # one template in a first process, the two others in a second: 1.51 MB and a
            # third process retraining three times, against 1.03 MB and none)
            state.samples, state.seen = _stored_sample(session, site)
            state.from_store = False
        chosen = set(poor)
        rest = [page for page in state.samples if page not in chosen]
        rest = self._random.sample(rest, min(len(rest), codec.MAX_SAMPLES - len(poor)))
        kept = self._train(session, site, state, poor + rest, repay=poor)
        state.quota = self.train_after if kept else 2 * state.quota

    def _train(
        self,
        session: Session,
        site: str,
        state: _Site,
        material: list[bytes],
        repay: list[bytes] | None = None,
    ) -> bool:
        """A dictionary costs its size in the database: one trained for the pages in `repay`
        is kept only if it saves at least that much on them alone."""
        try:
            dict_id, data = codec.train(material)
        except zstandard.ZstdError as exc:  # too little material yet: try again with more
            log.debug("no dictionary for %s yet: %s", site, exc)
            return False
        if repay and state.probe is not None:
            old, new = state.probe, codec.compressor_for(data, codec.PROBE_LEVEL)
            saved = sum(len(old.compress(page)) - len(new.compress(page)) for page in repay)
            if saved < len(data):
                log.info("new dictionary for %s not kept: it saves %d bytes", site, saved)
                return False
        row = ZstdDict(id=dict_id, site=site, data=data)
        session.add(row)
        state.use(row)
        return True


def _stored_sample(session: Session, site: str) -> tuple[list[bytes], int]:
    """A uniform sample of the site's policy pages in the store, and how many there are."""
    prefixes = (f"{scheme}://{site}/" for scheme in ("http", "https"))
    stored = (
        select(Snapshot.raw_hash)
        .join(Page, Page.id == Snapshot.page_id)
        .where(
            Page.kind == "policy",
            or_(*(Snapshot.url.startswith(prefix, autoescape=True) for prefix in prefixes)),
        )
    )
    count = session.scalar(select(func.count()).select_from(stored.subquery())) or 0
    digests = session.scalars(stored.order_by(func.random()).limit(codec.MAX_SAMPLES))
    return [page for digest in digests if (page := get_blob(session, digest)) is not None], count
