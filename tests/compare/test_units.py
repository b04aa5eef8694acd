"""Splitting policies into 章/节/条, outline items and paragraphs."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from monitor.compare import split_units
from monitor.compare.numerals import parse_number
from monitor.compare.units import number_changed


def test_articles_and_chapters_of_a_regulation(regulation: str) -> None:
    units = split_units(regulation)
    articles = [u for u in units if u.kind == "article"]
    chapters = [u for u in units if u.kind == "chapter"]
    assert [u.number for u in articles] == list(range(1, 31))
    assert [u.heading for u in chapters] == [
        "总则",
        "个人账户",
        "普通门诊统筹待遇",
        "门诊慢特病待遇",
        "管理服务",
        "监督管理",
        "附则",
    ]
    twelfth = articles[11]
    assert (twelfth.label, twelfth.ref) == ("第十二条", "第十二条")
    assert twelfth.text.startswith("第十二条　普通门诊统筹年度最高支付限额")
    assert twelfth.body.startswith("普通门诊统筹年度最高支付限额")
    # The preamble (title, 文号, addressees, opening) comes as paragraphs before 第一章.
    assert [u.kind for u in units[:5]] == ["para"] * 4 + ["chapter"]


def test_cross_references_do_not_start_units(regulation: str) -> None:
    # 第十四条 says "在第十一条规定基础上"; 款 and 项 references stay inside their article.
    units = split_units(
        "第一条　总则。\n第二条　依照本细则第十一条规定执行，第三条至第五条除外。\n"
    )
    assert [u.label for u in units] == ["第一条", "第二条"]


def test_articles_on_one_line_are_split_at_spaced_labels() -> None:
    text = "第一章　总　　则   第一条　根据有关规定，制定本办法。 第二条　本办法适用于全市。"
    units = split_units(text)
    assert [u.label for u in units] == ["第一章", "第一条", "第二条"]
    assert "".join(u.text for u in units) == text


def test_outline_numbering_of_a_notice(notice: str) -> None:
    units = split_units(notice)
    items = [(u.label, u.ref, u.number) for u in units if u.kind == "item"]
    assert items[:4] == [
        ("一、", "一、", 1),
        ("（一）", "一、（一）", 1),
        ("（二）", "一、（二）", 2),
        ("二、", "二、", 2),
    ]
    assert ("1.", "二、（二）1.", 1) in items
    fee = next(u for u in units if u.ref == "二、（一）")
    assert fee.heading == "个人缴费标准"
    assert "380元" in fee.text


def test_unnumbered_paragraphs() -> None:
    text = "\n各参保单位：\n\n根据市政府统一部署，现将有关事项通知如下。\n请遵照执行。"
    units = split_units(text)
    assert [u.kind for u in units] == ["para", "para", "para"]
    assert [u.label for u in units] == [None, None, None]
    assert units[0].text == "\n各参保单位：\n\n"
    assert units[1].heading == "根据市政府统一部署"


@given(
    st.text(
        alphabet=st.sampled_from(list("第一二十条章节、（）(). 12\n\u3000款项中文。")), max_size=80
    )
)
def test_units_partition_the_text(text: str) -> None:
    assert "".join(unit.text for unit in split_units(text)) == text


def test_chinese_numerals() -> None:
    cases = {"十": 10, "十二": 12, "二十": 20, "一百零三": 103, "一百一十": 110, "两千零五": 2005}
    cases |= {"二〇二三": 2023, "12": 12, "１２": 12, "③": 3}
    assert {text: parse_number(text) for text in cases} == cases
    assert parse_number("条") is None


def test_number_changed_is_about_the_units_own_number(notice: str) -> None:
    units = split_units(notice)
    by_ref = {u.ref: u for u in units}
    # （一） under 一、 and under 二、: same own number, only the parent differs.
    assert not number_changed(by_ref["一、（一）"], by_ref["二、（一）"])
    assert number_changed(by_ref["一、（一）"], by_ref["一、（二）"])
    assert number_changed(by_ref["一、"], by_ref["二、"])
