"""The result of comparing two versions of a policy, and its plain renderings.

Chat (Markdown) and web/email (HTML) renderings live in :mod:`monitor.compare.render`.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any, Literal

from monitor.compare import render
from monitor.compare.figures import FigureChange
from monitor.compare.units import Unit, number_changed

Op = Literal["added", "removed", "modified", "renumbered"]
Kind = Literal["same", "cosmetic", "changed"]
_KIND_ORDER = {"chapter": 0, "section": 1, "article": 2, "item": 3}


@dataclass(frozen=True, slots=True)
class UnitChange:
    """A unit that was added, removed, modified or only renumbered.

    ``diff`` holds diff-match-patch operations ``(-1|0|1, text)`` over the units' whole texts,
    semantically cleaned up, as a reader should see them: edits of presentation only (a
    full-width bracket, a space) are shown as the new text, unmarked. Its new side is the new
    unit's text; the exact old → new diff is the comparison's ``delta``.
    """

    op: Op
    old: Unit | None
    new: Unit | None
    diff: list[tuple[int, str]]

    @property
    def unit(self) -> Unit:
        """The unit as it is now, or as it was if it is gone."""
        unit = self.new or self.old
        assert unit is not None
        return unit

    @property
    def name(self) -> str:
        """The unit's reference, with its former number when it was renumbered too."""
        if self.old and self.new and number_changed(self.old, self.new):
            return f"{self.new.name}（原{self.old.name}）"
        return self.unit.name


