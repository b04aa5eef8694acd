"""Per-site zstd dictionaries kept representative whatever the crawl order, on a real SQLite
file, with pages of the simulated site's three CMS templates served over 127.0.0.1."""

from __future__ import annotations

import logging
import random
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from crawler.simsite import GeneratedSite
from storage import codec
from storage.blobs import SiteCodecs, get_blob, put_blob, sha256
from storage.db import Database
from storage.migrate import upgrade
from storage.models import Blob, Page, Snapshot, Source, ZstdDict
from tests.conftest import fresh_database

PER_TEMPLATE = 300


class Pages:
    """The generated site's first pages: page i is drawn in template i % 3, all on one host."""

    def __init__(self, site: str, bodies: list[bytes]) -> None:
        self.site = site
        self.bodies = bodies

    def template(self, t: int) -> list[bytes]:
        return self.bodies[t::3]

    def one_template_after_another(self) -> list[bytes]:
        return [body for t in range(3) for body in self.template(t)]


@pytest.fixture(scope="module")
def pages() -> Pages:
    with GeneratedSite(n_pages=3 * PER_TEMPLATE) as site:
        bodies = []
        for i in range(site.n_pages):
            with urllib.request.urlopen(site.page_url(i), timeout=10) as reply:
                bodies.append(reply.read())
        return Pages(f"127.0.0.1:{site.port}", bodies)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    with fresh_database("sqlite", tmp_path) as url:
        database = Database(url)
        upgrade(database)
        yield database
        database.dispose()


def ingest(db: Database, codecs: SiteCodecs, site: str, bodies: list[bytes]) -> None:
    """As monitor.ingest stores a new version of a policy page: observe, then the raw body and
    the snapshot compressed with the site's codec."""
    with db.write() as session:
        if session.get(Source, "sim") is None:
            session.add(Source(id="sim", name="sim", topics=[]))
    for start in range(0, len(bodies), 100):
        with db.write() as session:
            for body in bodies[start : start + 100]:
                codecs.observe(session, site, body)
                compressor = codecs.compressor(session, site)
                digest = put_blob(session, body, None, compressor)
                url = f"http://{site}/{digest[:16]}.html"
                page = session.scalar(select(Page).where(Page.url == url))
                if page is None:
                    page = Page(source_id="sim", url=url, versions=0)
                    session.add(page)
                    session.flush()
                page.versions += 1
                snapshot = Snapshot(
                    page_id=page.id,
                    version=page.versions,
                    url=url,
                    http_status=200,
                    raw_hash=digest,
                    text_hash=digest,
                    key_hash=digest,
                )
                snapshot.set_text(url, compressor)
                session.add(snapshot)


def stored(db: Database, bodies: list[bytes] | None = None) -> int:
    with db.read() as session:
        query = select(func.coalesce(func.sum(func.length(Blob.data)), 0))
        if bodies is not None:
            query = query.where(Blob.hash.in_({sha256(body) for body in bodies}))
        return int(session.scalar(query) or 0)


def dictionaries(db: Database) -> list[ZstdDict]:
    with db.read() as session:
        return list(session.scalars(select(ZstdDict).order_by(ZstdDict.created_at)))


def compressed_size(dictionary: bytes, bodies: list[bytes]) -> int:
    compressor = codec.compressor_for(dictionary)
    return sum(len(compressor.compress(body)) for body in bodies)


def test_crawl_order_hardly_changes_the_store(db: Database, tmp_path: Path, pages: Pages) -> None:
    """Before: one template after another stored 3.8 times what round-robin order did."""
    ingest(db, SiteCodecs(), pages.site, pages.one_template_after_another())
    one_after_another = stored(db)
    with fresh_database("sqlite", tmp_path / "round-robin") as url:
        other = Database(url)
        upgrade(other)
        ingest(other, SiteCodecs(), pages.site, pages.bodies)
        round_robin = stored(other)
        other.dispose()
    assert one_after_another <= 1.6 * round_robin, (one_after_another, round_robin)

    # and the dictionary in use at the end knows every template as well as one trained on a
    # random sample of all pages
    _, sample_trained = codec.train(random.Random(7).sample(pages.bodies, codec.MAX_SAMPLES))
    latest = compressed_size(dictionaries(db)[-1].data, pages.bodies)
    assert latest <= 1.3 * compressed_size(sample_trained, pages.bodies)


