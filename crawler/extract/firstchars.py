"""The characters a regular expression's match can start with, read from the pattern's text.

A lookahead on them in front of a pattern lets the regex engine reject most positions with one
character test (see ``zh.tc_quick``). Only the syntax the package's rules use is understood:
characters, escapes, classes, groups and quantifiers; anything else raises ValueError, so a
rule is never given a lookahead that would hide a match.
"""

from __future__ import annotations

import re

_SHORTHANDS = "dswDSW"
_QUANTIFIER = re.compile(r"(?:[?*+]|\{\d*,?\d*\})[?+]?")
# A quantifier that lets its item be absent: ?, *, {0}, {0,n}, {,n}.
_OPTIONAL = re.compile(r"[?*]|\{0*,|\{0+\}")


def _class_end(pattern: str, i: int) -> int:
    j = i + 1
    j += pattern[j : j + 1] == "^"
    j += pattern[j : j + 1] == "]"  # a "]" first is a member
    while j < len(pattern):
        if pattern[j] == "\\":
            j += 2
        elif pattern[j] == "]":
            return j + 1
        else:
            j += 1
    raise ValueError(f"unterminated class in {pattern!r}")


def _item_end(pattern: str, i: int) -> int:
    """Where the item (character, escape, class or group) starting at ``i`` ends."""
    char = pattern[i]
    if char == "\\":
        return i + 2
    if char == "[":
        return _class_end(pattern, i)
    if char != "(":
        return i + 1
    depth = 0
    j = i
    while j < len(pattern):
        if pattern[j] == "\\":
            j += 2
        elif pattern[j] == "[":
            j = _class_end(pattern, j)
        else:
            depth += (pattern[j] == "(") - (pattern[j] == ")")
            j += 1
            if depth == 0:
                return j
    raise ValueError(f"unbalanced group in {pattern!r}")


def _alternatives(pattern: str) -> list[str]:
    """The pattern split at its top-level ``|``."""
    parts: list[str] = []
    start = i = 0
    while i < len(pattern):
        if pattern[i] == "|":
            parts.append(pattern[start:i])
            start = i + 1
            i += 1
        else:
            i = _item_end(pattern, i)
    parts.append(pattern[start:])
    return parts


def first_chars(pattern: str) -> str:
    """The body of a character class holding every character a match of ``pattern`` can start
    with. Raises ValueError for patterns it cannot tell (lookarounds, ``.``, empty matches)."""
    out: list[str] = []
    for alternative in _alternatives(pattern):
        i = 0
        while True:
            if i >= len(alternative) or alternative[i] in "$.)":
                raise ValueError(f"no first character in {alternative!r}")
            end = _item_end(alternative, i)
            item = alternative[i:end]
            if item == "^":
                i = end
                continue
            if item.startswith("\\"):
                if item[1].isalnum() and item[1] not in _SHORTHANDS:
                    raise ValueError(f"no first character in {alternative!r}")
                out.append(item)
            elif item.startswith("[^"):
                raise ValueError(f"negated class first in {alternative!r}")
            elif item.startswith("["):
                body = item[1:-1]
                out.append("\\" + body if body.startswith("]") else body)
            elif item.startswith("(?:"):
                out.append(first_chars(item[3:-1]))
            elif item.startswith("(?"):
                raise ValueError(f"no first character in {alternative!r}")
            elif item.startswith("("):
                out.append(first_chars(item[1:-1]))
            elif item in "*+?{}|":
                raise ValueError(f"no first character in {alternative!r}")
            else:
                out.append(re.escape(item))
            quantifier = _QUANTIFIER.match(alternative, end)
            if not (quantifier and _OPTIONAL.match(quantifier[0])):
                break
            i = quantifier.end()
    return "".join(out)
