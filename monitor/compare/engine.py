"""Compare two versions of a policy: units aligned, changed units diffed, figures paired.

Work is spent only where the texts differ: units whose bodies are identical are matched
without keys or diffs, comparison keys are computed only for the stretches in between, and
diff-match-patch runs only on units that differ, within one time budget for the whole call.
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Mapping
from difflib import SequenceMatcher

from diff_match_patch import diff_match_patch

from monitor.compare.align import align
from monitor.compare.figures import FigureChange, figure_changes
from monitor.compare.key import comparison_key
from monitor.compare.model import Comparison, Kind, UnitChange
from monitor.compare.units import Unit, number_changed, split_units

Diff = list[tuple[int, str]]

# diff-match-patch treats Diff_Timeout <= 0 as "no limit" (a full rewrite of a 30,000-character
# text then takes minutes): every call gets at least this much, and none once the budget is spent.
_MIN_DIFF_TIMEOUT = 0.005
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[A-Za-z]+|.", re.DOTALL)
_SURROGATES, _SURROGATE_COUNT = 0xD800, 0x800  # code points a str may hold but not encode
# Figures are not paired in a unit whose characters changed by more than this share.
_REWRITTEN_SHARE = 0.5
# Significance 3: this share of the units, or of the characters, was touched.
_MAJOR_SHARE = 0.3


def compare(
    old_text: str,
    new_text: str,
    *,
    old_title: str | None = None,
    new_title: str | None = None,
    old_attachments: Mapping[str, str] | None = None,
    new_attachments: Mapping[str, str] | None = None,
    timeout: float = 1.0,
) -> Comparison:
    """Compare two clean texts (and, when given, titles and attachments ``{url: content hash}``).

    ``timeout`` bounds the time spent in character diffs; units left when it runs out are
    shown as replaced whole, which is still exact for :func:`apply_diff`.
    """
    if timeout <= 0:
        raise ValueError("timeout must be positive")
    titles_given = old_title is not None and new_title is not None
    title_change = None
    if titles_given and comparison_key(old_title or "") != comparison_key(new_title or ""):
        title_change = (old_title, new_title)
    attachments_given = old_attachments is not None and new_attachments is not None
    added, removed, changed = _attachments(old_attachments, new_attachments)
    attachments_changed = bool(added or removed or changed)
    walk = _Walk(old_text, new_text, _Differ(timeout))
    kind: Kind = "cosmetic"
    significance = 0
    if walk.changes or title_change or attachments_changed:
        kind = "changed"
        significance = _significance(walk, title_change is not None, attachments_changed)
    elif (
        old_text == new_text
        and (not titles_given or old_title == new_title)
        and (not attachments_given or old_attachments == new_attachments)
    ):
        kind = "same"
    return Comparison(
        kind=kind,
        significance=significance,
        units=walk.changes,
        figures=walk.figures,
        renumbered=walk.renumbered,
        title_change=title_change,
        attachments_added=added,
        attachments_removed=removed,
        attachments_changed=changed,
        delta=walk.delta(),
    )


def apply_diff(old_text: str, comparison: Comparison) -> str:
    """The new text, rebuilt from the old text and a comparison's delta.

    Raises ``ValueError`` when ``old_text`` is not the text the comparison was made from.
    """
    dmp = diff_match_patch()
    return str(dmp.diff_text2(dmp.diff_fromDelta(old_text, comparison.delta)))


class _Differ:
    """diff-match-patch under one deadline shared by all the diffs of a comparison."""

    def __init__(self, timeout: float) -> None:
        self._deadline = time.monotonic() + timeout
        self._dmp = diff_match_patch()

    def diff(self, old: str, new: str) -> tuple[Diff, Diff]:
        """The raw diff and its semantic clean-up.

        Character by character, except that a run of digits or Latin letters is one token:
        `1200元 → 1000元` reads as ~~1200~~1000, not 1~~2~~000.
        """
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            return _replaced(old, new), _replaced(old, new)
        self._dmp.Diff_Timeout = max(remaining, _MIN_DIFF_TIMEOUT)
        tokens: list[str] = []
        codes: dict[str, str] = {}
        encoded = self._dmp.diff_main(
            _encode(old, tokens, codes), _encode(new, tokens, codes), False
        )
        raw: Diff = [(op, "".join(tokens[_index(c)] for c in text)) for op, text in encoded]
        clean = list(raw)
        self._dmp.diff_cleanupSemantic(clean)
        return raw, clean


def _encode(text: str, tokens: list[str], codes: dict[str, str]) -> str:
    """Each token as one character (the word-mode trick of diff-match-patch's documentation)."""
    out = []
    for token in _TOKEN.findall(text):
        code = codes.get(token)
        if code is None:
            index = len(tokens)
            code = chr(index if index < _SURROGATES else index + _SURROGATE_COUNT)
            codes[token] = code
            tokens.append(token)
        out.append(code)
    return "".join(out)


def _index(code: str) -> int:
    value = ord(code)
    return value if value < _SURROGATES else value - _SURROGATE_COUNT


class _Walk:
    """One pass over both unit lists, collecting the reportable changes and the full diff."""

    def __init__(self, old_text: str, new_text: str, differ: _Differ) -> None:
        self.changes: list[UnitChange] = []
        self.figures: list[FigureChange] = []
        self.renumbered: dict[str, str] = {}
        self.diffs: Diff = []
        self.edited = 0  # characters deleted or inserted by reportable changes
        self._differ = differ
        if old_text == new_text:
            self.old: list[Unit] = []
            self.new: list[Unit] = []
            self._emit([(0, old_text)])
            return
        self.old, self.new = split_units(old_text), split_units(new_text)
        # Units left exactly as they were anchor the walk, and only between them are units
        # paired by body. Pairing by body first could pair a unit with a namesake: where
        # articles share one wording, a space added to 第六条 made 第六条 "renumbered" to 第七条.
        old_texts = [unit.text for unit in self.old]
        new_texts = [unit.text for unit in self.new]
        matcher = SequenceMatcher(None, old_texts, new_texts, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                self._emit([(0, "".join(old_texts[i1:i2]))])
            else:
                self._by_body(self.old[i1:i2], self.new[j1:j2])

    def _by_body(self, old: list[Unit], new: list[Unit]) -> None:
        """Units with unchanged bodies (renumbered ones) first, then the rest by likeness."""
        matcher = SequenceMatcher(
            None, [unit.body for unit in old], [unit.body for unit in new], autojunk=False
        )
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                    self._pair(old[i], new[j], same_body=True)
            else:
                self._gap(old[i1:i2], new[j1:j2])

    @property
    def units_touched(self) -> int:
        return sum(1 for change in self.changes if change.op != "renumbered")

    def _gap(self, old: list[Unit], new: list[Unit]) -> None:
        old_chunk = "".join(unit.text for unit in old)
        new_chunk = "".join(unit.text for unit in new)
        if comparison_key(old_chunk) == comparison_key(new_chunk):
            self._emit(_replaced(old_chunk, new_chunk))
            return
        old_keys = [comparison_key(unit.body) for unit in old]
        new_keys = [comparison_key(unit.body) for unit in new]
        for i, j in align(old, new, old_keys, new_keys):
            if i is not None and j is not None:
                self._pair(old[i], new[j], same_body=old_keys[i] == new_keys[j])
            elif i is not None:
                self._single(old[i], old_keys[i], removed=True)
            elif j is not None:
                self._single(new[j], new_keys[j], removed=False)

    def _pair(self, old: Unit, new: Unit, *, same_body: bool) -> None:
        if old.text == new.text:
            self._emit([(0, old.text)])
            return
        renumbered = number_changed(old, new)
        if same_body and not renumbered:
            self._emit(_replaced(old.text, new.text))
            return
        raw, clean = self._differ.diff(old.text, new.text)
        self._emit(clean)
        change = UnitChange("renumbered" if same_body else "modified", old, new, _quiet(clean))
        self.changes.append(change)
        if renumbered:
            self.renumbered[old.name] = new.name
        if not same_body:
            edited = sum(len(text) for op, text in clean if op)
            self.edited += edited
            # In a unit rewritten wholesale, old and new figures no longer answer each other.
            if edited <= _REWRITTEN_SHARE * (len(old.text) + len(new.text)):
                self.figures.extend(figure_changes(change.name, old.text, new.text, raw))

    def _single(self, unit: Unit, key: str, *, removed: bool) -> None:
        self._emit([(-1 if removed else 1, unit.text)])
        if unit.label or key:  # a counter line that appeared is not an added paragraph
            if removed:
                self.changes.append(UnitChange("removed", unit, None, [(-1, unit.text)]))
            else:
                self.changes.append(UnitChange("added", None, unit, [(1, unit.text)]))
            self.edited += len(unit.text)

    def _emit(self, diffs: Diff) -> None:
        self.diffs.extend((op, text) for op, text in diffs if text)

    def delta(self) -> str:
        """The whole-text diff in diff-match-patch's delta format."""
        return str(diff_match_patch().diff_toDelta(_merged(self.diffs)))


def _quiet(diffs: Diff) -> Diff:
    """The diff as shown: an edit that changes presentation only (（ → (, a space, 區 → 区)
    is shown as the new text, unmarked, so that only what matters stands out."""
    shown: Diff = []
    for is_edit, group in itertools.groupby(diffs, key=lambda item: item[0] != 0):
        run = list(group)
        if is_edit:
            deleted = "".join(text for op, text in run if op < 0)
            inserted = "".join(text for op, text in run if op > 0)
            if comparison_key(deleted) == comparison_key(inserted):
                run = [(0, inserted)] if inserted else []
        shown.extend(run)
    return _merged(shown)


def _merged(diffs: Diff) -> Diff:
    """Adjacent operations of one kind as one."""
    return [
        (op, "".join(text for _, text in group))
        for op, group in itertools.groupby(diffs, key=lambda item: item[0])
    ]


def _replaced(old: str, new: str) -> Diff:
    """A stretch replaced whole: what presentation-only differences get, since nobody is
    shown them (a character diff of a Traditional rendering costs seconds), and what
    changes get once the time budget is spent."""
    return [(op, text) for op, text in ((-1, old), (1, new)) if text]


def _attachments(
    old: Mapping[str, str] | None, new: Mapping[str, str] | None
) -> tuple[list[str], list[str], list[str]]:
    """Added, removed and changed attachment URLs; a file that only moved to another URL
    (same content hash) is none of these."""
    if old is None or new is None:
        return [], [], []
    added = [url for url in new if url not in old]
    removed = [url for url in old if url not in new]
    changed = [url for url in new if url in old and old[url] != new[url]]
    moved = {new[url] for url in added} & {old[url] for url in removed}
    return (
        [url for url in added if new[url] not in moved],
        [url for url in removed if old[url] not in moved],
        changed,
    )


def _significance(walk: _Walk, title_changed: bool, attachments_changed: bool) -> int:
    total_units = max(len(walk.old), len(walk.new), 1)
    touched = walk.units_touched
    total_chars = sum(len(u.text) for u in walk.old) + sum(len(u.text) for u in walk.new)
    if (
        title_changed
        or (touched >= 2 and touched / total_units > _MAJOR_SHARE)
        or (total_chars and walk.edited / total_chars > _MAJOR_SHARE)
    ):
        return 3
    if (
        walk.figures
        or attachments_changed
        or any(change.op in ("added", "removed") for change in walk.changes)
    ):
        return 2
    return 1
