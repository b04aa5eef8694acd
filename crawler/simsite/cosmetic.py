"""Cosmetic edits: changes of form that a comparison key must treat as no change."""

from __future__ import annotations

from typing import Literal

from opencc import OpenCC

CosmeticKind = Literal["punct", "linebreak", "traditional"]

_TO_HALF = str.maketrans({"，": ",", "（": "(", "）": ")"})
_TO_FULL = str.maketrans({",": "，", "(": "（", ")": "）"})


def toggle_punctuation(texts: list[str]) -> list[str]:
    """，（） ↔ ,() — full-width to ASCII if any full-width comma is present, else back."""
    table = _TO_HALF if any("，" in t for t in texts) else _TO_FULL
    return [t.translate(table) for t in texts]


def break_line(texts: list[str]) -> list[str]:
    """Insert a hard line break mid-sentence into the longest paragraph."""
    index = max(range(len(texts)), key=lambda i: len(texts[i]))
    text = texts[index]
    middle = len(text) // 2
    return [*texts[:index], f"{text[:middle]}\n{text[middle:]}", *texts[index + 1 :]]


def traditional(texts: list[str]) -> list[str]:
    converter = OpenCC("s2t")
    return [converter.convert(t) for t in texts]
