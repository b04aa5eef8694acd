"""Align the units of two versions of a policy.

Units are matched by their bodies first (so an article inserted in the middle leaves every
later article matched to itself under a new number: one addition and a renumbering, not a
cascade of modifications), then, among the rest, by similarity of their bodies with a bonus
for the same number. The alignment is monotone: it reads both texts front to back, which is
what lets the per-unit diffs concatenate into a diff of the whole text.
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import SequenceMatcher

from monitor.compare.units import Unit

Pair = tuple[int | None, int | None]

# Bodies this alike (Dice coefficient of character bigrams) are the same unit, edited.
_SIMILAR = 0.5
# A unit under the same number needs less likeness: a rewritten 第十二条 is still 第十二条.
_SAME_REF_BONUS = 0.3
# Beyond this many candidate pairs a gap is matched by number only: full similarity scoring
# of a 1,500-article rewrite would cost seconds for an answer no better than the numbers give.
_MAX_CELLS = 10_000


def align(
    old: Sequence[Unit], new: Sequence[Unit], old_keys: Sequence[str], new_keys: Sequence[str]
) -> list[Pair]:
    """Monotone pairs (old index, new index); ``None`` on one side is a removal or an addition.

    ``old_keys``/``new_keys`` are the comparison keys of the units' bodies: units whose keys are
    equal are matched first, in order.
    """
    pairs: list[Pair] = []
    matcher = SequenceMatcher(None, list(old_keys), list(new_keys), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs.extend(zip(range(i1, i2), range(j1, j2), strict=True))
        else:
            pairs.extend(_by_similarity(old, new, old_keys, new_keys, i1, i2, j1, j2))
    return pairs


def _by_similarity(
    old: Sequence[Unit],
    new: Sequence[Unit],
    old_keys: Sequence[str],
    new_keys: Sequence[str],
    i1: int,
    i2: int,
    j1: int,
    j2: int,
) -> list[Pair]:
    if i1 == i2 or j1 == j2:
        return _unpaired(i1, i2, j1, j2)
    if (i2 - i1) * (j2 - j1) <= _MAX_CELLS:
        return _best_monotone(old, new, old_keys, new_keys, i1, i2, j1, j2)
    pairs: list[Pair] = []
    # Paragraphs have no number: give each a reference of its own so that none match.
    old_refs = [old[i].ref or f"\0{i}" for i in range(i1, i2)]
    new_refs = [new[j].ref or f"\1{j}" for j in range(j1, j2)]
    for tag, a1, a2, b1, b2 in SequenceMatcher(
        None, old_refs, new_refs, autojunk=False
    ).get_opcodes():
        if tag == "equal":
            pairs.extend(zip(range(i1 + a1, i1 + a2), range(j1 + b1, j1 + b2), strict=True))
        elif (a2 - a1) * (b2 - b1) <= _MAX_CELLS:
            pairs.extend(
                _best_monotone(old, new, old_keys, new_keys, i1 + a1, i1 + a2, j1 + b1, j1 + b2)
            )
        else:
            pairs.extend(_unpaired(i1 + a1, i1 + a2, j1 + b1, j1 + b2))
    return pairs


def _best_monotone(
    old: Sequence[Unit],
    new: Sequence[Unit],
    old_keys: Sequence[str],
    new_keys: Sequence[str],
    i1: int,
    i2: int,
    j1: int,
    j2: int,
) -> list[Pair]:
    """The monotone pairing with the largest total likeness (a Needleman–Wunsch alignment
    with free gaps), pairing only units alike enough to be one unit edited."""
    rows, cols = i2 - i1, j2 - j1
    old_grams = [_bigrams(old_keys[i]) for i in range(i1, i2)]
    new_grams = [_bigrams(new_keys[j]) for j in range(j1, j2)]
    score = [[0.0] * (cols + 1) for _ in range(rows + 1)]
    for r in range(1, rows + 1):
        unit = old[i1 + r - 1]
        for c in range(1, cols + 1):
            best = max(score[r - 1][c], score[r][c - 1])
            likeness = _likeness(unit, new[j1 + c - 1], old_grams[r - 1], new_grams[c - 1])
            if likeness >= _SIMILAR:
                best = max(best, score[r - 1][c - 1] + likeness)
            score[r][c] = best
    steps: list[Pair] = []
    r, c = rows, cols
    while r > 0 or c > 0:
        if (
            r > 0
            and c > 0
            and score[r][c]
            == score[r - 1][c - 1]
            + _paired_gain(old[i1 + r - 1], new[j1 + c - 1], old_grams[r - 1], new_grams[c - 1])
        ):
            steps.append((i1 + r - 1, j1 + c - 1))
            r, c = r - 1, c - 1
        elif c > 0 and (r == 0 or score[r][c] == score[r][c - 1]):
            steps.append((None, j1 + c - 1))
            c -= 1
        else:
            steps.append((i1 + r - 1, None))
            r -= 1
    steps.reverse()
    return _removals_first(steps)


def _paired_gain(a: Unit, b: Unit, a_grams: frozenset[str], b_grams: frozenset[str]) -> float:
    likeness = _likeness(a, b, a_grams, b_grams)
    return likeness if likeness >= _SIMILAR else float("nan")  # nan never equals a score


def _likeness(a: Unit, b: Unit, a_grams: frozenset[str], b_grams: frozenset[str]) -> float:
    if a.kind != b.kind:
        return 0.0
    total = len(a_grams) + len(b_grams)
    dice = 2 * len(a_grams & b_grams) / total if total else 1.0
    return dice + (_SAME_REF_BONUS if a.ref is not None and a.ref == b.ref else 0.0)


def _bigrams(key: str) -> frozenset[str]:
    if len(key) < 2:
        return frozenset(key)
    return frozenset(key[k : k + 2] for k in range(len(key) - 1))


def _unpaired(i1: int, i2: int, j1: int, j2: int) -> list[Pair]:
    return [(i, None) for i in range(i1, i2)] + [(None, j) for j in range(j1, j2)]


def _removals_first(steps: list[Pair]) -> list[Pair]:
    """Within each stretch between two pairs, list removals before additions (as diffs do)."""
    ordered: list[Pair] = []
    removed: list[Pair] = []
    added: list[Pair] = []
    for step in steps:
        if step[0] is not None and step[1] is not None:
            ordered.extend(removed + added)
            removed, added = [], []
            ordered.append(step)
        elif step[0] is not None:
            removed.append(step)
        else:
            added.append(step)
    return ordered + removed + added
