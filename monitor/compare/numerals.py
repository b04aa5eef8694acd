"""Chinese numerals as they appear in article and item labels (第一百零三条, （十二）).

A dozen lines cover the label forms; a general converter (cn2an) would add a dependency for
amounts we never convert — figures are compared as written.
"""

from __future__ import annotations

from functools import lru_cache

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
           "八": 8, "九": 9}  # fmt: skip
_UNITS = {"十": 10, "百": 100, "千": 1000}
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

CHINESE_DIGITS = "零〇一二两三四五六七八九十百千"


@lru_cache(maxsize=4096)
def parse_number(text: str) -> int | None:
    """The value of a label number: Arabic (12, １２), Chinese (十二, 一百零三), circled (③)."""
    text = text.strip()
    if not text:
        return None
    if text.isdecimal():
        return int(text)
    if len(text) == 1 and text in _CIRCLED:
        return _CIRCLED.index(text) + 1
    if any(c not in _DIGITS and c not in _UNITS for c in text):
        return None
    if not any(c in _UNITS for c in text):
        # Digit by digit, as in 二〇二三.
        return int("".join(str(_DIGITS[c]) for c in text))
    total, digit = 0, None
    for char in text:
        if char in _DIGITS:
            digit = _DIGITS[char]
        else:
            total += (1 if digit is None else digit) * _UNITS[char]
            digit = None
    return total + (digit or 0)
