"""Values read by their printed label: the information-disclosure table (索引号, 发文机关, 发文字号,
成文日期, 发布日期 …) and the info bar under a title (发布时间：…, 来源：…).

Templates print a label and its value in every arrangement: ``<td>label</td><td>value</td>``,
``<li><b>label：</b>value</li>``, ``<dt>label</dt><dd>value</dd>``, ``label：value`` in one
text node, with spaces inside the label (``索 引 号``). Text nodes are read in document order; a
label's value is the rest of its own text node, else the next non-empty text in the same row.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from itertools import filterfalse

from lxml import etree

from crawler.extract.render import SKIP
from crawler.extract.zh import fold_ws, squash, tc

# key → label words (Simplified; Traditional accepted). The disclosure-table labels come first.
LABELS: dict[str, tuple[str, ...]] = {
    "index_number": ("索引号", "信息索引号", "索取号"),
    "issuer": (
        "发文机关", "发布机构", "发布机关", "发文单位", "发文机构", "制发机关", "成文机关",
        "发布单位", "制文机关", "公开主体",
    ),
    "written": ("成文日期", "成文时间", "生成日期", "印发日期", "签发日期", "制发日期"),
    "title": ("标题", "文件名称", "信息名称", "名称", "公文标题"),
    "doc_number": ("发文字号", "文号", "文件编号", "发文编号", "文件字号"),
    "published": (
        "发布日期", "公开日期", "发文日期", "公布日期", "发布时间", "公开时间", "上网日期",
        "上网时间", "发表时间", "发稿时间",
    ),
    "effective": ("施行日期", "生效日期", "实施日期", "生效时间", "施行时间", "实施时间"),
    "keywords": ("主题词", "关键词", "关键字"),
    "category": ("主题分类", "分类", "体裁分类", "组配分类"),
    "validity": ("有效性", "时效性", "效力状态"),
    "source": ("信息来源", "来源", "文章来源", "稿件来源", "内容来源", "稿源"),
    "date": ("日期", "时间"),
    # Read only so that they end the value before them.
    "other": (
        "浏览次数", "浏览量", "访问量", "点击数", "点击量", "阅读次数", "字号", "字体", "作者",
        "责任编辑", "编辑",
    ),
}  # fmt: skip
_KEY_OF: dict[str, str] = {word: key for key, words in LABELS.items() for word in words}
_ALTERNATION = "|".join(
    r"\s*".join(tc(char) for char in word) for word in sorted(_KEY_OF, key=len, reverse=True)
)
_LABEL = re.compile(rf"^[【\[]?({_ALTERNATION})[】\]]?\s*[:：]?(.*)$", re.DOTALL)
# Further labels inside one text node ("来源： | 发布时间：2018-05-17 | 浏览次数：") need a colon.
_INNER_LABEL = re.compile(rf"(?:^|(?<=[\s|｜丨/]))[【\[]?({_ALTERNATION})[】\]]?\s*[:：]")
_VALUE_TRIM = " |｜丨/"
_MAX_NODE = 120
_LEAD = " \t\r\n\u3000\u00a0【["
_ROW_TAGS = frozenset({"tr", "li", "dl", "p", "h1", "h2", "h3", "h4", "h5", "h6"})


def _key(matched: str) -> str:
    """The key of a matched label, which may be Traditional and spaced (``索 引 號``)."""
    word = squash(matched)
    if word in _KEY_OF:
        return _KEY_OF[word]
    for candidate, key in _KEY_OF.items():
        if re.fullmatch(tc(candidate), word):
            return key
    raise KeyError(matched)


_TEXTS = etree.XPath("//text()")
# A text node is read as a label when its first character (past leading spaces and brackets)
# can start one.
_FIRST = "".join(sorted({char for word in _KEY_OF for char in tc(word[0]).strip("[]")}))
_ANY_LABEL_CHAR = re.compile(f"[{_FIRST}]")
# What may come before and inside a label in a text node whose folded text starts with it: the
# whitespace ``fold_ws`` folds and the invisible characters it drops.
_GAP = r"\s\u200b\u200c\u200d\u2060\ufeff"


@cache
def _may_be_label() -> re.Pattern[str]:
    """A text that may start with a label, after the NUL that precedes each text once they are
    joined: every text whose folded form starts with a label matches (and few others do).

    Compiled on first use (15 ms, which a process that reads no page need not pay). Its runs
    are possessive: a label character never is a gap, so giving some back cannot help.
    """
    words = (f"[{_GAP}]*+".join(tc(char) for char in word) for word in _KEY_OF)
    return re.compile(rf"\x00(?=[{_GAP}【\[{_FIRST}])[{_GAP}【\[]*+(?:{'|'.join(words)})")


def _may_be_labels(texts: list[str]) -> Iterator[int]:
    """Indexes of the texts that may start with a label.

    One scan over all the texts joined finds them: testing each of a page's text nodes from
    Python cost more than reading the labels found.
    """
    joined = "\x00" + "\x00".join(texts)  # text nodes never hold a NUL
    index = -1
    at = 0
    for match in _may_be_label().finditer(joined):
        index += joined.count("\x00", at, match.start() + 1)
        at = match.start() + 1
        yield index


def _owner(text: etree._ElementUnicodeResult) -> etree._Element | None:
    """The element a text node belongs to (for a tail, the parent of the element it follows);
    None for text of scripts, styles and comments."""
    owner = text.getparent()
    if owner is not None and text.is_tail:
        owner = owner.getparent()
    if owner is None or not isinstance(owner.tag, str) or owner.tag in SKIP:
        return None
    return owner


def _row(el: etree._Element) -> etree._Element:
    node: etree._Element | None = el
    for _ in range(4):
        if node is None:
            break
        if node.tag in _ROW_TAGS:
            return node
        node = node.getparent()
    parent = el.getparent()
    return parent if parent is not None else el


def _within(el: etree._Element, ancestor: etree._Element) -> bool:
    node: etree._Element | None = el
    while node is not None:
        if node is ancestor:
            return True
        node = node.getparent()
    return False


def labelled_values(
    root: etree._Element, skip: etree._Element | None = None
) -> dict[str, list[str]]:
    """Values found for each label key, in document order (``skip``: a subtree to ignore)."""
    texts = list(filterfalse(str.isspace, _TEXTS(root)))
    found: dict[str, list[str]] = {}
    for i in _may_be_labels(texts):
        raw = texts[i]
        if len(raw) > _MAX_NODE * 2 or not _ANY_LABEL_CHAR.match(raw.lstrip(_LEAD)):
            continue
        text = fold_ws(raw)
        match = _LABEL.match(text) if len(text) <= _MAX_NODE else None
        if match is None:
            continue
        el = _owner(raw)
        if el is None or (skip is not None and _within(el, skip)):
            continue
        pairs = _split(match[1], match[2])
        for n, (label, value) in enumerate(pairs):
            if not value and n == len(pairs) - 1:
                value = _next_value(texts, i, el) or ""
            if value:
                found.setdefault(_key(label), []).append(value)
    return found


def _split(first_label: str, rest: str) -> list[tuple[str, str]]:
    """The label/value pairs of one text node."""
    pairs: list[tuple[str, str]] = []
    label = first_label
    pos = 0
    for inner in _INNER_LABEL.finditer(rest):
        pairs.append((label, rest[pos : inner.start()].strip(_VALUE_TRIM)))
        label, pos = inner[1], inner.end()
    pairs.append((label, rest[pos:].strip(_VALUE_TRIM)))
    return pairs


def _is_label(text: str) -> bool:
    match = _LABEL.match(text)
    return match is not None and not match[2].strip()


def _next_value(texts: list[etree._ElementUnicodeResult], i: int, el: etree._Element) -> str | None:
    """The text after a bare label, when it sits in the same row and is not itself a label."""
    if i + 1 >= len(texts):
        return None
    other = _owner(texts[i + 1])
    text = fold_ws(texts[i + 1])
    if other is None or not _within(other, _row(el)) or _is_label(text) or len(text) > 300:
        return None
    return text
