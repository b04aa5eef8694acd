"""Document numbers (文号): ``渝医保发〔2022〕16号`` and its bracket variants, ``国令第707号``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from crawler.extract.zh import tc


@dataclass(frozen=True)
class _Pattern:
    """A run of at most ``reach`` Chinese characters, optional spaces, then a ``tail``.

    The regex engine tries a pattern that starts with a run of Chinese characters at every
    Chinese character of a text (a tenth of a page's extraction time went there), while it
    finds a tail, which starts with one of a few characters, by a fast scan. So the tails are
    found first and the whole pattern is only tried just before each of them.
    """

    whole: re.Pattern[str]
    tail: re.Pattern[str]
    reach: int

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """``whole.finditer(text)``: a match lies between ``reach`` characters (and spaces)
        before a tail and the tail's end, after the previous match; tails never overlap."""
        end = 0
        at = 0
        while tail := self.tail.search(text, at):
            start = tail.start()
            while start > end and text[start - 1].isspace():
                start -= 1
            match = self.whole.search(text, max(end, start - self.reach), tail.end())
            if match:
                yield match
                end = match.end()
            at = tail.end()

    def search(self, text: str) -> re.Match[str] | None:
        return next(self.finditer(text), None)


_OPEN = "〔[(（【［｛{"
_CLOSE = "〕])）】］｝}"
_YEAR_NUMBER = (
    rf"[{re.escape(_OPEN)}]\s*((?:19|20)\d{{2}})\s*[{re.escape(_CLOSE)}]"
    r"\s*(第?\s*\d{1,5}\s*[号號])"
)
_DECREE_NUMBER = r"\s*(第\s*\d{1,5}\s*[号號])"
# The organ's abbreviation: Chinese characters, bounded so that a sentence is never swallowed.
_BRACKETED = _Pattern(
    re.compile(rf"([\u4e00-\u9fff]{{1,14}})\s*{_YEAR_NUMBER}"), re.compile(_YEAR_NUMBER), 14
)
_DECREE = _Pattern(
    re.compile(rf"([\u4e00-\u9fff]{{1,12}}令){_DECREE_NUMBER}"),
    re.compile(f"令{_DECREE_NUMBER}"),
    12,
)
# Words a sentence puts before a cited number; they are not part of the abbreviation.
_LEADING_NOISE = re.compile(
    tc(
        r"^.*(?:印发|转发|根据|按照|依据|依照|遵照|执行|贯彻|落实|参照|重申|废止|文件|通知|规定|"
        r"意见|办法|方案|条例|和|及|与|或|的|了|见|即|为|是|以|将|对|由|在|从|按|并|同时)"
    )
)
_UP_TO_COUNTRY = re.compile("^.*" + tc("中华人民共和国"))


def _clean_prefix(prefix: str) -> str:
    """Drop the sentence that runs into an abbreviation: ``根据人社部发`` → ``人社部发``."""
    cut = _LEADING_NOISE.sub("", prefix)
    return cut or prefix


def _format(prefix: str, year: str, number: str) -> str:
    number = "".join(number.split())
    return f"{prefix}〔{year}〕{number}"


def normalize_doc_number(text: str | None) -> str | None:
    """The 文号 in ``text`` with 〔〕 brackets, or None when ``text`` holds none.

    Used on a labelled value (发文字号 cell), so the whole abbreviation is kept as written.
    """
    if not text:
        return None
    value = "".join(text.split())
    match = _BRACKETED.search(value)
    if match:
        return _format(match[1], match[2], match[3])
    decree = _DECREE.search(value)
    if decree:
        return decree[1] + "".join(decree[2].split())
    return None


def find_doc_numbers(text: str) -> list[str]:
    """Every 文号 cited in running ``text``, normalised, in order of first appearance."""
    found: list[tuple[int, str]] = []
    for match in _BRACKETED.finditer(text):
        prefix = _clean_prefix(match[1])
        if len(prefix) >= 2:
            found.append((match.start(), _format(prefix, match[2], match[3])))
    for match in _DECREE.finditer(text):
        prefix = _clean_prefix(_UP_TO_COUNTRY.sub("", match[1]))
        if len(prefix) >= 2:
            found.append((match.start(), prefix + "".join(match[2].split())))
    return list(dict.fromkeys(value for _, value in sorted(found)))