@dataclass(frozen=True, slots=True)
class Comparison:
    """What changed between two versions of a policy page.

    ``kind``: ``same`` (identical), ``cosmetic`` (texts differ, comparison keys do not: no
    alert by default) or ``changed``. ``significance``: 0 same/cosmetic, 1 wording, 2 figures,
    units added or removed, or attachments, 3 title changed or much of the text rewritten.
    ``delta`` is the diff-match-patch delta (``=N``/``-N``/``+text``) of the whole texts, from
    which :func:`monitor.compare.apply_diff` rebuilds the new text from the old one.
    """

    kind: Kind
    significance: int
    units: list[UnitChange] = field(default_factory=list)
    figures: list[FigureChange] = field(default_factory=list)
    renumbered: dict[str, str] = field(default_factory=dict)
    title_change: tuple[str | None, str | None] | None = None
    attachments_added: list[str] = field(default_factory=list)
    attachments_removed: list[str] = field(default_factory=list)
    attachments_changed: list[str] = field(default_factory=list)
    delta: str = ""

    def summary_text(self) -> str:
        """One line per item, in Chinese, e.g. ``第十二条: 起付标准 1200元 → 1000元``."""
        return "\n".join(self.summary_lines())

    def summary_lines(self) -> list[str]:
        """The lines of :meth:`summary_text`."""
        lines: list[str] = []
        if self.title_change:
            old, new = self.title_change
            lines.append(f"标题: {old or ''} → {new or ''}")
        for change in self.units:
            if change.op == "added":
                lines.append(f"新增 {_described(change.unit)}")
            elif change.op == "removed":
                lines.append(f"删除 {_described(change.unit)}")
            elif change.op == "modified":
                figures = self.figures_of(change)
                if figures:
                    lines.append(f"{change.name}: " + "; ".join(str(f) for f in figures))
                else:
                    lines.append(f"修改 {_described(change.unit, change.name)}")
        renumbering = self.renumbering_text()
        if renumbering:
            lines.append(f"重新编号: {renumbering}")
        for title, urls in (
            ("新增附件", self.attachments_added),
            ("删除附件", self.attachments_removed),
            ("附件变更", self.attachments_changed),
        ):
            if urls:
                lines.append(f"{title}: " + ", ".join(urls))
        return lines

    def figures_of(self, change: UnitChange) -> list[FigureChange]:
        """The figure changes found in one modified unit."""
        return [figure for figure in self.figures if figure.unit == change.name]

    def renumbering_text(self) -> str:
        """The renumbering as ranges: ``第十五条至第三十条 → 第十六条至第三十一条``."""
        moves = sorted(
            (
                (change.old, change.new)
                for change in self.units
                if change.old and change.new and number_changed(change.old, change.new)
            ),
            key=lambda move: _KIND_ORDER.get(move[0].kind, len(_KIND_ORDER)),
        )
        runs: list[list[tuple[Unit, Unit]]] = []
        for old, new in moves:
            if runs and _continues(runs[-1][-1], (old, new)):
                runs[-1].append((old, new))
            else:
                runs.append([(old, new)])
        parts = []
        for run in runs:
            (first_old, first_new), (last_old, last_new) = run[0], run[-1]
            if len(run) == 1:
                parts.append(f"{first_old.name} → {first_new.name}")
            else:
                parts.append(
                    f"{first_old.name}至{last_old.name} → {first_new.name}至{last_new.name}"
                )
        return "; ".join(parts)

    def summary(self) -> dict[str, Any]:
        """A JSON-able summary for storage, the API and ``changes --json``."""

        def entries(op: str) -> list[dict[str, str | None]]:
            return [
                {"label": c.unit.ref or c.unit.label, "heading": c.unit.heading}
                for c in self.units
                if c.op == op
            ]

        return {
            "kind": self.kind,
            "significance": self.significance,
            "added": entries("added"),
            "removed": entries("removed"),
            "modified": entries("modified"),
            "figures": [
                {"unit": f.unit, "label": f.label, "old": f.old, "new": f.new} for f in self.figures
            ],
            "renumbered": dict(self.renumbered),
            "title": (
                {"old": self.title_change[0], "new": self.title_change[1]}
                if self.title_change
                else None
            ),
            "attachments": {
                "added": list(self.attachments_added),
                "removed": list(self.attachments_removed),
                "changed": list(self.attachments_changed),
            },
            "text": self.summary_text(),
        }

    def unified_diff(self, context: int = 1) -> str:
        """A text diff by unit: ``--- old``/``+++ new``, then ``@@ 第十二条 @@`` and ``-``/``+``
        lines for each changed unit, with ``context`` unchanged lines around each change."""
        lines = ["--- old", "+++ new"]
        if self.title_change:
            old, new = self.title_change
            lines += ["@@ 标题 @@", f"-{old or ''}", f"+{new or ''}"]
        for change in self.units:
            if change.op == "renumbered":
                continue
            old_lines = change.old.text.strip("\n").split("\n") if change.old else []
            new_lines = change.new.text.strip("\n").split("\n") if change.new else []
            hunk = difflib.unified_diff(old_lines, new_lines, n=context, lineterm="")
            for line in list(hunk)[2:]:
                lines.append(f"@@ {change.name} @@" if line.startswith("@@") else line)
        renumbering = self.renumbering_text()
        if renumbering:
            lines.append(f"@@ 重新编号: {renumbering} @@")
        if self.attachments_added or self.attachments_removed or self.attachments_changed:
            lines.append("@@ 附件 @@")
            lines += [f"-{url}" for url in self.attachments_removed]
            lines += [f"+{url}" for url in self.attachments_added]
            for url in self.attachments_changed:
                lines += [f"-{url}（旧版）", f"+{url}（新版）"]
        return "\n".join(lines) + "\n"

    def markdown(self, max_chars: int = 1500) -> str:
        """A chat excerpt of at most ``max_chars`` characters (see :func:`render.markdown`)."""
        return render.markdown(self, max_chars)

    def html(self) -> str:
        """A side-by-side HTML table for email and the web (see :func:`render.html`)."""
        return render.html(self)


def _described(unit: Unit, name: str | None = None) -> str:
    name = name or unit.name
    if unit.ref and unit.heading:
        return f"{name}（{unit.heading}）"
    return name


def _continues(previous: tuple[Unit, Unit], current: tuple[Unit, Unit]) -> bool:
    (old_a, new_a), (old_b, new_b) = previous, current
    if old_b.kind != old_a.kind or old_a.number is None or new_a.number is None:
        return False
    return old_b.number == old_a.number + 1 and new_b.number == new_a.number + 1
