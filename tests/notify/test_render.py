"""Messages: what they carry, per format, and how they are cut to a service's limit."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from monitor.compare import compare
from monitor.notify import DigestItem, render_digest, render_message
from storage.models import Event, Snapshot, Source

SOURCE = Source(id="cq-ybj", name="重庆市医疗保障局", region="重庆市", topics=[])


def _event(
    old: str | None, new: str | None, **fields
) -> tuple[Event, Snapshot | None, Snapshot | None]:
    comparison = compare(old, new) if old and new else None
    values = {
        "id": 42,
        "type": "changed",
        "source_id": "cq-ybj",
        "url": "https://ybj.cq.gov.cn/zcwj/t20220601_1.html",
        "new_url": None,
        "title": "重庆市职工基本医疗保险门诊共济保障实施办法",
        "detected_at": datetime(2026, 5, 20, 1, 0, tzinfo=UTC),
        "summary": {},
        "summary_text": comparison.summary_text() if comparison else "",
        "diff": comparison.unified_diff() if comparison else "",
        "spam_detected": False,
        "significance": 2,
    }
    values.update(fields)
    event = Event(**values)
    old_snapshot = Snapshot(text=old, title=values["title"]) if old else None
    new_snapshot = Snapshot(text=new, title=values["title"]) if new else None
    return event, old_snapshot, new_snapshot


def _well_formed_markdown(text: str) -> None:
    assert text.count("**") % 2 == 0, "unbalanced bold"
    assert text.count("~~") % 2 == 0, "unbalanced strike-through"
    assert len(re.findall(r"^`{3,}", text, flags=re.MULTILINE)) % 2 == 0, "open code fence"
    for line in text.splitlines():
        assert line.count("[") - line.count("\\[") == line.count("](") or "](" not in line


@pytest.mark.parametrize("limit", [500, 900, 1500, 2048, 4000, 7800, 19985])
def test_long_markdown_is_cut_to_the_limit_without_breaking_it(limit, policy_text):
    event, old, new = _event(policy_text(1200), policy_text(1000))
    _, body = render_message(event, old, new, source=SOURCE, fmt="markdown", max_chars=limit)
    assert len(body) <= limit
    _well_formed_markdown(body)
    # The facts and the pointer to the full diff survive every cut.
    assert "**链接**" in body and body.rstrip().endswith(
        "`regwatch diff https://ybj.cq.gov.cn/zcwj/t20220601_1.html`"
    )
    assert "另有" in body  # sixty changed articles never fit: the cut is said


@pytest.mark.parametrize("fmt", ["text", "html"])
@pytest.mark.parametrize("limit", [600, 2000, 32768])
def test_long_text_and_html_respect_the_limit(fmt, limit, policy_text):
    event, old, new = _event(policy_text(1200), policy_text(1000))
    _, body = render_message(
        event, old, new, source=SOURCE, fmt=fmt, max_chars=limit, base_url="https://rw.example.org"
    )
    assert len(body) <= limit
    assert "https://rw.example.org/changes/42" in body
    if fmt == "html" and limit == 32768:
        assert body.startswith("<div") and body.endswith("</div>")


def test_excerpt_is_bounded_by_excerpt_chars(policy_text):
    event, old, new = _event(policy_text(1200), policy_text(1000))
    _, short = render_message(event, old, new, source=SOURCE, fmt="text", excerpt_chars=300)
    _, long = render_message(event, old, new, source=SOURCE, fmt="text", excerpt_chars=3000)
    excerpt = short.split("差异摘录:")[1].split("完整差异")[0]
    assert len(excerpt) <= 320
    assert len(long) > len(short)


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_spam_warning_and_facts_in_every_format(fmt, policy_text):
    old = policy_text(1200, articles=3)
    event, o, n = _event(old, old.replace("1201元", "1001元"), spam_detected=True)
    title, body = render_message(event, o, n, source=SOURCE, fmt=fmt)
    assert title == "【修改】重庆市职工基本医疗保险门诊共济保障实施办法"
    assert "站点可能被篡改" in body
    for fact in (
        "重庆市医疗保障局",
        "重庆市",
        "修改",
        "https://ybj.cq.gov.cn/zcwj/t20220601_1.html",
    ):
        assert fact in body
    assert "2026-05-20 09:00" in body  # detected time in Asia/Shanghai
    assert "1001" in body and "1201" in body


def test_english_labels_on_request(policy_text):
    old = policy_text(1200, articles=3)
    event, o, n = _event(old, old.replace("1201元", "1001元"))
    title, body = render_message(event, o, n, source=SOURCE, fmt="text", language="en")
    assert title.startswith("[Changed] ")
    assert "Source: 重庆市医疗保障局" in body and "Full diff: regwatch diff" in body


def test_new_policy_shows_the_start_of_its_text(policy_text):
    text = policy_text(1200, articles=3)
    event, old, new = _event(None, text, type="new", summary_text="")
    _, body = render_message(event, old, new, source=SOURCE, fmt="markdown")
    assert "**正文摘录**" in body and "> 第一条 第1类人员" in body
    assert "【新增】" in render_message(event, old, new, source=SOURCE, fmt="text")[0]


def test_removed_policy_without_snapshots_still_renders():
    event, old, new = _event(None, None, type="removed", summary_text="页面已删除: https://x")
    _, body = render_message(event, old, new, source=None, fmt="html")
    assert "页面已删除" in body and "差异摘录" not in body


def test_markdown_escapes_page_text():
    injected = "关于*加急*通知[点此](http://evil)"
    event, old, new = _event(None, None, title=injected, summary_text=f"第一条: {injected}")
    _, body = render_message(event, old, new, source=SOURCE, fmt="markdown")
    assert "[点此](http://evil)" not in body
    assert "\\*加急\\*" in body and "\\[点此\\]" in body
    _, digest = render_digest([DigestItem(event, SOURCE)], subscription_id="s", fmt="markdown")
    assert "[点此](http://evil)" not in digest and "\\[点此\\]" in digest


def _digest_items(count: int) -> list[DigestItem]:
    items = []
    sources = [SOURCE, Source(id="sh-rsj", name="上海市人社局", region="上海市", topics=[])]
    for i in range(count):
        source = sources[i % 2]
        event, _, _ = _event(
            None,
            None,
            id=i + 1,
            source_id=source.id,
            title=f"政策{i + 1}号",
            url=f"https://example.gov.cn/{i + 1}.html",
            summary_text=f"第十二条: 起付标准 {1200 + i}元 → {1000 + i}元",
            spam_detected=i == 3,
        )
        items.append(DigestItem(event, source))
    return items


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_digest_groups_by_source_and_counts_what_does_not_fit(fmt):
    title, body = render_digest(_digest_items(200), subscription_id="hr", fmt=fmt, max_chars=4000)
    assert title == "regwatch 变更汇总（200 条）"
    assert len(body) <= 4000
    assert "重庆市医疗保障局（重庆市） · 100 条" in body
    assert re.search(r"另有 \d+ 条变更未显示", body)
    if fmt == "markdown":
        _well_formed_markdown(body)


def test_small_digest_lists_everything_with_spam_marks():
    _, body = render_digest(_digest_items(6), subscription_id="hr", fmt="markdown")
    assert body.count("政策") == 6
    assert body.count("站点可能被篡改") == 1
    assert "[【修改】政策1号](https://example.gov.cn/1.html)" in body
