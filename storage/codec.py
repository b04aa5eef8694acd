"""zstd with per-site dictionaries: pages of one site share most of their bytes (the template,
the footer, the vocabulary of its policies), so a dictionary trained on a few dozen of them
shrinks each stored page severalfold. Every frame names its dictionary, so old data stays
readable whatever dictionaries come later."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable

import zstandard

LEVEL = 10
# Bench site (2,400 pages of ~9.8 KB in three templates), blobs stored in a crawl: 112 KB beats
# 64 KB only with hindsight (0.53 against 0.62 MB trained on a random sample of all pages). In a
# crawl it needs more samples (128: 2.30 MB against 0.89 MB), with 200 the dictionaries eat its
# gain (0.81 + 0.17 MB against 0.89 + 0.12 MB), and 48 pages of a new template do not repay
# one (SiteCodecs._train): 2.7 MB when the templates come one after the other.
DICT_SIZE = 64 * 1024
TRAIN_AFTER = 48  # pages of a site before its first dictionary, and misfits before another
# Samples a site keeps (~1.3 MB of pages per site for the whole process), and most pages a
# dictionary is trained from: the misfits plus samples up to this, and more samples drown the
# misfits. Templates one after the other: 1.02 MB with 128, 1.06 with 200, 1.47 with 400.
MAX_SAMPLES = 128
# A page fits poorly when a dictionary leaves more than POOR_FIT of what zstd alone leaves of
# it (at PROBE_LEVEL). Bench site: 0.10-0.16 with a dictionary that knows the page's template,
# 0.37-0.42 with one trained from only 48 pages of it, 0.73-0.98 with one that never saw it.
PROBE_LEVEL = 1
POOR_FIT = 0.5

_PLAIN = zstandard.ZstdCompressor(level=LEVEL)
_PROBE_PLAIN = zstandard.ZstdCompressor(level=PROBE_LEVEL)
_decompressors: dict[int, zstandard.ZstdDecompressor] = {}
_lock = threading.Lock()


def compress(data: bytes, compressor: zstandard.ZstdCompressor | None = None) -> bytes:
    return (compressor or _PLAIN).compress(data)


def dict_id_of(frame: bytes) -> int:
    return int(zstandard.get_frame_parameters(frame).dict_id)


def decompress(frame: bytes, load_dictionary: Callable[[int], bytes | None]) -> bytes:
    """`load_dictionary(dict_id)` fetches a dictionary's bytes the first time it is needed."""
    dict_id = dict_id_of(frame)
    with _lock:
        decompressor = _decompressors.get(dict_id)
    if decompressor is None:
        if dict_id == 0:
            decompressor = zstandard.ZstdDecompressor()
        else:
            data = load_dictionary(dict_id)
            if data is None:
                raise LookupError(f"zstd dictionary {dict_id} is missing from the database")
            decompressor = zstandard.ZstdDecompressor(dict_data=zstandard.ZstdCompressionDict(data))
        with _lock:
            _decompressors[dict_id] = decompressor
    return decompressor.decompressobj().decompress(frame)


def train(samples: list[bytes]) -> tuple[int, bytes]:
    """A new dictionary with a random id (ids are global: they travel inside every frame)."""
    dict_id = random.SystemRandom().randrange(1 << 16, 1 << 31)
    material: list[bytes | bytearray | memoryview] = list(samples)
    trained = zstandard.train_dictionary(DICT_SIZE, material, dict_id=dict_id, level=LEVEL)
    return dict_id, trained.as_bytes()


def compressor_for(dictionary: bytes, level: int = LEVEL) -> zstandard.ZstdCompressor:
    return zstandard.ZstdCompressor(
        level=level, dict_data=zstandard.ZstdCompressionDict(dictionary)
    )


def fit(page: bytes, probe: zstandard.ZstdCompressor) -> float:
    """What a dictionary leaves of `page` over what zstd alone leaves, both at PROBE_LEVEL
    (`probe` = compressor_for(dictionary, PROBE_LEVEL)): dividing by zstd alone discounts
    what no dictionary could know (the page's own text), and the fast level costs ~0.05 ms."""
    return len(probe.compress(page)) / len(_PROBE_PLAIN.compress(page))
