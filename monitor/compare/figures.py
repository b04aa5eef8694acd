"""Figures in policy text — amounts, rates, dates, durations, ages, counts — and how they changed.

A reader of a changed reimbursement rule wants `起付标准 1200元 → 1000元`, not a character diff.
Old and new figures of one unit are paired where the character diff maps one onto the other,
then by the label before them (起付标准为…, 报销比例为…).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from diff_match_patch import diff_match_patch

_NUM = r"(?<![\d.．,])\d+(?:,\d{3})*(?:[.．]\d+)?"
_CN = r"(?<![零〇一二两三四五六七八九十百千万])[零〇一二两三四五六七八九十百千万]+"
_FIGURE = re.compile(
    "|".join(
        (
            r"(?P<date>(?<!\d)\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?"
            r"|(?<!\d)\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?!\d)|(?<!\d)(?:19|20)\d\d\s*年度?)",
            rf"(?P<percent>{_NUM}\s*(?:%|％|‰|个百分点)|百分之{_CN}(?:点[零〇一二三四五六七八九]+)?)",
            rf"(?P<money>{_NUM}\s*(?:亿元|万元|千元|元))",
            rf"(?P<multiple>(?:{_NUM}|{_CN})\s*倍)",
            rf"(?P<age>(?:{_NUM}|{_CN})\s*周?岁)",
            rf"(?P<duration>(?:{_NUM}|{_CN})\s*(?:个月|个工作日|工作日|个自然日|自然日|年|天|日|周|小时))",
            rf"(?P<count>{_NUM}\s*(?:万人次|人次|万人|人|户|家|次|项|张|床|所|个))",
            rf"(?P<measure>{_NUM}\s*(?:平方米|公里|千米|公斤|千克|吨|米))",
        )
    )
)
_CLAUSE_BREAK = re.compile(r"[，。；：,;:、\n（）()“”\"【】\[\]！？!?]")
# The noun phrase that names a figure ends where the copula starts: 起付标准「为」1200元.
_COPULA = re.compile(
    r"(?:调整为|调整到|提高到|提高至|提高为|降低到|降低至|降低为|下调为|下调至|上调为|上调至|"
    r"增加到|增加至|减少到|减少至|不超过|不低于|不高于|不少于|不多于|达到|为|是)"
)
_TRAILING = re.compile(r"(?:超过|低于|高于|按照|按|达|(?<!年)满|至|到|由|自|从|于|以)+$")
_LEADING = re.compile(
    r"^(?:第[零〇一二两三四五六七八九十百千\d]+[条款项]|其中|并且|对于|凡是|凡|按照|但是|如果|的)+"
)
_FOLLOWING_LEADING = re.compile(r"^(?:起|开始|以后|以前|以内|以上|以下|后|前|内|的)+")
_RANGE = re.compile(r"\s*(?:以上|以下|至|到|或|-|~|～|—|－|、)\s*")
_LABEL_WINDOW = 24
_LABEL_CHARS = 16
_FOLLOWING_CHARS = 8


@dataclass(frozen=True, slots=True)
class FigureChange:
    """One figure of a modified unit as it was and as it is ("" when it appeared or went)."""

    unit: str | None
    label: str
    old: str
    new: str

    def __str__(self) -> str:
        if not self.new:
            change = f"删除 {self.old}"
        elif not self.old:
            change = f"新增 {self.new}"
        else:
            change = f"{self.old} → {self.new}"
        return f"{self.label} {change}" if self.label else change


@dataclass(frozen=True, slots=True)
class Figure:
    start: int
    end: int
    text: str
    category: str
    label: str

    @property
    def value(self) -> str:
        """The figure as compared: width, spaces and thousands separators do not count."""
        return unicodedata.normalize("NFKC", self.text).replace(",", "").replace(" ", "")


def extract_figures(text: str) -> list[Figure]:
    """Figures in order, each with the label that names it."""
    figures: list[Figure] = []
    previous_end = 0
    for match in _FIGURE.finditer(text):
        category = match.lastgroup or ""
        if figures and _RANGE.fullmatch(text[previous_end : match.start()]):
            label = figures[-1].label  # the upper end of a range: 1200元至1500元
        else:
            label = _label(text, match.start(), match.end(), previous_end)
        figures.append(Figure(match.start(), match.end(), match.group(), category, label))
        previous_end = match.end()
    return figures


def figure_changes(
    unit: str | None, old_text: str, new_text: str, diffs: list[tuple[int, str]]
) -> list[FigureChange]:
    """The figures that differ between two versions of a unit.

    ``diffs`` is the raw character diff of the two texts (before semantic clean-up, which
    merges neighbouring edits and would blur which old figure became which new one).
    """
    old = extract_figures(old_text)
    new = extract_figures(new_text)
    dmp = diff_match_patch()
    spans = [_mapped(dmp, diffs, figure.start, figure.end) for figure in old]
    free_old = list(range(len(old)))
    free_new = list(range(len(new)))
    pairs: list[tuple[int, int]] = []

    def in_place(i: int, j: int) -> bool:
        start, end = spans[i]
        return new[j].start < end and new[j].end > start

    def alike(i: int, j: int) -> bool:
        return old[i].category == new[j].category

    def same_name(i: int, j: int) -> bool:
        a, b = old[i].label, new[j].label
        return not a or not b or a in b or b in a

    def match(rule: Callable[[int, int], bool]) -> None:
        for i in list(free_old):
            j = next((j for j in free_new if rule(i, j)), None)
            if j is not None:
                free_old.remove(i)
                free_new.remove(j)
                pairs.append((i, j))

    # The same figure where it stood; a figure changed where it stands, under the same name;
    # the same name elsewhere in the unit (clauses reordered); changed in place, name and all.
    match(lambda i, j: in_place(i, j) and old[i].value == new[j].value)
    match(lambda i, j: in_place(i, j) and alike(i, j) and same_name(i, j))
    match(lambda i, j: alike(i, j) and bool(old[i].label) and old[i].label == new[j].label)
    match(lambda i, j: in_place(i, j) and alike(i, j))
    found = [
        (new[j].start, _change(unit, old[i], new[j]))
        for i, j in pairs
        if old[i].value != new[j].value
    ]
    found += [(spans[i][0], _change(unit, old[i], None)) for i in free_old]
    found += [(new[j].start, _change(unit, None, new[j])) for j in free_new]
    found.sort(key=lambda item: item[0])
    return [change for _, change in found]


def _change(unit: str | None, old: Figure | None, new: Figure | None) -> FigureChange:
    label = (new.label if new else "") or (old.label if old else "")
    return FigureChange(unit, label, old.text if old else "", new.text if new else "")


def _mapped(
    dmp: diff_match_patch, diffs: list[tuple[int, str]], start: int, end: int
) -> tuple[int, int]:
    """Where an old span lies in the new text (a deleted span maps to where it was cut)."""
    new_start = int(dmp.diff_xIndex(diffs, start))
    return new_start, max(int(dmp.diff_xIndex(diffs, end)), new_start + 1)


def _label(text: str, start: int, end: int, previous_end: int) -> str:
    window = text[max(previous_end, start - _LABEL_WINDOW) : start]
    words = [part for part in _CLAUSE_BREAK.split(window)[-1].split() if part]
    clause = _LEADING.sub("", words[-1] if words else "")
    copula = _COPULA.search(clause)
    if copula and copula.start() >= 2:
        label = clause[: copula.start()]
    else:
        stripped = _TRAILING.sub("", clause)
        label = stripped if len(stripped) >= 2 else clause
    label = label[-_LABEL_CHARS:]
    if len(label) >= 2:
        return label
    # Nothing names it before (本办法自2023年1月1日起施行): name it by what follows.
    following = _CLAUSE_BREAK.split(text[end : end + 2 * _FOLLOWING_CHARS])[0]
    following = _FOLLOWING_LEADING.sub("", re.sub(r"\s+", "", re.split(r"\d", following)[0]))
    following = following[:_FOLLOWING_CHARS]
    return following if len(following) >= 2 else ""
