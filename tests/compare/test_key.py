"""The comparison key ignores presentation and page furniture, and nothing else."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from opencc import OpenCC

from monitor.compare import comparison_key, volatile_line

LINES = [
    line
    for line in (Path(__file__).parent / "data" / "menzhen_gongji.txt")
    .read_text(encoding="utf-8")
    .splitlines()
    if line
]
SPACES = [" ", "\u3000", "\xa0", "\t", "\n", "  ", "\u3000\u3000", "\u200b"]
# Variants a site, an editor or an extractor may produce for the same punctuation.
PUNCTUATION = {
    "，": [",", "﹐"],
    "。": [".", "｡"],
    "（": ["(", "﹙"],
    "）": [")", "﹚"],
    "：": [":"],
    "；": [";"],
    "、": [","],
    "“": ['"', "＂", "「"],
    "”": ['"', "＂", "」"],
    "《": ["〈"],
    "》": ["〉"],
    "〔": ["[", "【", "［"],
    "〕": ["]", "】", "］"],
    "！": ["!"],
    "？": ["?"],
}
HALF_TO_FULL = {chr(c): [chr(c + 0xFEE0)] for c in range(0x21, 0x7F)}


def _is_alnum(char: str) -> bool:
    folded = unicodedata.normalize("NFKC", char)
    return folded.isascii() and folded.isalnum()


@st.composite
def respaced(draw: st.DrawFn, text: str) -> str:
    """``text`` with whitespace inserted between characters (not inside ASCII words/numbers,
    where a space separates two words)."""
    gaps = [
        i
        for i in range(len(text) + 1)
        if not (0 < i < len(text) and _is_alnum(text[i - 1]) and _is_alnum(text[i]))
    ]
    inserts = draw(st.lists(st.tuples(st.sampled_from(gaps), st.sampled_from(SPACES)), max_size=30))
    out = list(text)
    for position, space in sorted(inserts, reverse=True):
        out.insert(position, space)
    return "".join(out)


@st.composite
def substituted(draw: st.DrawFn, text: str, variants: dict[str, list[str]]) -> str:
    """``text`` with some characters replaced by one of their variants."""
    positions = [i for i, char in enumerate(text) if char in variants]
    if not positions:
        return text
    chosen = draw(st.lists(st.sampled_from(positions), max_size=30))
    out = list(text)
    for index in chosen:
        out[index] = draw(st.sampled_from(variants[text[index]]))
    return "".join(out)


paragraphs = st.lists(st.sampled_from(LINES), min_size=1, max_size=6).map("\n".join)


@settings(max_examples=150)
@given(st.data(), paragraphs)
def test_key_ignores_whitespace_width_and_punctuation_variants(
    data: st.DataObject, text: str
) -> None:
    variant = data.draw(substituted(text, PUNCTUATION))
    variant = data.draw(substituted(variant, HALF_TO_FULL))
    variant = data.draw(respaced(variant))
    assert comparison_key(variant) == comparison_key(text)


@given(paragraphs, st.sampled_from(SPACES))
def test_key_has_no_whitespace_between_chinese_characters(text: str, space: str) -> None:
    chinese = "".join(char for char in text if not char.isascii())
    key = comparison_key(space.join(chinese))
    assert not any(char.isspace() for char in key)


def test_key_keeps_a_space_between_latin_words() -> None:
    assert comparison_key("使用 Microsoft  Word 文档") == "使用Microsoft Word文档"
    assert comparison_key("MicrosoftWord") != comparison_key("Microsoft Word")


def test_key_still_sees_changed_words_and_figures() -> None:
    text = "第十条　在职职工起付标准为1200元。"
    assert comparison_key(text) != comparison_key(text.replace("1200", "1000"))
    assert comparison_key(text) != comparison_key(text.replace("在职", "退休"))
    assert comparison_key(text) != comparison_key(text.replace("。", "；"))


def test_traditional_rendering_has_the_simplified_key(regulation: str) -> None:
    traditional = OpenCC("s2t").convert(regulation)
    assert traditional != regulation
    assert comparison_key(traditional) == comparison_key(regulation)


def test_document_number_brackets_are_one_variant() -> None:
    keys = {
        comparison_key(f"渝医保发{year}16号")
        for year in ("〔2022〕", "[2022]", "(2022)", "（2022）", "【2022】", "［2022］")
    }
    assert len(keys) == 1


def test_volatile_lines_are_dropped_from_the_key() -> None:
    body = "第一条　为减轻参保人员门诊医疗费用负担，制定本细则。"
    page = "\n".join(
        [
            "发布时间：2024-05-01 10:32:11",
            "来源：市医疗保障局　　浏览次数：1234",
            body,
            "今天是2024年5月1日 星期三",
            "【字体：大 中 小】【打印本页】【关闭窗口】",
            "您是本站第 123,456 位访问者",
            "阅读量：88",
        ]
    )
    assert comparison_key(page) == comparison_key(body)


def test_volatile_line_recognises_furniture_only() -> None:
    assert volatile_line("更新时间：2024-05-01")
    assert volatile_line("[ 浏览次数：1,024 ]")
    assert volatile_line("當前時間：2024年5月1日")  # Traditional rendering of the same line
    assert volatile_line("分享到：微信 微博 QQ空间")
    assert not volatile_line("第二十条　结算周期不超过30个工作日。")
    assert not volatile_line("（三）信息发布时间：每季度首月10日前")
    assert not volatile_line("中")
    assert not volatile_line("")
