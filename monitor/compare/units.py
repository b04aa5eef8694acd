"""Split a policy into the units a reader cites: 第X章 / 第X节 / 第X条, outline items, paragraphs.

The units partition the text exactly (their texts concatenate back to it), so a diff built unit
by unit reconstructs the new text, and alignment can work on units instead of characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from monitor.compare.numerals import CHINESE_DIGITS, parse_number

_CN = f"[{CHINESE_DIGITS}]+"
_NUM = rf"(?:{_CN}|\d+)"
_HEAD_KINDS = {
    "编": "chapter",
    "部分": "chapter",
    "章": "chapter",
    "节": "section",
    "条": "article",
}
# A label followed by these is a cross-reference (第十二条规定的…), not the start of a unit.
_NOT_HEAD = r"(?!规定|所称|所列|所指|中|的|第|之|至|到|、|和|或|及|款|项|\d)"
_HEAD = rf"第(?P<num>{_NUM})(?P<kind>编|部分|章|节|条)"
_LINE_HEAD = re.compile(rf"(?m)^[^\S\n]*(?P<label>{_HEAD}){_NOT_HEAD}")
# One-line texts (some CMS bodies arrive as a single paragraph) separate articles by spaces.
_INLINE_HEAD = re.compile(rf"(?<=[^\S\n])(?P<label>{_HEAD})(?=[^\S\n]|【|\[|〔)")
_ITEM = re.compile(
    rf"(?m)^[^\S\n]*(?P<label>(?P<l1>{_CN})、|[（(](?P<l2>{_CN})[）)]|(?P<l3>\d+)[.．、](?!\d)"
    rf"|[（(](?P<l4>\d+)[）)]|(?P<l5>[①-⑳]))"
)
_ITEM_FORMS = {"l1": "{}、", "l2": "（{}）", "l3": "{}.", "l4": "（{}）", "l5": "{}"}
_NUMERALS = re.compile(rf"{_CN}|\d+")
_CONTENT_LINE = re.compile(r"(?m)^[^\S\n]*\S")
_ARTICLE_TITLE = re.compile(r"^\s*(?:【([^】\n]{1,20})】|[（(\[［]([^）)\]］\n]{1,20})[）)\]］])")
_CLAUSE_END = re.compile(r"[，。；：,.;:！？!?\n]")
_SPACES = re.compile(r"\s+")
_HEADING_CHARS = 20


@dataclass(frozen=True, slots=True)
class Unit:
    """One citable unit: its label as written, what it is, a short heading, and its exact text.

    ``ref`` names the unit unambiguously within the document (items carry their parents:
    二、（三）; sections their chapter), ``start`` is the offset of ``text`` in the split text.
    """

    label: str | None
    kind: str
    heading: str
    text: str
    number: int | None
    ref: str | None = None
    start: int = 0

    @property
    def body(self) -> str:
        """The text after the label, without surrounding whitespace: what a renumbering keeps."""
        stripped = self.text.strip()
        if self.label and stripped.startswith(self.label):
            return stripped[len(self.label) :].strip()
        return stripped

    @property
    def name(self) -> str:
        """How summaries refer to the unit: its reference, or its opening words."""
        return self.ref or f"段落“{self.heading}”"


def number_changed(old: Unit, new: Unit) -> bool:
    """Whether a unit's own number changed: 第十二条 → 第十三条, 一、→ 二、, 1. → （1）.

    Not when only its parent's did (二、（一）→ 三、（一）), nor when the numeral is written
    another way (第12条 → 第十二条).
    """
    if (old.kind, old.number) != (new.kind, new.number):
        return True
    if old.kind != "item" or not old.label or not new.label:
        return False
    return _shape(old.label) != _shape(new.label)


def _shape(label: str) -> str:
    return _NUMERALS.sub(lambda m: "n" if m.group().isdecimal() else "N", label).translate(
        str.maketrans("()．、", "（）..")
    )


@dataclass(frozen=True, slots=True)
class _Boundary:
    start: int
    label: str | None
    kind: str
    number: int | None
    level: int  # outline depth: 0 for 编/章/节/条 and paragraphs, 1–5 for 一、（一）1.（1）①
    canonical: str | None


def split_units(text: str) -> list[Unit]:
    """Units of a clean text, in order; ``"".join(u.text for u in units) == text``.

    With two or more 第X条 the units are 编/章/节/条 (款 and 项 stay inside their article, where
    the character diff shows them); otherwise 章/节 and outline items (一、（一）1.（1）①);
    otherwise one unit per paragraph. Text before the first label is split into paragraphs.
    """
    if not text:
        return []
    line_heads = _heads(_LINE_HEAD, text)
    heads = _heads(_INLINE_HEAD, text) + line_heads  # line matches win on equal starts
    heads = list({b.start: b for b in heads}.values())
    if sum(1 for b in heads if b.kind == "article") >= 2:
        boundaries = sorted(heads, key=lambda b: b.start)
    else:
        boundaries = sorted(line_heads + _items(text), key=lambda b: b.start)
    first = boundaries[0].start if boundaries else len(text)
    paragraphs = _paragraphs(text, first)
    boundaries = _dedupe(paragraphs + boundaries)
    if boundaries[0].start != 0:
        boundaries[0] = _Boundary(0, *_fields(boundaries[0]))
    return _build(text, boundaries)


def _heads(pattern: re.Pattern[str], text: str) -> list[_Boundary]:
    heads = []
    for match in pattern.finditer(text):
        # A unit starts at its line (indentation included) or, inline, at its label.
        start = match.start() if pattern is _LINE_HEAD else match.start("label")
        label = match.group("label")
        kind = _HEAD_KINDS[match.group("kind")]
        heads.append(_Boundary(start, label, kind, parse_number(match.group("num")), 0, label))
    return heads


def _items(text: str) -> list[_Boundary]:
    items: list[_Boundary] = []
    for match in _ITEM.finditer(text):
        group = next(name for name in _ITEM_FORMS if match.group(name))
        number = match.group(group)
        value = parse_number(number)
        # Arabic numbers in canonical form (１ → 1); Chinese ones as written.
        canonical = _ITEM_FORMS[group].format(value if number.isdecimal() else number)
        items.append(
            _Boundary(match.start(), match.group("label"), "item", value, int(group[1]), canonical)
        )
    return items


def _paragraphs(text: str, end: int) -> list[_Boundary]:
    lines = _CONTENT_LINE.finditer(text, 0, end)
    return [_Boundary(m.start(), None, "para", None, 0, None) for m in lines]


def _dedupe(boundaries: list[_Boundary]) -> list[_Boundary]:
    by_start: dict[int, _Boundary] = {}
    for boundary in boundaries:
        if boundary.start not in by_start or by_start[boundary.start].kind == "para":
            by_start[boundary.start] = boundary
    if not by_start:
        return [_Boundary(0, None, "para", None, 0, None)]
    return [by_start[start] for start in sorted(by_start)]


def _fields(boundary: _Boundary) -> tuple[str | None, str, int | None, int, str | None]:
    return boundary.label, boundary.kind, boundary.number, boundary.level, boundary.canonical


def _build(text: str, boundaries: list[_Boundary]) -> list[Unit]:
    units: list[Unit] = []
    chapter: str | None = None
    outline: list[tuple[int, str]] = []  # (level, canonical label) of the open outline items
    ends = [b.start for b in boundaries[1:]] + [len(text)]
    for boundary, end in zip(boundaries, ends, strict=True):
        chunk = text[boundary.start : end]
        ref: str | None = boundary.canonical
        if boundary.kind == "chapter":
            chapter, outline = boundary.canonical, []
        elif boundary.kind == "section":
            ref, outline = f"{chapter or ''}{boundary.canonical}", []
        elif boundary.kind == "item":
            outline = [(level, label) for level, label in outline if level < boundary.level]
            outline.append((boundary.level, boundary.canonical or ""))
            ref = "".join(label for _, label in outline)
        units.append(
            Unit(
                label=boundary.label,
                kind=boundary.kind,
                heading=_heading(chunk, boundary),
                text=chunk,
                number=boundary.number,
                ref=ref,
                start=boundary.start,
            )
        )
    return units


def _heading(chunk: str, boundary: _Boundary) -> str:
    rest = chunk.strip()
    if boundary.label and rest.startswith(boundary.label):
        rest = rest[len(boundary.label) :]
    rest = rest.strip()
    if boundary.kind in ("chapter", "section"):
        return _clip(_SPACES.sub("", rest.split("\n", 1)[0]))
    if boundary.kind == "article":
        title = _ARTICLE_TITLE.match(rest)
        if title:
            return _SPACES.sub("", title.group(1) or title.group(2))
    if boundary.kind == "item":
        line = rest.split("\n", 1)[0].strip()
        sentence = line.split("。", 1)[0]
        if len(sentence) <= _HEADING_CHARS:
            return _SPACES.sub("", sentence)
    return _snippet(rest)


def _snippet(text: str) -> str:
    end = _CLAUSE_END.search(text)
    return _clip(_SPACES.sub("", text[: end.start()] if end else text[: 2 * _HEADING_CHARS]))


def _clip(text: str) -> str:
    return text if len(text) <= _HEADING_CHARS else text[:_HEADING_CHARS] + "…"
