"""Document numbers (文号): ``渝医保发〔2022〕16号`` and its bracket variants, ``国令第707号``."""

from __future__ import annotations

import re

from crawler.extract.zh import tc

_OPEN = "〔[(（【［｛{"
_CLOSE = "〕])）】］｝}"
# The organ's abbreviation: Chinese characters, bounded so that a sentence is never swallowed.
_PREFIX = r"[\u4e00-\u9fff]{1,14}"
_BRACKETED = re.compile(
    rf"({_PREFIX})\s*[{re.escape(_OPEN)}]\s*((?:19|20)\d{{2}})\s*[{re.escape(_CLOSE)}]"
    r"\s*(第?\s*\d{1,5}\s*[号號])"
)
_DECREE = re.compile(r"([\u4e00-\u9fff]{1,12}令)\s*(第\s*\d{1,5}\s*[号號])")
# Words a sentence puts before a cited number; they are not part of the abbreviation.
_LEADING_NOISE = re.compile(
    tc(
        r"^.*(?:印发|转发|根据|按照|依据|依照|遵照|执行|贯彻|落实|参照|重申|废止|文件|通知|规定|"
        r"意见|办法|方案|条例|和|及|与|或|的|了|见|即|为|是|以|将|对|由|在|从|按|并|同时)"
    )
)
_COUNTRY = tc("中华人民共和国")


def _clean_prefix(prefix: str) -> str:
    """Drop the sentence that runs into an abbreviation: ``根据人社部发`` → ``人社部发``."""
    cut = _LEADING_NOISE.sub("", prefix)
    return cut or prefix


def _format(prefix: str, year: str, number: str) -> str:
    number = re.sub(r"\s+", "", number)
    return f"{prefix}〔{year}〕{number}"


def normalize_doc_number(text: str | None) -> str | None:
    """The 文号 in ``text`` with 〔〕 brackets, or None when ``text`` holds none.

    Used on a labelled value (发文字号 cell), so the whole abbreviation is kept as written.
    """
    if not text:
        return None
    value = re.sub(r"\s+", "", text)
    match = _BRACKETED.search(value)
    if match:
        return _format(match[1], match[2], match[3])
    decree = _DECREE.search(value)
    if decree:
        return decree[1] + re.sub(r"\s+", "", decree[2])
    return None


def find_doc_numbers(text: str) -> list[str]:
    """Every 文号 cited in running ``text``, normalised, in order of first appearance."""
    found: list[tuple[int, str]] = []
    for match in _BRACKETED.finditer(text):
        prefix = _clean_prefix(match[1])
        if len(prefix) >= 2:
            found.append((match.start(), _format(prefix, match[2], match[3])))
    for match in _DECREE.finditer(text):
        prefix = _clean_prefix(re.sub(rf"^.*{_COUNTRY}", "", match[1]))
        if len(prefix) >= 2:
            found.append((match.start(), prefix + re.sub(r"\s+", "", match[2])))
    return list(dict.fromkeys(value for _, value in sorted(found)))
