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
DICT_SIZE = 64 * 1024
TRAIN_AFTER = 48  # pages of a site seen before its dictionary is trained
MAX_SAMPLES = 200

_PLAIN = zstandard.ZstdCompressor(level=LEVEL)
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


def compressor_for(dictionary: bytes) -> zstandard.ZstdCompressor:
    return zstandard.ZstdCompressor(
        level=LEVEL, dict_data=zstandard.ZstdCompressionDict(dictionary)
    )
