"""How long `monitor.compare.compare` takes on policy-sized texts.

Run: .venv/bin/python bench/diff_speed.py [--repeat N]

Targets (issue 4): a 30,000-character regulation with 3 changed articles in ≤ 20 ms (median),
a 300,000-character text in ≤ 1 s; a full rewrite shows that the time limit holds.
The texts are generated: chapters of articles built from clauses of real 医保 rules, with
amounts, rates and durations, so that units, keys and figures are exercised as in real use.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from opencc import OpenCC

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from monitor.compare import apply_diff, compare, comparison_key

_SUBJECTS = ["参保人员", "在职职工", "退休人员", "灵活就业人员", "定点医疗机构", "定点零售药店",
             "医疗保障经办机构", "统筹地区", "用人单位", "城乡居民"]  # fmt: skip
_CLAUSES = [
    "在一个自然年度内发生的政策范围内门诊医疗费用，起付标准为{money}元",
    "统筹基金支付比例为{rate}%，年度最高支付限额为{money}元",
    "自缴费次月起连续参保满{months}个月方可享受相应待遇",
    "应当在费用发生之日起{months}个月内申请零星报销",
    "年满{age}周岁的，支付比例提高{points}个百分点",
    "按照每人每月{money}元的标准划入个人账户",
    "资格认定有效期为{years}年，期满前{days}日内申请复审",
    "结算周期不超过{days}个工作日",
    "应当严格执行医疗保障政策，合理检查、合理用药、合理治疗",
    "不得诱导参保人员门诊就医或分解处方，不得串换药品、医用耗材和诊疗项目",
    "应当加强门诊费用智能监控，对就诊次数、费用明显异常的情况进行重点核查",
    "可以用于支付本人及其配偶、父母、子女在定点医疗机构就医发生的由个人负担的医疗费用",
]
_CHAPTERS = ["总则", "个人账户", "普通门诊统筹", "门诊慢特病", "管理服务", "监督管理", "附则"]


def chinese(value: int) -> str:
    """13 → 十三, 103 → 一百零三, 1050 → 一千零五十."""
    digits = "零一二三四五六七八九"
    if value < 20:
        return ("十" if value >= 10 else "") + (
            digits[value % 10] if value % 10 or value < 10 else ""
        )
    out, zero = "", False
    for unit_value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = value // unit_value % 10
        if digit:
            out += ("零" if zero else "") + digits[digit] + unit
            zero = False
        elif out:
            zero = True
    return out


def article(rng: random.Random) -> str:
    clauses = [
        rng.choice(_SUBJECTS)
        + rng.choice(_CLAUSES).format(
            money=rng.choice([90, 200, 800, 1200, 1500, 2000, 3000, 50000]),
            rate=rng.choice([50, 60, 70, 75, 80, 90]),
            months=rng.choice([3, 6, 12]),
            age=rng.choice([60, 70, 80]),
            points=rng.choice([5, 10]),
            years=rng.choice([1, 2, 5]),
            days=rng.choice([15, 30, 60]),
        )
        for _ in range(rng.randint(2, 5))
    ]
    return "；".join(clauses) + "。"


def regulation(chars: int, seed: int) -> str:
    """A regulation of about ``chars`` characters: 章 of 条, one article per line."""
    rng = random.Random(seed)
    lines = ["渝州市职工基本医疗保险门诊共济保障实施办法", "渝州医保发〔2023〕12号"]
    size, number, chapter = 0, 0, 0
    while size < chars:
        if number % 20 == 0:
            chapter += 1
            title = _CHAPTERS[(chapter - 1) % len(_CHAPTERS)]
            lines.append(f"第{chinese(chapter)}章　{title}")
        number += 1
        lines.append(f"第{chinese(number)}条　{article(rng)}")
        size += len(lines[-1]) + 1
    return "\n".join(lines) + "\n"


def amend(text: str, articles: int, seed: int) -> str:
    """Change ``articles`` articles: a figure in one, a clause in another, and so on."""
    rng = random.Random(seed)
    lines = text.split("\n")
    candidates = [i for i, line in enumerate(lines) if re.match(r"第.+?条", line)]
    for index in rng.sample(candidates, articles):
        line = lines[index]
        if re.search(r"\d+元", line) and rng.random() < 0.7:
            line = re.sub(r"(\d+)元", lambda m: f"{int(m.group(1)) + 100}元", line, count=1)
        else:
            line = line.replace("；", "，并报市医疗保障局备案；", 1)
        lines[index] = line
    return "\n".join(lines)


def median_ms(function: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def shuffled(text: str, seed: int) -> str:
    """The same sentences in another order, as one paragraph: alike enough to be paired and
    diffed, but a diff whose unbounded run takes diff-match-patch many seconds."""
    sentences = [s + "。" for s in text.replace("\n", "").split("。") if s]
    return "通知：" + "".join(random.Random(seed).sample(sentences, len(sentences)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=21)
    args = parser.parse_args()
    small = regulation(30_000, seed=1)
    large = regulation(300_000, seed=3)
    # (name, old, new, timeout, target ms)
    cases: list[tuple[str, str, str, float, float | None]] = [
        ("30k, 3 changed articles", small, amend(small, 3, seed=2), 1.0, 20.0),
        ("300k, 3 changed articles", large, amend(large, 3, seed=4), 1.0, 1000.0),
        ("300k, 30 changed articles", large, amend(large, 30, seed=5), 1.0, 1000.0),
        ("300k, Traditional rendering", large, OpenCC("s2t").convert(large), 1.0, 1000.0),
        ("30k, full rewrite", small, regulation(30_000, seed=6), 1.0, None),
        ("300k, full rewrite", large, regulation(300_000, seed=7), 1.0, None),
    ]
    paragraph = shuffled(small, 0)
    for timeout in (0.1, 1.0):
        cases.append(
            (f"30k, shuffled, timeout={timeout:g} s", paragraph, shuffled(small, 8), timeout, None)
        )
    print(f"{'case':34} {'old':>7} {'new':>7} {'median':>10}  {'target':9} result")
    for name, old, new, timeout, target in cases:
        result = compare(old, new, timeout=timeout)
        assert apply_diff(old, result) == new
        repeat = args.repeat if len(old) < 100_000 else 5
        median = median_ms(lambda o=old, n=new, t=timeout: compare(o, n, timeout=t), repeat)
        verdict = "" if target is None else ("ok" if median <= target else "SLOW")
        goal = "-" if target is None else f"≤{target:g} ms"
        print(
            f"{name:34} {len(old):>7} {len(new):>7} {median:>8.1f} ms  {goal:9} {verdict:4} "
            f"{result.kind}/{result.significance}, {len(result.units)} unit changes"
        )
    key_median = median_ms(lambda: comparison_key(large), 5)
    print(f"{'comparison_key of the 300k text':34} {len(large):>7} {'':>7} {key_median:>8.1f} ms")


if __name__ == "__main__":
    main()
