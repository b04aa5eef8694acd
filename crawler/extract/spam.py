"""Injected SEO spam: link farms of porn/gambling keywords planted in compromised pages.

They take the shape of the tail of a hacked page (``主站蜘蛛池模板: 国产区精品一区二区不卡中文 |
精品久久久久久无码人妻蜜桃| …``): dozens of short keyword strings, often links, separated by
``|``, placed in their own block or inside the article cell. Only vocabulary that has no place in a
policy is counted (no 福利, 彩票, 成人, 三级: those are social-security words).
"""

from __future__ import annotations

import re

from crawler.extract.zh import tc

_TERMS = (
    "蜘蛛池", "久久", "无码", "一区", "二区", "三区", "日韩", "欧美", "午夜", "人妻", "中文字幕",
    "国产精品", "精品国产", "精品视频", "在线观看", "在线视频", "毛片", "内射", "婷婷", "色欲",
    "伊人", "自拍", "偷拍", "蜜桃", "蜜臀", "成人影院", "免费视频", "高清视频", "αv", "博彩",
    "娱乐城", "赌场", "百家乐", "六合彩", "时时彩", "威尼斯人", "葡京", "老虎机",
    "开奖结果", "彩票网", "真人娱乐", "棋牌游戏", "私人影院", "影视大全", "天天爽", "夜夜",
    "狠狠", "精品无码", "福利在线", "在线精品", "精品一区",
)  # fmt: skip


def _alternatives(term: str) -> list[str]:
    """The term, Simplified and Traditional, as alternatives that each start with one plain
    character.

    When every alternative of a pattern does, the regex engine scans a text for those
    characters and tries the pattern only there, instead of trying it at every position (a
    page's spam check took a tenth of its extraction time that way).
    """
    rest = tc(re.escape(term[1:]))
    return [re.escape(first) + rest for first in tc(term[0]).strip("[]")]


_TERM_ALTERNATIVES = [
    alt for term in sorted(_TERMS, key=len, reverse=True) for alt in _alternatives(term)
]
# "AV" as a word, found by its V: V is rarer than A in a page's markup, so the scan stops less.
# (The match is then the V alone: counts are the same, and salvage cuts at the sentence end
# before it, which the A never is.)
_AV = [f"{v}(?<=(?<![A-Za-z])[Aa]{v})(?![A-Za-z])" for v in "Vv"]
SPAM_TERM = re.compile("|".join(_TERM_ALTERNATIVES + _AV))
_MARKERS = ("蜘蛛池", "站群模板")
MARKER = re.compile(tc("|".join(_MARKERS)))
# Markers and terms in one scan of a page or line. No term holds a marker's first character but
# 蜘蛛池 itself, so no term's match hides a marker.
_PAGE_SCAN = re.compile(
    "|".join([alt for marker in _MARKERS for alt in _alternatives(marker)] + [SPAM_TERM.pattern])
)
_SENTENCE_END = re.compile(r"[。！？!?；;]")


def spam_hits(text: str) -> int:
    return len(SPAM_TERM.findall(text))


def _scan(text: str) -> tuple[bool, int]:
    """(whether ``text`` holds a marker, its spam term hits when it holds none)."""
    found = _PAGE_SCAN.findall(text)
    if not found:
        return False, 0
    # Without a marker, the matches are those of SPAM_TERM.
    return any(MARKER.fullmatch(hit) for hit in found), len(found)


def is_spam_text(text: str, link_ratio: float = 0.0) -> bool:
    """Whether a line (or an anchor's text) is part of a link farm."""
    marker, hits = _scan(text)
    if marker or hits >= 3:
        return True
    return hits >= 1 and link_ratio >= 0.5 and len(text) <= 60


def salvage(text: str) -> str:
    """The prose before a spam run that was glued onto the same line, or ''."""
    marker = MARKER.search(text)
    first = SPAM_TERM.search(text)
    starts = [m.start() for m in (marker, first) if m]
    if not starts:
        return text
    cut = min(starts)
    ends = [m.end() for m in _SENTENCE_END.finditer(text, 0, cut)]
    if not ends:
        return ""
    kept = text[: ends[-1]].strip()
    return kept if spam_hits(kept) == 0 else ""


def page_has_spam(text: str) -> bool:
    """Whether a whole page (hidden parts included) carries a link farm."""
    marker, hits = _scan(text)
    return marker or hits >= 8
