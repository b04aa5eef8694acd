"""Comparison key: the part of a page's text that a change must touch to be worth an alert.

Two texts with equal keys differ only in presentation — whitespace (U+3000, NBSP, line
breaks), full/half-width forms, punctuation variants, Traditional vs Simplified rendering,
or lines that change on every visit (counters, timestamps, print/close widgets).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from opencc import OpenCC

# Applied after NFKC, which already maps the full-width ASCII forms (，（）：；！？％ …) to ASCII.
_PUNCT = str.maketrans(
    {
        "。": ".",
        "｡": ".",
        "、": ",",
        "､": ",",
        "“": '"',
        "”": '"',
        "„": '"',
        "«": '"',
        "»": '"',
        "「": '"',
        "」": '"',
        "『": '"',
        "』": '"',
        "‘": "'",
        "’": "'",
        "‚": "'",
        "`": "'",
        "´": "'",
        "【": "[",
        "】": "]",
        "〔": "[",
        "〕": "]",
        "〖": "[",
        "〗": "]",
        "［": "[",
        "］": "]",
        "《": "<",
        "》": ">",
        "〈": "<",
        "〉": ">",
        "—": "-",
        "–": "-",
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "―": "-",
        "－": "-",
        "─": "-",
        "～": "~",
        "〜": "~",
        "…": "...",
        "⋯": "...",
        "・": "·",
        "•": "·",
        "‧": "·",
        "∙": "·",
        "﹐": ",",
        "﹑": ",",
        "﹒": ".",
        "﹔": ";",
        "﹕": ":",
    }
)

# A bracketed year is a document number (渝医保发〔2022〕16号), written with 〔〕, [] or ().
_YEAR_BRACKETS = re.compile(r"[\[(]((?:19|20)\d\d)[\])]")
# Invisible format characters (zero-width space/joiners, BOM, soft hyphen) carry no text, nor do
# lone surrogates (left by lenient decoding; OpenCC cannot encode them).
_FORMAT_CHARS = re.compile(
    r"[\u00ad\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\ufeff\ud800-\udfff]"
)
_SPACE_RUN = re.compile(r"\s+")
_ASCII_ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

_STAMP_LABEL = r"(?:信息)?(?:更新|发布|发稿|修改|录入|上传|生成)(?:时间|日期)"
_COUNTER_LABEL = r"(?:总)?(?:浏览|访问|阅读|点击|查看)(?:次数|人次|人数|量|数)?"
_FIELD = re.compile(r"(?:" + _STAMP_LABEL + "|" + _COUNTER_LABEL + r")\s*[:：]")
_ANY_FIELD = re.compile(
    r"(?:来源|作者|编辑|责任编辑|发布机构|发布单位|发文机关|字号|时间|日期|次数|浏览量|阅读量|访问量)\s*[:：]"
)
_VOLATILE_PATTERNS = (
    re.compile(r"^[\[(【（]?\s*(?:" + _STAMP_LABEL + "|" + _COUNTER_LABEL + r")\s*[:：]"),
    re.compile(r"^[\[(【（]?\s*(?:今天是|今日是|当前时间|当前日期|现在时间|现在是|北京时间)"),
    re.compile(r"您是(?:本站)?第\s*[\d,]+\s*(?:位|个|名)(?:访问者|访客|浏览者|读者)"),
    re.compile(r"^[\[(【（]?\s*" + _COUNTER_LABEL + r"\s*[:：]?\s*[\d,]+\s*次?\s*[\])）】]?$"),
)
_WIDGET_WORDS = (
    r"打印本页|打印此页|打印正文|打印|关闭本页|关闭窗口|关闭|返回顶部|返回|收藏本页|加入收藏|收藏|"
    r"分享到|分享|(?:字体|字号)\s*[:：]?(?:\s*[大中小]|\s*默认)*|保存本页|保存|我要纠错|纠错|"
    r"扫一扫|下载|上一篇|下一篇|微信|微博|QQ空间|视力保护色|放大|缩小"
)
_WIDGET_GLUE = r"[\s\[\]【】(){}（）<>《》|｜/:：·•,，、]*"
_WIDGET_LINE = re.compile(rf"^(?:{_WIDGET_GLUE}(?:{_WIDGET_WORDS}))+{_WIDGET_GLUE}$")
_MAX_VOLATILE_LINE = 120
_MAX_META_LINE = 80


def volatile_line(line: str) -> bool:
    """Whether a line is page furniture that changes between visits without the policy changing.

    Timestamps and counters are only recognised when labelled (更新时间：…, 浏览次数：N) on a
    short line, so a sentence of the policy that mentions a 发布时间 is never dropped.
    """
    return _volatile(
        _converter().convert(_FORMAT_CHARS.sub("", unicodedata.normalize("NFKC", line)))
    )


def _volatile(line: str) -> bool:
    text = line.strip()
    if not text or len(text) > _MAX_VOLATILE_LINE:
        return False
    if _WIDGET_LINE.match(text) or any(pattern.search(text) for pattern in _VOLATILE_PATTERNS):
        return True
    # A metadata strip (来源：… 发布时间：… 浏览次数：…) is volatile when one of its fields is.
    return (
        len(text) <= _MAX_META_LINE
        and "。" not in text
        and len(_ANY_FIELD.findall(text)) >= 2
        and bool(_FIELD.search(text))
    )


def comparison_key(text: str) -> str:
    """Fold a clean text to the form two renderings of the same policy share.

    Whitespace is removed, except a single space between two ASCII letters or digits (where
    it separates words or numbers); Chinese has no word spaces, so any space next to a Chinese
    character or punctuation mark is layout.
    """
    text = _simplified(text)
    lines = [line for line in text.splitlines() if not _volatile(line)]
    text = "\n".join(lines).translate(_PUNCT)
    text = _SPACE_RUN.sub(_fold_space, text)
    return _YEAR_BRACKETS.sub(r"[\1]", text)


def _fold_space(match: re.Match[str]) -> str:
    text, start, end = match.string, match.start(), match.end()
    between_words = start > 0 and end < len(text)
    if between_words and text[start - 1] in _ASCII_ALNUM and text[end] in _ASCII_ALNUM:
        return " "
    return ""


def _simplified(text: str) -> str:
    """NFKC, invisible characters dropped, Traditional folded to Simplified."""
    text = _FORMAT_CHARS.sub("", unicodedata.normalize("NFKC", text))
    return str(_converter().convert(text))


@lru_cache(maxsize=1)
def _converter() -> OpenCC:
    """OpenCC's t2s converter, built once (loading its dictionaries takes milliseconds)."""
    return OpenCC("t2s")
