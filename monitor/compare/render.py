"""Chat and web renderings of a comparison.

Markdown for chat: changed runs as ``~~deleted~~`` and ``**inserted**`` inside a ``>`` quote,
trimmed to a little context around each edit. Bold and quotes render in WeCom, DingTalk and
Feishu bots alike; Feishu also strikes ``~~…~~`` through, while WeCom shows the tildes, which
still reads as "removed". A ``-``/``+`` code block would repeat whole articles twice (a 1200 →
1000 edit is hard to spot in two 300-character lines) and WeCom bots do not render fenced
blocks. Policy text is untrusted: characters that are markup in any of these dialects are
replaced by their full-width look-alikes, so a page cannot inject links, mentions or layout.

HTML for email and the web: a side-by-side table per changed unit with inline styles (mail
clients drop ``<style>``) and classes (``rw-del``/``rw-ins``…) for the web page to restyle.
"""

from __future__ import annotations

import html as html_lib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from monitor.compare.model import Comparison, UnitChange

_MARKDOWN_SAFE = str.maketrans(
    {
        "*": "＊",
        "~": "～",
        "_": "＿",
        "`": "｀",
        "[": "［",
        "]": "］",
        "<": "＜",
        ">": "＞",
        "#": "＃",
        "|": "｜",
        "\\": "＼",
        "@": "＠",
        "\r": "",
    }
)
_MARKS = {"plain": "", "bold": "**", "del": "~~", "ins": "**"}
_CONTEXT = 20
_ELLIPSIS = "…"
_LINE_BREAK = "／"
_ADDED_CHARS = 120
_QUOTE = "\n> "
_OPS_ZH = {"added": "新增", "removed": "删除", "modified": "修改"}

Token = tuple[str, str]  # (style, text)


def markdown(comparison: Comparison, max_chars: int) -> str:
    """Blocks (title, each changed unit, renumbering, attachments) until ``max_chars``.

    The first block that does not fit whole is shortened at a token boundary (a marked run is
    cut inside its text and closed again) if its heading and some of its excerpt still fit;
    a last line then says how many changes were left out.
    """
    blocks = _markdown_blocks(comparison)
    out: list[str] = []
    used = 0
    for index, lines in enumerate(blocks):
        left = len(blocks) - index - 1
        separator = 2 if out else 0  # a blank line, or CommonMark pulls the next block into a quote
        reserve = len(_omitted(left)) + 2 if left else 0
        whole = _render_block(lines)
        if used + separator + len(whole) + reserve <= max_chars:
            out.append(whole)
            used += separator + len(whole)
            continue
        shortened = _fit_block(lines, max_chars - used - separator - reserve)
        if shortened is not None:
            out.append(shortened)
            if left:
                out.append(_omitted(left))
        elif used + separator + len(_omitted(left + 1)) <= max_chars:
            out.append(_omitted(left + 1))
        break
    return "\n\n".join(out)


def html(comparison: Comparison) -> str:
    """A ``<div>`` with the summary and a two-column (原文 | 现文) table of the changed units."""
    e = html_lib.escape
    cell = "vertical-align:top;padding:6px 8px;border:1px solid #d0d7de;word-break:break-all"
    head = "text-align:left;padding:6px 8px;border:1px solid #d0d7de;background:#f6f8fa"
    rows: list[str] = []
    if comparison.title_change:
        old, new = comparison.title_change
        rows.append(_row("标题", e(old or ""), e(new or ""), cell, head))
    for change in comparison.units:
        if change.op == "renumbered":
            continue
        old_html, new_html = _sides(change)
        caption = f"{change.name} · {_OPS_ZH[change.op]}"
        figures = comparison.figures_of(change)
        if figures:
            caption += " · " + "；".join(str(f) for f in figures)
        rows.append(_row(e(caption), old_html, new_html, cell, head))
    renumbering = comparison.renumbering_text()
    if renumbering:
        rows.append(
            f'<tr><td colspan="2" class="rw-renumbered" style="{cell}">'
            f"重新编号：{e(renumbering)}</td></tr>"
        )
    attachments = [
        ("新增附件", comparison.attachments_added),
        ("删除附件", comparison.attachments_removed),
        ("附件变更", comparison.attachments_changed),
    ]
    for title, urls in attachments:
        for url in urls:
            rows.append(
                f'<tr><td colspan="2" class="rw-attachment" style="{cell}">'
                f"{title}：{e(url)}</td></tr>"
            )
    if not rows:
        rows.append(f'<tr><td colspan="2" style="{cell}">无实质内容变化</td></tr>')
    summary = "".join(f"<li>{e(line)}</li>" for line in comparison.summary_lines())
    return (
        "<div class=\"rw-diff\" style=\"font-family:'PingFang SC','Microsoft YaHei',"
        'sans-serif;font-size:14px;line-height:1.6;color:#1f2328">'
        f'<ul class="rw-summary" style="margin:0 0 8px;padding-left:20px">{summary}</ul>'
        '<table class="rw-table" style="border-collapse:collapse;width:100%;table-layout:fixed">'
        f'<tr><th style="{head};width:50%">原文</th><th style="{head};width:50%">现文</th></tr>'
        + "".join(rows)
        + "</table></div>"
    )