def test_frames_of_every_dictionary_stay_readable(db: Database, pages: Pages) -> None:
    bodies = pages.one_template_after_another()
    ingest(db, SiteCodecs(), pages.site, bodies)
    with db.read() as session:
        frames = {blob.hash: blob.data for blob in session.scalars(select(Blob))}
        assert len({codec.dict_id_of(frame) for frame in frames.values()}) >= 4  # none, A, B, C
        for body in bodies:
            assert get_blob(session, sha256(body)) == body


def test_dictionaries_stay_few(db: Database, pages: Pages) -> None:
    """A dictionary per template the site showed (and one retrained from its first pages), and
    none more when the same pages come again, in this process or in the next."""
    codecs = SiteCodecs()
    ingest(db, codecs, pages.site, pages.one_template_after_another())
    count = len(dictionaries(db))
    assert 3 <= count <= 5
    ingest(db, codecs, pages.site, pages.bodies[::-1])
    ingest(db, SiteCodecs(), pages.site, pages.bodies)
    assert len(dictionaries(db)) == count


def test_pages_no_dictionary_helps_train_none(
    db: Database, pages: Pages, caplog: pytest.LogCaptureFixture
) -> None:
    """Pages of unique text fit poorly with any dictionary: tries to learn them are not kept,
    and come ever more rarely."""
    ingest(db, SiteCodecs(), pages.site, pages.template(0))
    count = len(dictionaries(db))
    caplog.set_level(logging.INFO, logger="regwatch.storage")
    rng = random.Random(3)
    cjk = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
    head, _, tail = pages.template(0)[0].partition(b"</body>")
    unique = [
        head + "".join(rng.choices(cjk, k=4000)).encode() + b"</body>" + tail
        for _ in range(7 * codec.TRAIN_AFTER)
    ]
    ingest(db, SiteCodecs(), pages.site, unique)
    assert len(dictionaries(db)) == count
    trainings = [r for r in caplog.records if "not kept" in r.getMessage()]
    assert len(trainings) == 3  # after 48, 96 and 192 misfits, not 7 times


def test_a_later_process_starts_from_the_latest_dictionary_and_learns_on(
    db: Database, pages: Pages
) -> None:
    old_template, new_template = pages.template(0), pages.template(1)
    ingest(db, SiteCodecs(), pages.site, old_template)
    known = dictionaries(db)[-1]
    codecs = SiteCodecs()
    with db.write() as session:
        compressor = codecs.compressor(session, pages.site)
        assert compressor is not None
        assert codec.dict_id_of(codec.compress(new_template[0], compressor)) == known.id

    ingest(db, codecs, pages.site, new_template)
    learnt = dictionaries(db)[-1]
    assert learnt.id != known.id
    later = new_template[2 * codec.TRAIN_AFTER :]
    assert 3 * stored(db, later) < compressed_size(known.data, later)
    # and it did not forget what the earlier process had learnt
    assert compressed_size(learnt.data, old_template) < 1.5 * compressed_size(
        known.data, old_template
    )


def test_a_dictionary_whose_savepoint_was_rolled_back_is_stored_again(
    db: Database, pages: Pages
) -> None:
    """Ingest stores each page in a savepoint: a page failing after its observe() trained a
    dictionary must not leave the next pages' frames naming a dictionary nowhere stored."""
    codecs = SiteCodecs()
    first, then = pages.template(0)[: codec.TRAIN_AFTER], pages.template(0)[-1]
    with db.write() as session:
        with pytest.raises(RuntimeError), session.begin_nested():
            for body in first:
                codecs.observe(session, pages.site, body)
            raise RuntimeError("the page failed after its dictionary was trained")
        digest = put_blob(session, then, None, codecs.compressor(session, pages.site))
    with db.read() as session:
        blob = session.get(Blob, digest)
        assert blob is not None and codec.dict_id_of(blob.data) != 0
        assert session.get(ZstdDict, codec.dict_id_of(blob.data)) is not None
        assert get_blob(session, digest) == then
