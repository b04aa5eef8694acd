"""Figures — amounts, rates, dates, durations, ages, counts — and their labels."""

from __future__ import annotations

from monitor.compare import compare
from monitor.compare.figures import extract_figures

RULE = (
    "第十一条　一个自然年度内，起付标准为1200元，在职职工报销比例为60%，退休人员为70%，"
    "年度最高支付限额为每人每年2,000元。连续参保满3个月的，自缴费次月起享受待遇；"
    "年满70周岁的，支付比例提高百分之五。本条自2023年1月1日起施行，资金规模5万人次。"
)


def test_figures_and_their_labels() -> None:
    found = [(f.category, f.text, f.label) for f in extract_figures(RULE)]
    assert found == [
        ("money", "1200元", "起付标准"),
        ("percent", "60%", "在职职工报销比例"),
        ("percent", "70%", "退休人员"),
        ("money", "2,000元", "年度最高支付限额"),
        ("duration", "3个月", "连续参保"),
        ("age", "70周岁", "年满"),
        ("percent", "百分之五", "支付比例提高"),
        ("date", "2023年1月1日", "本条"),
        ("count", "5万人次", "资金规模"),
    ]


def _changes(old: str, new: str) -> list[str]:
    return [str(figure) for figure in compare(old, new).figures]


def test_figures_are_paired_where_they_stand() -> None:
    new = RULE.replace("60%", "65%").replace("为70%", "为75%")
    assert _changes(RULE, new) == ["在职职工报销比例 60% → 65%", "退休人员 70% → 75%"]


def test_figures_are_paired_by_label_when_clauses_move() -> None:
    old = "第一条　退休人员报销比例为70%，在职职工报销比例为60%。"
    new = "第一条　在职职工报销比例为65%，并适当提高。退休人员报销比例为70%。"
    assert _changes(old, new) == ["在职职工报销比例 60% → 65%"]


def test_figure_written_another_way_is_not_a_change() -> None:
    new = RULE.replace("2,000元", "2000元").replace("1200元", "1200 元")
    result = compare(RULE, new)
    assert result.figures == []
    assert result.kind == "changed"  # "2,000" → "2000" is still a change of the text


def test_figures_that_appear_or_go() -> None:
    new = RULE.replace("，资金规模5万人次", "").replace(
        "起付标准为1200元，", "起付标准为1200元，一次性补助300元，"
    )
    assert _changes(RULE, new) == ["一次性补助 新增 300元", "资金规模 删除 5万人次"]


def test_range_ends_share_the_label() -> None:
    figures = extract_figures("处造成损失金额1倍以上2倍以下的罚款，暂停结算3个月至12个月。")
    assert [(f.text, f.label) for f in figures] == [
        ("1倍", "处造成损失金额"),
        ("2倍", "处造成损失金额"),
        ("3个月", "暂停结算"),
        ("12个月", "暂停结算"),
    ]
