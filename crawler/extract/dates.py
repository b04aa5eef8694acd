"""Chinese dates in the forms policy pages use, normalised to ``YYYY-MM-DD``.

A date is only produced when year, month and day are all written: ``2021年`` or ``2021年3月``
yield nothing rather than an invented first of the month.
"""

from __future__ import annotations

import re
from datetime import date

_CN_DIGITS = {
    "〇": 0, "○": 0, "零": 0, "Ｏ": 0, "O": 0, "o": 0, "０": 0,
    "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
_CN_CHARS = "〇○零Ｏ一二三四五六七八九十"

_ARABIC = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*(?:年|[-/.．])\s*(\d{1,2})\s*(?:月|[-/.．])\s*(\d{1,2})(?!\d)(?:\s*日)?"
)
_HANZI = re.compile(
    rf"([{_CN_CHARS}]{{4}})\s*年\s*([{_CN_CHARS}]{{1,3}})\s*月\s*([{_CN_CHARS}]{{1,3}})\s*[日号]"
)
# A run of digits glued together (20210305), only accepted when it is the whole value.
_COMPACT = re.compile(r"^((?:19|20)\d{2})(\d{2})(\d{2})$")

DATE_PATTERN = rf"(?:(?:19|20)\d{{2}}\s*(?:年|[-/.．])\s*\d{{1,2}}\s*(?:月|[-/.．])\s*\d{{1,2}}(?:\s*日)?|[{_CN_CHARS}]{{4}}\s*年\s*[{_CN_CHARS}]{{1,3}}\s*月\s*[{_CN_CHARS}]{{1,3}}\s*[日号])"  # noqa: E501


def _cn_number(text: str) -> int | None:
    """二十三 → 23, 十 → 10, 三十一 → 31, 〇五 → 5 (digit-by-digit years are handled apart)."""
    if "十" not in text:
        value = 0
        for char in text:
            if char not in _CN_DIGITS:
                return None
            value = value * 10 + _CN_DIGITS[char]
        return value
    tens, _, units = text.partition("十")
    tens_value = _CN_DIGITS.get(tens, -1) if tens else 1
    units_value = _CN_DIGITS.get(units, -1) if units else 0
    if tens_value < 0 or units_value < 0:
        return None
    return tens_value * 10 + units_value


def _valid(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def find_dates(text: str) -> list[tuple[int, str]]:
    """All complete dates in ``text`` as (position, ISO date), in order of appearance."""
    found: list[tuple[int, str]] = []
    for match in _ARABIC.finditer(text):
        iso = _valid(int(match[1]), int(match[2]), int(match[3]))
        if iso:
            found.append((match.start(), iso))
    for match in _HANZI.finditer(text):
        year = _cn_number(match[1])
        month = _cn_number(match[2])
        day = _cn_number(match[3])
        if year and month and day:
            iso = _valid(year, month, day)
            if iso:
                found.append((match.start(), iso))
    found.sort()
    return found


def parse_date(text: str | None) -> str | None:
    """The first complete date in ``text`` (a meta value, a table cell, a line), else None."""
    if not text:
        return None
    stripped = text.strip()
    compact = _COMPACT.match(stripped)
    if compact:
        return _valid(int(compact[1]), int(compact[2]), int(compact[3]))
    found = find_dates(stripped)
    return found[0][1] if found else None
