"""Alert and digest messages in the three shapes channels take: HTML, Markdown, plain text.

A message is built from blocks, most important first: the spam warning, the facts (source,
region, type, URL, time), the change summary, the diff excerpt and the pointer to the full
diff. When a service limits length, the summary and the excerpt shrink (whole lines, whole
Markdown runs) while the facts and the pointer stay, so a cut message is still well-formed
and still says where the rest is.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from monitor.compare import compare
from monitor.notify.labels import label
from storage.models import Event, Snapshot, Source

Fmt = Literal["html", "markdown", "text"]
# A line of a list: segments joined by " · ", each plain text or (text, link).
Segment = str | tuple[str, str]
Line = Sequence[Segment]

_ELLIPSIS = "…"
_MIN_EXCERPT = 60
# compare's side-by-side HTML repeats each changed unit whole; past this many characters per
# excerpt character it is too big for a mail and the bounded inline diff is used instead.
_HTML_INFLATION = 16
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")
_HTML_DIFF_LINE = {
    "+": "background:#dafbe1;color:#116329",
    "-": "background:#ffebe9;color:#82071e;text-decoration:line-through",
    "@": "color:#6e7781",
}
_BOX = "margin:0 0 12px"


@dataclass(frozen=True)
class Pointer:
    """Where the full diff is: the web page when `base_url` is set, else the CLI command."""

    url: str | None
    command: str


def diff_pointer(event: Event, base_url: str | None) -> Pointer:
    command = f"regwatch diff {event.url}"
    if base_url:
        return Pointer(f"{base_url.rstrip('/')}/changes/{event.id}", command)
    return Pointer(None, command)


def md_escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text.replace("\r", "").replace("\n", " "))


def _md_url(url: str) -> str:
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


class _Writer:
    """Plain text; the Markdown and HTML writers override the shapes."""

    def title(self, text: str) -> str:
        return text

    def warning(self, text: str) -> str:
        return text

    def para(self, text: str) -> str:
        return text

    def segment(self, segment: Segment) -> str:
        if isinstance(segment, str):
            return segment
        text, link = segment
        return link if text == link else f"{text} {link}"

    def line(self, line: Line) -> str:
        return " · ".join(self.segment(s) for s in line)

    def fields(self, pairs: Sequence[tuple[str, Segment]]) -> str:
        return "\n".join(f"{name}: {self.segment(value)}" for name, value in pairs)

    def items(self, heading: str, lines: Sequence[Line]) -> str:
        return "\n".join([f"{heading}:", *(f"- {self.line(x)}" for x in lines)])

    def quote(self, heading: str, lines: Sequence[str]) -> str:
        return "\n".join([f"{heading}:", *lines])

    def diff(self, heading: str, lines: Sequence[str]) -> str:
        return "\n".join([f"{heading}:", *lines])

    def raw(self, heading: str, body: str) -> str:
        return f"{heading}:\n{body}"

    def pointer(self, heading: str, pointer: Pointer) -> str:
        return f"{heading}: {pointer.url or pointer.command}"

    def join(self, blocks: Sequence[str]) -> str:
        return "\n\n".join(b for b in blocks if b)


class _Markdown(_Writer):
    def title(self, text: str) -> str:
        return f"**{md_escape(text)}**"

    def warning(self, text: str) -> str:
        return f"> **{md_escape(text)}**"

    def para(self, text: str) -> str:
        return md_escape(text)

    def segment(self, segment: Segment) -> str:
        if isinstance(segment, str):
            return md_escape(segment)
        text, link = segment
        return f"[{md_escape(text)}]({_md_url(link)})"

    def fields(self, pairs: Sequence[tuple[str, Segment]]) -> str:
        return "\n".join(f"- **{md_escape(name)}**: {self.segment(v)}" for name, v in pairs)

    def items(self, heading: str, lines: Sequence[Line]) -> str:
        return "\n".join([f"**{md_escape(heading)}**", *(f"- {self.line(x)}" for x in lines)])

    def quote(self, heading: str, lines: Sequence[str]) -> str:
        return "\n".join([f"**{md_escape(heading)}**", *(f"> {md_escape(x)}" for x in lines)])

    def diff(self, heading: str, lines: Sequence[str]) -> str:
        body = "\n".join(lines)
        longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
        fence = "`" * max(3, longest + 1)
        return f"**{md_escape(heading)}**\n{fence}diff\n{body}\n{fence}"

    def raw(self, heading: str, body: str) -> str:
        return f"**{md_escape(heading)}**\n{body}"

    def pointer(self, heading: str, pointer: Pointer) -> str:
        if pointer.url:
            return f"**{md_escape(heading)}**: {self.segment((pointer.url, pointer.url))}"
        return f"**{md_escape(heading)}**: `{pointer.command.replace('`', '')}`"


class _Html(_Writer):
    def title(self, text: str) -> str:
        return f'<h2 style="margin:0 0 12px;font-size:18px">{html_lib.escape(text)}</h2>'

    def warning(self, text: str) -> str:
        return (
            '<p style="margin:0 0 12px;padding:8px 12px;background:#fff1f0;color:#a8071a;'
            f'border:1px solid #ffa39e;font-weight:bold">{html_lib.escape(text)}</p>'
        )

    def para(self, text: str) -> str:
        return f'<p style="{_BOX}">{html_lib.escape(text)}</p>'

    def segment(self, segment: Segment) -> str:
        if isinstance(segment, str):
            return html_lib.escape(segment)
        text, link = segment
        return f'<a href="{html_lib.escape(link, quote=True)}">{html_lib.escape(text)}</a>'

    def fields(self, pairs: Sequence[tuple[str, Segment]]) -> str:
        rows = "".join(
            '<tr><th style="text-align:left;padding:2px 12px 2px 0;color:#57606a;'
            'font-weight:normal;white-space:nowrap;vertical-align:top">'
            f"{html_lib.escape(name)}</th>"
            f'<td style="padding:2px 0;word-break:break-all">{self.segment(value)}</td></tr>'
            for name, value in pairs
        )
        return f'<table style="{_BOX};border-collapse:collapse">{rows}</table>'

    def _heading(self, text: str) -> str:
        return f'<h3 style="margin:12px 0 6px;font-size:15px">{html_lib.escape(text)}</h3>'

    def items(self, heading: str, lines: Sequence[Line]) -> str:
        lis = "".join(f"<li>{self.line(x)}</li>" for x in lines)
        return f'{self._heading(heading)}<ul style="{_BOX};padding-left:20px">{lis}</ul>'

    def quote(self, heading: str, lines: Sequence[str]) -> str:
        body = "<br>".join(html_lib.escape(x) for x in lines)
        return (
            f'{self._heading(heading)}<blockquote style="{_BOX};padding-left:12px;'
            f'border-left:3px solid #d0d7de;color:#57606a">{body}</blockquote>'
        )

    def diff(self, heading: str, lines: Sequence[str]) -> str:
        rows = []
        for line in lines:
            style = _HTML_DIFF_LINE.get(line[:1], "")
            attr = f' style="{style}"' if style else ""
            rows.append(f"<div{attr}>{html_lib.escape(line) or '&nbsp;'}</div>")
        return (
            f'{self._heading(heading)}<div style="{_BOX};font-family:Menlo,Consolas,monospace;'
            f'font-size:13px;white-space:pre-wrap;word-break:break-all">{"".join(rows)}</div>'
        )

    def raw(self, heading: str, body: str) -> str:
        return f'{self._heading(heading)}<div style="{_BOX}">{body}</div>'

    def pointer(self, heading: str, pointer: Pointer) -> str:
        shown = (
            self.segment((pointer.url, pointer.url))
            if pointer.url
            else f"<code>{html_lib.escape(pointer.command)}</code>"
        )
        return f'<p style="{_BOX}">{html_lib.escape(heading)}: {shown}</p>'

    def join(self, blocks: Sequence[str]) -> str:
        inner = "\n".join(b for b in blocks if b)
        return (
            "<div style=\"font-family:'PingFang SC','Microsoft YaHei',sans-serif;"
            f'font-size:14px;line-height:1.6;color:#1f2328">\n{inner}\n</div>'
        )


def _writer(fmt: Fmt) -> _Writer:
    return {"html": _Html, "markdown": _Markdown, "text": _Writer}[fmt]()


@dataclass(frozen=True)
class _Excerpt:
    """The diff or, for a new policy, the start of its text, in the shapes a writer needs."""

    kind: Literal["diff", "text"]
    lines: list[str]
    markdown: Callable[[int], str] | None = None  # compare's chat rendering, summary included
    html: str | None = None  # compare's side-by-side table (holds the summary too)


def _excerpt_of(
    event: Event, old: Snapshot | None, new: Snapshot | None, fmt: Fmt
) -> _Excerpt | None:
    if old is not None and new is not None:
        comparison = compare(old.text, new.text, old_title=old.title, new_title=new.title)
        if comparison.kind != "same":
            return _Excerpt(
                "diff",
                _diff_lines(comparison.unified_diff()),
                markdown=comparison.markdown if fmt == "markdown" else None,
                html=comparison.html() if fmt == "html" else None,
            )
    if event.diff:
        return _Excerpt("diff", _diff_lines(event.diff))
    if event.type == "new" and new is not None and new.text:
        return _Excerpt("text", [x.strip() for x in new.text.splitlines() if x.strip()])
    return None


def _diff_lines(unified: str) -> list[str]:
    return [line for line in unified.splitlines() if not line.startswith(("--- ", "+++ "))]


def _take_lines(lines: Sequence[str], limit: int) -> list[str]:
    """Whole lines up to `limit` characters, `…` marking a cut; a long first line is shortened."""
    out: list[str] = []
    used = 0
    for line in lines:
        if used + len(line) + 1 > limit:
            if not out and limit > 8:
                out.append(line[: limit - 2] + _ELLIPSIS)
            else:
                out.append(_ELLIPSIS)
            break
        out.append(line)
        used += len(line) + 1
    return out


def _shrink(render: Callable[[list[str]], str], lines: list[str], room: int) -> str:
    """Drop trailing lines (keeping the `…` mark) until the rendered block fits."""
    while lines and lines != [_ELLIPSIS]:
        text = render(lines)
        if len(text) <= room:
            return text
        lines = [*lines[:-2], _ELLIPSIS] if len(lines) > 1 else []
    return ""


def _fit_excerpt(
    writer: _Writer, fmt: Fmt, excerpt: _Excerpt, heading: str, room: int, content: int
) -> tuple[str, bool]:
    """The excerpt block within `room` (empty below a useful size), and whether it carries
    the change summary itself (compare's HTML table and chat rendering do)."""
    if room < _MIN_EXCERPT:
        return "", False
    if excerpt.html is not None:
        block = writer.raw(heading, excerpt.html)
        if len(block) <= min(room, content * _HTML_INFLATION):
            return block, True
    if excerpt.markdown is not None:
        overhead = len(writer.raw(heading, ""))
        text = excerpt.markdown(min(content, room - overhead))
        if text:
            return writer.raw(heading, text), True
    lines = _take_lines(excerpt.lines, min(content, room))
    shape = writer.diff if excerpt.kind == "diff" else writer.quote
    return _shrink(lambda ls: shape(heading, ls), lines, room), False


def _fit_items(
    writer: _Writer, heading: str, lines: Sequence[str], room: int, language: str
) -> str:
    """As many whole summary lines as fit, then a line saying how many were left out."""
    if not lines:
        return ""
    whole = writer.items(heading, [[x] for x in lines])
    if len(whole) <= room:
        return whole
    for keep in range(len(lines) - 1, 0, -1):
        more = label(language, "more_lines", n=len(lines) - keep)
        text = writer.items(heading, [*([x] for x in lines[:keep]), [more]])
        if len(text) <= room:
            return text
    cut = room - len(writer.items(heading, [[""]])) - 2
    return writer.items(heading, [[lines[0][:cut] + _ELLIPSIS]]) if cut > 8 else ""


def _local_time(at: datetime, zone: str) -> str:
    return at.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")


def message_title(event: Event, language: str = "zh") -> str:
    title = (event.title or "").strip() or label(language, "untitled")
    kind = label(language, event.type)
    return f"【{kind}】{title}" if language == "zh" else f"[{kind}] {title}"


def _facts(
    event: Event, source: Source | None, language: str, timezone: str
) -> list[tuple[str, Segment]]:
    pairs: list[tuple[str, Segment]] = []
    if source is not None:
        pairs.append((label(language, "source"), source.name))
        if source.region:
            pairs.append((label(language, "region"), source.region))
    pairs.append((label(language, "type"), label(language, event.type)))
    pairs.append((label(language, "url"), (event.url, event.url)))
    if event.new_url:
        pairs.append((label(language, "new_url"), (event.new_url, event.new_url)))
    policy = (event.summary or {}).get("policy")
    if isinstance(policy, dict) and policy.get("url"):
        url = str(policy["url"])
        pairs.append((label(language, "policy"), (str(policy.get("title") or url), url)))
    pairs.append((label(language, "detected"), _local_time(event.detected_at, timezone)))
    return pairs


def render_message(
    event: Event,
    old: Snapshot | None,
    new: Snapshot | None,
    *,
    source: Source | None,
    fmt: Fmt,
    language: str = "zh",
    max_chars: int = 32768,
    excerpt_chars: int = 1500,
    base_url: str | None = None,
    timezone: str = "Asia/Shanghai",
) -> tuple[str, str]:
    """One event's alert as (title, body), the body at most `max_chars` characters.

    `old`/`new` are the event's snapshots (either may be missing, as for `new` and
    `removed`); the excerpt compares them, else falls back to the event's stored diff.
    """
    writer = _writer(fmt)
    title = message_title(event, language)
    head = [writer.title(title)] if fmt == "html" else []
    if event.spam_detected:
        head.append(writer.warning(label(language, "spam")))
    head.append(writer.fields(_facts(event, source, language, timezone)))
    tail = [writer.pointer(label(language, "full_diff"), diff_pointer(event, base_url))]
    room = max_chars - len(writer.join([*head, *tail])) - 8

    summary_lines = [x.strip() for x in (event.summary_text or "").splitlines() if x.strip()]
    excerpt = _excerpt_of(event, old, new, fmt)
    # compare's chat rendering names each changed article with its figures before the excerpt:
    # it is the summary as well, and a separate one would say everything twice.
    heading = ""
    if excerpt:
        heading = label(language, "summary" if excerpt.markdown else excerpt.kind)
    block, has_summary = (
        _fit_excerpt(writer, fmt, excerpt, heading, room, excerpt_chars) if excerpt else ("", False)
    )
    summary = ""
    if not has_summary:
        share = max(room - len(block), room // 2)
        summary = _fit_items(writer, label(language, "summary"), summary_lines, share, language)
        if excerpt and len(block) > room - len(summary):
            block, _ = _fit_excerpt(
                writer, fmt, excerpt, heading, room - len(summary), excerpt_chars
            )
    body = writer.join([*head, summary, block, *tail])
    return title, _hard_cut(fmt, body, max_chars)


def _hard_cut(fmt: Fmt, body: str, max_chars: int) -> str:
    """Last resort when even the fixed blocks overflow (an absurdly long title or URL)."""
    if len(body) <= max_chars:
        return body
    if fmt == "html":
        flat = html_lib.unescape(re.sub(r"<[^>]+>", " ", body))
        return html_lib.escape(flat[: max_chars // 2]) + _ELLIPSIS
    cut = body[: max_chars - 1]
    if fmt == "markdown":
        cut = _balance_markdown(cut[: cut.rfind("\n")] if "\n" in cut else "")
    return cut + _ELLIPSIS


def _balance_markdown(text: str) -> str:
    """Close a code fence left open and drop a dangling emphasis mark at the end."""
    fences = re.findall(r"^(`{3,})", text, flags=re.MULTILINE)
    if len(fences) % 2:
        text += "\n" + fences[-1]
    elif text.count("**") % 2:
        text = text[: text.rfind("**")]
    return text


@dataclass(frozen=True)
class DigestItem:
    event: Event
    source: Source | None


def render_digest(
    items: Sequence[DigestItem],
    *,
    subscription_id: str,
    fmt: Fmt,
    language: str = "zh",
    max_chars: int = 32768,
    base_url: str | None = None,
    timezone: str = "Asia/Shanghai",
) -> tuple[str, str]:
    """Many events as one message, grouped by source; events that do not fit are counted."""
    writer = _writer(fmt)
    title = label(language, "digest_title", n=len(items))
    groups: dict[str, list[DigestItem]] = {}
    for item in sorted(items, key=lambda i: (i.event.detected_at, i.event.id)):
        groups.setdefault(item.event.source_id, []).append(item)
    blocks = [writer.title(title)] if fmt == "html" else []
    blocks.append(writer.para(label(language, "digest_intro", sub=subscription_id)))
    reserve = len(label(language, "more_events", n=len(items))) + 16
    shown = 0
    for source_id, group in groups.items():
        heading = _group_heading(source_id, group, language)
        lines: list[Line] = []
        for item in group:
            line = _digest_line(item.event, language, base_url, timezone)
            candidate = writer.items(heading, [*lines, line])
            if len(writer.join([*blocks, candidate])) > max_chars - reserve:
                break
            lines.append(line)
        if lines:
            blocks.append(writer.items(heading, lines))
            shown += len(lines)
        if len(lines) < len(group):
            break
    if shown < len(items):
        blocks.append(writer.para(label(language, "more_events", n=len(items) - shown)))
    return title, _hard_cut(fmt, writer.join(blocks), max_chars)


def _group_heading(source_id: str, group: Sequence[DigestItem], language: str) -> str:
    source = group[0].source
    name = source.name if source else source_id
    if source and source.region:
        name = f"{name}（{source.region}）" if language == "zh" else f"{name} ({source.region})"
    return f"{name} · {label(language, 'events_count', n=len(group))}"


def _digest_line(event: Event, language: str, base_url: str | None, timezone: str) -> Line:
    """One event in a digest: type and title (linked), time, first summary line, full diff."""
    line: list[Segment] = [(message_title(event, language), event.url)]
    line.append(_local_time(event.detected_at, timezone))
    if event.spam_detected:
        line.append(label(language, "spam_short"))
    first = next((x.strip() for x in (event.summary_text or "").splitlines() if x.strip()), "")
    if first:
        line.append(first if len(first) <= 80 else first[:79] + _ELLIPSIS)
    pointer = diff_pointer(event, base_url)
    if pointer.url:
        line.append((label(language, "full_diff"), pointer.url))
    return line