def _row(caption: str, old_html: str, new_html: str, cell: str, head: str) -> str:
    return (
        f'<tr><th colspan="2" class="rw-unit" style="{head}">{caption}</th></tr>'
        f'<tr><td class="rw-old" style="{cell}">{old_html}</td>'
        f'<td class="rw-new" style="{cell}">{new_html}</td></tr>'
    )


def _sides(change: UnitChange) -> tuple[str, str]:
    deleted = "background:#ffebe9;color:#82071e;text-decoration:line-through"
    inserted = "background:#dafbe1;color:#116329;text-decoration:none"
    old: list[str] = []
    new: list[str] = []
    for op, text in change.diff:
        escaped = html_lib.escape(text).replace("\n", "<br>")
        if op == 0:
            old.append(escaped)
            new.append(escaped)
        elif op < 0:
            old.append(f'<del class="rw-del" style="{deleted}">{escaped}</del>')
        else:
            new.append(f'<ins class="rw-ins" style="{inserted}">{escaped}</ins>')
    return "".join(old), "".join(new)


def _markdown_blocks(comparison: Comparison) -> list[list[list[Token]]]:
    """Each block is a heading line and, for a changed unit, a quoted excerpt line; each line
    a list of styled tokens."""
    blocks: list[list[list[Token]]] = []
    if comparison.title_change:
        old, new = comparison.title_change
        blocks.append([[("bold", "标题"), ("plain", f"：{old or ''} → {new or ''}")]])
    for change in comparison.units:
        if change.op == "renumbered":
            continue
        figures = comparison.figures_of(change)
        header: list[Token] = [("bold", change.name), ("plain", f" {_OPS_ZH[change.op]}")]
        if figures:
            header.append(("plain", "：" + "；".join(str(f) for f in figures)))
        blocks.append([header, _excerpt(change)])
    renumbering = comparison.renumbering_text()
    if renumbering:
        blocks.append([[("bold", "重新编号"), ("plain", f"：{renumbering}")]])
    for title, urls in (
        ("新增附件", comparison.attachments_added),
        ("删除附件", comparison.attachments_removed),
        ("附件变更", comparison.attachments_changed),
    ):
        for url in urls:
            blocks.append([[("bold", title), ("plain", f"：{url}")]])
    return blocks


def _excerpt(change: UnitChange) -> list[Token]:
    """The unit's edits with a little context, as one quoted line."""
    if change.op == "added":
        return [("plain", _clip(change.unit.text.strip(), _ADDED_CHARS))]
    if change.op == "removed":
        return [("del", _clip(change.unit.text.strip(), _ADDED_CHARS))]
    tokens: list[Token] = []
    last = len(change.diff) - 1
    for index, (op, text) in enumerate(change.diff):
        if op != 0:
            tokens.append(("del" if op < 0 else "ins", text))
        elif index == 0:
            tokens.append(("plain", _tail(text)))
        elif index == last:
            tokens.append(("plain", _head(text)))
        elif len(text) > 2 * _CONTEXT:
            tokens.append(("plain", _head(text) + _tail(text)))
        else:
            tokens.append(("plain", text))
    if tokens:
        tokens[0] = (tokens[0][0], tokens[0][1].lstrip())
        tokens[-1] = (tokens[-1][0], tokens[-1][1].rstrip())
    return [(style, text) for style, text in tokens if text]


def _head(text: str) -> str:
    return text if len(text) <= _CONTEXT else text[:_CONTEXT] + _ELLIPSIS


def _tail(text: str) -> str:
    return text if len(text) <= _CONTEXT else _ELLIPSIS + text[-_CONTEXT:]


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + _ELLIPSIS


def _render_block(lines: list[list[Token]]) -> str:
    return _QUOTE.join(_render_line(tokens) for tokens in lines)


def _fit_block(lines: list[list[Token]], budget: int) -> str | None:
    """The block shortened to ``budget`` characters: its heading whole and the start of its
    excerpt, or ``None`` when that does not fit."""
    heading = _render_line(lines[0])
    if len(lines) == 1:
        return _fit_line(lines[0], budget)
    excerpt = _fit_line(lines[1], budget - len(heading) - len(_QUOTE))
    return None if excerpt is None else heading + _QUOTE + excerpt


def _fit_line(tokens: list[Token], budget: int) -> str | None:
    out: list[str] = []
    used = 0
    for style, text in tokens:
        piece = _render_token(style, text)
        if used + len(piece) <= budget:
            out.append(piece)
            used += len(piece)
            continue
        room = budget - used - 2 * len(_MARKS[style]) - len(_ELLIPSIS)
        if room > 0:
            out.append(_render_token(style, text[:room] + _ELLIPSIS))
        elif used + len(_ELLIPSIS) <= budget:
            out.append(_ELLIPSIS)
        else:
            return None  # no room to show that the line was cut
        break
    return "".join(out) if out else None


def _render_line(tokens: list[Token]) -> str:
    return "".join(_render_token(style, text) for style, text in tokens)


def _render_token(style: str, text: str) -> str:
    safe = text.translate(_MARKDOWN_SAFE).replace("\n", _LINE_BREAK)
    mark = _MARKS[style]
    core = safe.strip()
    if not mark or not core:
        return safe
    # Emphasis must not open or close next to a space, so the spaces stay outside the marks.
    start = safe.index(core)
    return f"{safe[:start]}{mark}{core}{mark}{safe[start + len(core) :]}"


def _omitted(count: int) -> str:
    return f"……另有 {count} 项变更未列出"
