"""Renderings of a comparison: unified text diff, chat Markdown, HTML for email and the web."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.compare import Comparison, compare


@pytest.fixture(scope="module")
def amended(regulation: str) -> tuple[str, str]:
    new = regulation.replace("在职职工起付标准为1200元", "在职职工起付标准为1000元")
    new = new.replace(
        "本细则由市医疗保障局负责解释。", "本细则由市医疗保障局会同市财政局负责解释。"
    )
    new = new.replace(
        "第三十条　本细则自",
        "第三十条　参保人员对待遇认定有异议的，可申请复核。\n第三十一条　本细则自",
    )
    return regulation, new


@pytest.fixture(scope="module")
def result(amended: tuple[str, str]) -> Comparison:
    return compare(*amended)


@pytest.fixture(scope="module")
def many_changes(regulation: str) -> Comparison:
    """Every article changed: more than any chat message can hold."""
    new = re.sub(
        r"(?m)^(第[一二三四五六七八九十]+条　)",
        r"\1根据上级**最新**要求，[详见](http://x)",
        regulation,
    )
    return compare(regulation, new)


def test_unified_diff_by_unit(result: Comparison) -> None:
    lines = result.unified_diff().splitlines()
    assert lines[:3] == ["--- old", "+++ new", "@@ 第十条 @@"]
    assert lines[3].startswith("-第十条") and "1200元" in lines[3]
    assert lines[4].startswith("+第十条") and "1000元" in lines[4]
    assert "@@ 第二十九条 @@" in lines
    assert "@@ 第三十条 @@" in lines
    assert lines[-1] == "@@ 重新编号: 第三十条 → 第三十一条 @@"


def test_unified_diff_context_lines() -> None:
    old = "第一条　总则。\n第二条　第一款。\n第二款，比例为60%。\n第三款。\n第四款。\n"
    new = old.replace("60%", "70%")
    text = compare(old, new).unified_diff(context=1)
    assert text.splitlines()[2:] == [
        "@@ 第二条 @@",
        " 第二条　第一款。",
        "-第二款，比例为60%。",
        "+第二款，比例为70%。",
        " 第三款。",
    ]


def test_markdown_marks_deleted_and_inserted_runs(result: Comparison) -> None:
    text = result.markdown()
    assert "**第十条** 修改：在职职工起付标准 1200元 → 1000元" in text
    assert "~~1200~~**1000**元" in text
    assert "会同市财政局" in text
    assert "**第三十条** 新增" in text
    assert "**重新编号**：第三十条 → 第三十一条" in text


@given(st.integers(0, 4000))
def test_markdown_is_bounded_and_never_cut_inside_markup(
    many_changes: Comparison, max_chars: int
) -> None:
    text = many_changes.markdown(max_chars)
    assert len(text) <= max_chars
    for line in text.splitlines():
        assert line.count("**") % 2 == 0, line
        assert line.count("~~") % 2 == 0, line
    full = many_changes.markdown(10**6)
    if len(full) <= max_chars:
        assert text == full
    elif max_chars >= 100:
        assert text.startswith("**第一条** 修改\n> 第一条")
        # Shortened: either the rest is counted, or the last block itself ends cut short.
        assert re.search(r"(……另有 \d+ 项变更未列出|…(\*\*|~~)?)$", text)


def test_presentation_edits_inside_a_changed_unit_are_not_marked(regulation: str) -> None:
    new = regulation.replace(
        "第二条　本细则适用于本市参加职工基本医疗保险（以下简称职工医保）的在职职工、",
        "第二条　本细则适用于本市参加职工基本医疗保险(以下简称职工医保)的在职职工、",
    ).replace("退休人员和灵活就业人员。", "退休人员、灵活就业人员和领取失业保险金人员。")
    result = compare(regulation, new)
    [change] = result.units
    assert [text for op, text in change.diff if op] == ["和", "、", "和领取失业保险金人员"]
    assert "~~和~~**、**灵活就业人员**和领取失业保险金人员**" in result.markdown()
    assert "~~（~~" not in result.markdown()


def test_markdown_neutralises_markup_in_policy_text(many_changes: Comparison) -> None:
    text = many_changes.markdown(3000)
    assert "](http" not in text and "[详见]" not in text
    assert "＊＊最新＊＊" in text and "［详见］" in text


def test_html_escapes_policy_text() -> None:
    old = "第一条　起付标准为1200元。\n第二条　其他。\n"
    new = "第一条　起付标准为1000元<script>alert('x')</script>。\n第二条　其他。\n"
    html = compare(old, new, old_title="通知", new_title="<img src=x onerror=alert(1)>").html()
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_html_is_a_side_by_side_table(result: Comparison) -> None:
    html = result.html()
    parser = _Tags()
    parser.feed(html)
    assert parser.balanced, parser.stack
    assert '<del class="rw-del"' in html and ">1200</del>" in html
    assert '<ins class="rw-ins"' in html and ">1000</ins>" in html
    assert html.count('<td class="rw-old"') == html.count('<td class="rw-new"') == 3
    assert "第十条 · 修改 · 在职职工起付标准 1200元 → 1000元" in html
    assert "style=" in html  # inline styles: mail clients drop <style> blocks


class _Tags(HTMLParser):
    """Checks that every opened element is closed, in order."""

    VOID = frozenset({"br"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.balanced = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.balanced = False
