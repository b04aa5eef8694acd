"""Small helpers for Chinese text: whitespace, and patterns that match Simplified and Traditional.

Traditional-Chinese mirrors (big5 gateways, Hong Kong / Taiwan reposts) carry the same labels and
widgets as their Simplified originals (發文機關, 瀏覽次數, 網站標識碼 …). Rules are written once in
Simplified and expanded here, character by character, into classes that accept both scripts.
"""

from __future__ import annotations

import re
from functools import cache

from opencc import OpenCC

_S2T = OpenCC("s2t")
# Characters whose Traditional form depends on the word and which OpenCC maps one way only.
_EXTRA_VARIANTS = {"布": "佈", "里": "裡裏", "于": "於", "志": "誌", "台": "臺檯", "着": "著"}

_WS = re.compile(r"[\s\u00a0\u3000\u2002\u2003\u2009\u200b\u200c\u200d\ufeff]+")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")


def fold_ws(text: str) -> str:
    """One ASCII space for every run of whitespace (ideographic and no-break spaces included).

    Templates indent paragraphs with U+3000, &nbsp; or CSS interchangeably; folding them makes
    the same policy text identical whatever the template.
    """
    return _WS.sub(" ", _INVISIBLE.sub("", text)).strip()


def squash(text: str) -> str:
    """Text without any whitespace, for label matching (``索 引 号`` → ``索引号``)."""
    return _WS.sub("", text)


@cache
def _variants(char: str) -> str:
    out = {char, *_S2T.convert(char), *_EXTRA_VARIANTS.get(char, "")}
    return "".join(sorted(out))


def _is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


@cache
def tc(pattern: str) -> str:
    """Expand a regex written in Simplified so that it also matches Traditional text."""
    out: list[str] = []
    in_class = False
    escaped = False
    for char in pattern:
        if escaped:
            out.append(char)
            escaped = False
            continue
        if char == "\\":
            escaped = True
            out.append(char)
            continue
        if char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        if _is_cjk(char):
            variants = _variants(char)
            if len(variants) > 1:
                out.append(variants if in_class else f"[{variants}]")
                continue
        out.append(char)
    return "".join(out)


def tc_re(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(tc(pattern), flags)
