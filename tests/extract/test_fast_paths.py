"""The fast forms of the extractor's rules give what their plain forms give.

Each fast path (a regex rewritten so that the engine scans instead of backtracking, a prefilter,
libxml2 doing what lxml.html did in Python) is checked against the straightforward definition
it replaces, on strings built from the pieces that make the rules match, fail and overlap.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from crawler.extract import attachments, clean, core, docnum, labels, render, spam, tree, zh
from crawler.extract.firstchars import first_chars


def texts(*pieces: str, max_size: int = 12) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(pieces), max_size=max_size).map("".join)


# --- regexes behind a lookahead on their first characters --------------------------------------

_ALPHABET = "ab1[]()|x-\\"


@pytest.mark.parametrize(
    ("pattern", "firsts"),
    [
        (r"ab|c", "ac"),
        (r"^[【\[]?(?:上一篇|下一篇)", r"【\[上下"),
        (r"\(c\)\s*\d{4}|ICP", r"\(I"),
        (r"x*(?:a|b)?c", "xabc"),
        (r"a{,3}b|a{0}c|a{1,2}d", "abaca"),
        (r"[]a]b", r"\]a"),
    ],
)
def test_first_chars(pattern: str, firsts: str) -> None:
    assert first_chars(pattern) == firsts


@pytest.mark.parametrize("pattern", [r".a", r"a?", r"(?=a)b", r"\bab", r"[^a]b", "a|", "(?:a|)b"])
def test_first_chars_refuses_what_it_cannot_tell(pattern: str) -> None:
    with pytest.raises(ValueError):
        first_chars(pattern)


@given(
    texts(
        "a", "b", "c", "x", "ab", "(", ")", "[a]", "[bc]", "?", "*", "{0,2}", "+", "|", max_size=8
    ),
    texts(*_ALPHABET, "c", max_size=6),
)
@settings(max_examples=500)
def test_a_match_starts_with_a_first_char(pattern: str, text: str) -> None:
    try:
        compiled = re.compile(pattern)
        firsts = first_chars(pattern)
    except (re.error, ValueError):
        return
    for start in range(len(text) + 1):
        match = compiled.match(text, start)
        if match:
            assert re.match(f"[{firsts}]", text[start:]), (pattern, firsts, text[start:])


_LINE_PIECES = (
    "字号", "大", "中", "打印本页", "关闭窗口", "【", "】", "[", "|", " ", "\u3000", "QQ", "qq",
    "12", "100%", "分享到", "繁體", "发布时间", "發佈時間", "：", ":", "2024-01-01", "二〇二四年一月二日",
    "来源", "瀏覽次數", "上一篇", "相关链接", "更多", "尽在", "本文来源于", "网", "点击进入",
    "当前位置", "首页", ">", "网站标识码", "ICP备", "ıcp备", "Copyright", "(c) 2020", "联系人",
    "地址：", "E-mail", "x", "第一条", "。", "10:30", "\t", "—",
)  # fmt: skip
_QUICK = [
    clean.WIDGET_LINE, clean.INFO_LINE, clean.PREV_NEXT, clean.RELATED, clean.PROMO, clean.NAV,
    clean.CRUMBS, clean.CONTACT, clean.COUNTER, clean.FOOTER, clean.FOOTER_NEIGHBOUR,
    clean._HAS_LABEL,
]  # fmt: skip


def _without_lookahead(quick: re.Pattern[str]) -> re.Pattern[str]:
    assert quick.pattern.startswith("(?=[")
    return re.compile(quick.pattern[quick.pattern.index("])(?:") + 2 :], quick.flags)


@given(texts(*_LINE_PIECES, max_size=8))
@settings(max_examples=400)
def test_line_rules_match_as_without_lookahead(line: str) -> None:
    for quick in _QUICK:
        plain = _without_lookahead(quick)
        assert bool(quick.match(line)) == bool(plain.match(line)), quick.pattern[:40]
        found, expected = quick.search(line), plain.search(line)
        assert (found and found.span()) == (expected and expected.span()), quick.pattern[:40]


# --- spam terms ---------------------------------------------------------------------------------

_SPAM_REFERENCE = re.compile(
    "|".join(zh.tc(re.escape(t)) for t in sorted(spam._TERMS, key=len, reverse=True))
    + r"|(?<![A-Za-z])[Aa][Vv](?![A-Za-z])"
)
_MARKER_REFERENCE = re.compile(zh.tc("蜘蛛池|站群模板"))


@given(
    texts(
        *spam._TERMS, "國產精品", "開獎結果", "区", "av", "AV", "aV", "xav", "avx", "a", "v", "α",
        " ", "站群模板", "站羣模板", "的", "精", "品", "nav", "<a>", "。", max_size=20,
    )
)  # fmt: skip
@settings(max_examples=500)
def test_spam_counts_as_the_plain_alternation(text: str) -> None:
    hits = len(_SPAM_REFERENCE.findall(text))
    marker = bool(_MARKER_REFERENCE.search(text))
    assert spam.spam_hits(text) == hits
    assert spam.page_has_spam(text) == (marker or hits >= 8)
    assert spam.is_spam_text(text, 0.6) == (marker or hits >= 3 or (hits >= 1 and len(text) <= 60))
    assert spam.salvage(text) == _reference_salvage(text)


def _reference_salvage(text: str) -> str:
    starts = [
        m.start() for m in (_MARKER_REFERENCE.search(text), _SPAM_REFERENCE.search(text)) if m
    ]
    if not starts:
        return text
    ends = [m.end() for m in re.finditer(r"[。！？!?；;]", text[: min(starts)])]
    kept = text[: ends[-1]].strip() if ends else ""
    return kept if not _SPAM_REFERENCE.search(kept) else ""


# --- document numbers ---------------------------------------------------------------------------


@given(
    texts(
        "人社部发", "根据", "国务院令", "令", "第", "〔", "〕", "(", ")", "（", "【", "】", "2020",
        "1999", "16", "123456", "号", "號", " ", "\u3000", "\n", "中华人民共和国", "和", "通知",
        max_size=14,
    )
)  # fmt: skip
@settings(max_examples=500)
def test_doc_numbers_found_as_by_the_whole_pattern(text: str) -> None:
    for pattern in (docnum._BRACKETED, docnum._DECREE):
        expected = [(m.span(), m.groups()) for m in pattern.whole.finditer(text)]
        assert [(m.span(), m.groups()) for m in pattern.finditer(text)] == expected


# --- text helpers -------------------------------------------------------------------------------

_SPACES = " \t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u1680\u2002\u2003\u2009\u200a\u2028\u202f\u3000"
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"


@given(texts(*_SPACES, *_INVISIBLE, "a", "中", "b c"))
def test_fold_ws_is_the_substitution(text: str) -> None:
    expected = zh._WS.sub(" ", zh._INVISIBLE.sub("", text)).strip()
    assert zh.fold_ws(text) == expected


_LAZY_SCRIPT_STYLE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)


@given(
    texts(
        "<script>", "<script type=x>", "</script>", "</SCRIPT >", "</script\n>", "<Style>",
        "<style", "</style>", "</styl>", "<", "/", ">", "x", "\n", "<scripts>", "</scriptx>",
        "</script", "</", max_size=14,
    )
)  # fmt: skip
@settings(max_examples=500)
def test_script_style_removed_as_by_the_lazy_pattern(html: str) -> None:
    assert core._SCRIPT_STYLE.sub(" ", html) == _LAZY_SCRIPT_STYLE.sub(" ", html)


@given(
    st.sampled_from(["http://x.gov.cn/a/b/c.html", "http://x/f.pdf?x=1", "http://x/%2e"]),
    texts(
        "/", "a", ".pdf", ".PDF", ".html", "?", "&", "=", "file", "%2e", "pdf", ".doc", ".xlſ",
        "\t", "\n", "../", "#", "+", "//h", "filename=", ".", "docx", "https:",
    ),
)  # fmt: skip
@settings(max_examples=500)
def test_links_passed_over_name_no_file(base: str, href: str) -> None:
    if attachments.attachment_type(urljoin(base, href)):
        assert attachments._MAY_NAME_FILE.search(base) or attachments._MAY_NAME_FILE.search(href)


_LABEL_PIECES = (
    "发布日期", "發佈日期", "发 布 日 期", "索引号", "索\u200b引号", "\u200b来源", "信息中心", "【",
    "[", "：", "2024-01-01", " ", "\u3000", "\xa0", "\n", "x", "标题", "文号",
)  # fmt: skip


@given(st.lists(texts(*_LABEL_PIECES, max_size=5), max_size=6))
def test_texts_read_as_labels_are_all_found(nodes: list[str]) -> None:
    """Every text the label rules read (first character, then the label pattern on the folded
    text) is among those the joined scan yields."""
    read = {
        i
        for i, raw in enumerate(nodes)
        if labels._ANY_LABEL_CHAR.match(raw.lstrip(labels._LEAD))
        and labels._LABEL.match(zh.fold_ws(raw))
    }
    assert read <= set(labels._may_be_labels(nodes))


# --- trees on the plain parser ------------------------------------------------------------------

_FRAGMENTS = ("<p>", "</p>", "<a href='x.pdf'>", "</a>", "文", " ", "<br>", "<table><tr><td>")


@given(texts(*_FRAGMENTS, "<!--c-->", "tail", "<script>s</script>", max_size=10))
def test_plain_trees_read_as_lxml_html_ones(fragment: str) -> None:
    html = f"<html><body><div id='x'>{fragment}</div>t</body></html>"
    doc = tree.parse_document(html)
    expected = lxml.html.document_fromstring(html)
    assert etree.tostring(doc) == etree.tostring(expected)
    string = etree.XPath("string()")
    for el, other in zip(doc.iter(etree.Element), expected.iter(etree.Element), strict=True):
        assert tree.text_content(el) == string(other)
    if fragment.strip():
        mine = tree.parse_fragment(fragment)
        theirs = lxml.html.fragment_fromstring(fragment, create_parent="div")
        assert mine is not None
        assert etree.tostring(mine) == etree.tostring(theirs)
        assert [line.text for line in render.render(mine)] == [
            line.text for line in render.render(theirs)
        ]


@pytest.mark.parametrize("charset", ["utf-8", "gbk", "big5", "utf-16", "shift_jis"])
def test_control_characters_are_dropped_whatever_the_encoding(charset: str) -> None:
    page = (
        "<html><head><title>关于调整缴费基数的通知</title></head><body><div class='TRS_Editor'>"
        "<p>第一条 本通知自发布之日起施行。{}</p><p>第二条 缴费基数按上年度平均工资确定。</p>"
        "</div></body></html>"
    )
    clean_page = page.format("").encode(charset, "xmlcharrefreplace")
    dirty_page = page.format("\x00\x07\x1f\x7f").encode(charset, "xmlcharrefreplace")
    content_type = f"text/html; charset={charset}"
    dirty = core.extract(dirty_page, "http://x/", content_type=content_type).text
    assert dirty == core.extract(clean_page, "http://x/", content_type=content_type).text
    assert dirty.startswith("第一条 本通知自发布之日起施行。\n")
