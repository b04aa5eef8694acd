"""Deterministic generator of regulation-style Chinese texts.

Used for the benchmark site (thousands of pages rendered from a seed, never stored), for the
older "archive" items of the hand-written site, and when `SimSite.publish()` runs out of
reserve texts. A document is a pure function of (site, seed string); an edited version is the
base document with `version` figure changes applied, so any version can be re-derived.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from crawler.simsite.sites import SITES

_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 21 → 二十一 (enough for article and chapter numbers, 1..999)."""
    if not 0 < n < 1000:
        raise ValueError(f"cannot spell {n}")
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = ""
    if hundreds:
        out += _DIGITS[hundreds] + "百"
        if tens == 0 and ones:
            return out + "零" + _DIGITS[ones]
    if tens:
        out += ("" if tens == 1 and not hundreds else _DIGITS[tens]) + "十"
    if ones:
        out += _DIGITS[ones]
    return out


def parse_cn_number(text: str) -> int:
    """Inverse of `cn_number`."""
    total, digit = 0, 0
    for ch in text:
        if ch == "百":
            total += (digit or 1) * 100
            digit = 0
        elif ch == "十":
            total += (digit or 1) * 10
            digit = 0
        elif ch in _DIGITS:
            digit = _DIGITS.index(ch)
        else:
            raise ValueError(f"not a Chinese number: {text!r}")
    return total + digit


@dataclass(frozen=True)
class Topic:
    name: str
    subject: str
    figures: tuple[str, ...]


_TOPICS: dict[str, tuple[Topic, ...]] = {
    "ybj": (
        Topic(
            "城乡居民大病保险",
            "医疗保障\\医疗保险",
            (
                "大病保险起付标准为{a1}元，起付标准以上部分按{p1}%的比例支付",
                "大病保险年度最高支付限额为{a4}元",
                "对特困人员、低保对象，大病保险起付标准降低{p0}%，支付比例提高{p0}个百分点",
            ),
        ),
        Topic(
            "医疗救助",
            "医疗保障\\医疗救助",
            (
                "特困人员政策范围内个人自付医疗费用按{p2}%的比例给予救助",
                "低保对象年度救助限额为{a3}元",
                "因病致贫重病患者年度救助限额为{a2}元，救助比例为{p1}%",
            ),
        ),
        Topic(
            "长期护理保险",
            "医疗保障\\长期护理保险",
            (
                "长期护理保险筹资标准为每人每年{a0}元",
                "入住定点护理机构的，基金支付比例为{p1}%",
                "居家护理服务费用每人每月最高支付{a1}元",
            ),
        ),
        Topic(
            "住院医疗费用结算",
            "医疗保障\\医疗保险",
            (
                "在三级定点医疗机构住院的起付标准为{a1}元，统筹基金支付比例为{p2}%",
                "在二级定点医疗机构住院的起付标准为{a0}元，统筹基金支付比例为{p2}%",
                "定点医疗机构应当在参保人员出院后{d}个工作日内完成费用结算",
            ),
        ),
        Topic(
            "定点医药机构协议管理",
            "医疗保障\\医药服务",
            (
                "申请纳入定点管理的医药机构应当正式运营至少{m}个月",
                "医保经办机构应当自受理申请之日起{d}个工作日内完成评估",
                "违反协议约定的，可以扣除违约金{a1}元至{a3}元",
            ),
        ),
    ),
    "rsj": (
        Topic(
            "就业创业补贴",
            "就业\\就业创业",
            (
                "首次创办小微企业的，给予一次性创业补贴{a1}元",
                "招用就业困难人员的，按每人每月{a0}元给予社会保险补贴",
                "补贴期限最长不超过{m}个月",
            ),
        ),
        Topic(
            "高校毕业生就业见习",
            "就业\\高校毕业生",
            (
                "见习补贴标准为当地最低工资标准的{p2}%",
                "见习期限一般为{m}个月",
                "见习期满留用率达到{p1}%以上的单位，见习补贴标准提高{p0}个百分点",
            ),
        ),
        Topic(
            "工伤保险待遇",
            "社会保障\\工伤保险",
            (
                "一次性工亡补助金标准为上一年度全国城镇居民人均可支配收入的{y}倍",
                "住院伙食补助费标准为每人每天{s}元",
                "停工留薪期一般不超过{m}个月",
            ),
        ),
        Topic(
            "企业职工基本养老保险",
            "社会保障\\养老保险",
            (
                "单位缴费比例为{u}%，个人缴费比例为8%",
                "累计缴费满{y}年的，可以按月领取基本养老金",
                "基础养老金每人每月增加{s}元",
            ),
        ),
        Topic(
            "农民工工资支付保障",
            "劳动关系\\工资支付",
            (
                "工资保证金按工程施工合同额的{g}%存储",
                "用人单位应当在{d}日内足额支付拖欠工资",
                "对拒不支付的，处以{a1}元以上{a3}元以下罚款",
            ),
        ),
    ),
    "gjj": (
        Topic(
            "住房公积金缴存",
            "城乡建设、环境保护\\住房公积金",
            (
                "单位和职工缴存比例均为{q}%至12%",
                "月缴存基数上限为{cap}元，下限为{floor}元",
                "单位应当于每月{d}日前将住房公积金汇缴至职工个人账户",
            ),
        ),
        Topic(
            "住房公积金个人住房贷款",
            "城乡建设、环境保护\\住房公积金",
            (
                "单方缴存职工最高贷款额度为{w}万元",
                "购买首套自住住房的，最低首付款比例为{dp}%",
                "连续足额缴存住房公积金{m}个月以上的，可以申请贷款",
            ),
        ),
        Topic(
            "租房提取住房公积金",
            "城乡建设、环境保护\\住房公积金",
            (
                "租赁住房的，每月提取金额不超过{a1}元",
                "提取间隔不少于{m}个月",
                "新就业大学生租房提取额度提高{p0}%",
            ),
        ),
        Topic(
            "住房公积金异地贷款",
            "城乡建设、环境保护\\住房公积金",
            (
                "异地缴存职工在本市购房的，最高贷款额度为{w}万元",
                "异地缴存职工应当在缴存地连续缴存{m}个月以上",
                "缴存地住房公积金中心应当在{d}个工作日内出具缴存证明",
            ),
        ),
    ),
}

_FILLERS = (
    "{org}应当加强组织领导，明确责任分工，确保各项政策措施落实到位。",
    "{org}应当建立健全内部控制制度，定期开展自查自纠，及时发现和纠正存在的问题。",
    "各有关单位应当加强政策宣传解读，及时回应群众关切，营造良好的社会氛围。",
    "{org}应当依托信息化平台，推进业务网上办理，实现数据多跑路、群众少跑腿。",
    "对弄虚作假、骗取资金的，依法追回已发放资金，并按照有关规定追究相应责任。",
    "{org}应当定期向社会公开资金使用情况，接受社会监督。",
    "申请人对办理结果有异议的，可以依法申请行政复议或者提起行政诉讼。",
)

_DOC_PREFIX = {"ybj": "渝医保发", "rsj": "沈人社发", "gjj": "榕公积金"}
_ORG = {"ybj": "各级医疗保障部门", "rsj": "各级人力资源社会保障部门", "gjj": "住房公积金中心"}
_SALUTATION = {
    "ybj": "各区县（自治县）医疗保障局，各定点医药机构：",
    "rsj": "各区、县（市）人力资源和社会保障局，市直有关单位：",
    "gjj": "各住房公积金缴存单位和缴存职工：",
}


@dataclass(frozen=True)
class GeneratedDoc:
    title: str
    body: list[str]
    signature: list[str]
    doc_number: str
    issuer: str
    subject: str
    keywords: list[str]


def _values(rng: random.Random) -> dict[str, int]:
    return {
        "a0": rng.choice((100, 150, 200, 300, 500, 600, 800)),
        "a1": rng.choice((1000, 1200, 1500, 2000, 2500, 3000)),
        "a2": rng.choice((5000, 8000, 10000, 15000, 20000)),
        "a3": rng.choice((30000, 50000, 60000, 80000)),
        "a4": rng.choice((200000, 250000, 300000, 400000)),
        "p0": rng.choice((5, 10, 12, 15, 20)),
        "p1": rng.choice((50, 55, 60, 65, 70)),
        "p2": rng.choice((75, 80, 85, 90)),
        "d": rng.choice((5, 10, 15, 20, 30)),
        "m": rng.choice((3, 6, 12, 24)),
        "y": rng.choice((15, 20)),
        "s": rng.choice((30, 50, 80, 100)),
        "w": rng.choice((40, 50, 60, 80, 100)),
        "q": rng.choice((5, 6, 7, 8)),
        "cap": rng.choice((24000, 26340, 28000, 31500)),
        "floor": rng.choice((1800, 1900, 2030, 2200)),
        "dp": rng.choice((20, 25, 30)),
        "u": rng.choice((14, 16)),
        "g": rng.choice((1, 2, 3)),
    }


def _fill(template: str, values: dict[str, int]) -> str:
    return template.format(**values)


def generate(site_id: str, key: str, *, written_year: int) -> GeneratedDoc:
    """A regulation (章/条) or a notice (一、（一）), chosen and filled from `key`."""
    rng = random.Random(f"{site_id}:{key}")
    topic = rng.choice(_TOPICS[site_id])
    values = _values(rng)
    org = _ORG[site_id]
    region = SITES[site_id].region
    fillers = [f.format(org=org) for f in _FILLERS]
    rng.shuffle(fillers)
    figures = [_fill(f, values) for f in topic.figures]
    number = rng.randint(1, 60)
    doc_number = f"{_DOC_PREFIX[site_id]}〔{written_year}〕{number}号"
    if rng.random() < 0.5:
        title = f"{region}{topic.name}管理办法"
        body = _regulation(topic, figures, fillers, region, site_id, written_year)
    else:
        verb = rng.choice(("进一步做好", "调整", "规范", "加强"))
        title = f"关于{verb}{written_year}年度{topic.name}有关工作的通知"
        body = _notice(topic, figures, fillers, site_id, written_year)
    return GeneratedDoc(
        title=title,
        body=body,
        signature=[SITES[site_id].issuer],
        doc_number=doc_number,
        issuer=SITES[site_id].issuer,
        subject=topic.subject,
        keywords=[topic.name, region],
    )


def _regulation(
    topic: Topic, figures: list[str], fillers: list[str], region: str, site_id: str, year: int
) -> list[str]:
    chapters: list[tuple[str, list[str]]] = [
        (
            "总则",
            [
                f"为规范{topic.name}工作，保障参保（缴存）人员合法权益，根据国家和省有关规定，"
                f"结合{region}实际，制定本办法。",
                f"本办法适用于{region}行政区域内{topic.name}的管理和服务工作。",
                f"{topic.name}坚持保障基本、公平公开、便民高效的原则。",
            ],
        ),
        ("待遇标准", [f"{fig}。" for fig in figures]),
        ("经办服务", fillers[:3]),
        ("监督管理", fillers[3:6]),
        (
            "附则",
            [
                f"本办法由{SITES[site_id].issuer}负责解释。",
                f"本办法自{year}年{(year % 12) + 1}月1日起施行，有效期5年。",
            ],
        ),
    ]
    body: list[str] = []
    article = 1
    for index, (name, articles) in enumerate(chapters, start=1):
        body.append(f"第{cn_number(index)}章 {name}")
        for text in articles:
            body.append(f"第{cn_number(article)}条 {text}")
            article += 1
    return body


def _notice(
    topic: Topic, figures: list[str], fillers: list[str], site_id: str, year: int
) -> list[str]:
    body = [
        _SALUTATION[site_id],
        f"为进一步做好{topic.name}工作，根据国家和省有关规定，现就有关事项通知如下：",
        "一、主要内容",
    ]
    body += [f"（{cn_number(i)}）{fig}。" for i, fig in enumerate(figures, start=1)]
    body.append("二、工作要求")
    body += [f"（{cn_number(i)}）{text}" for i, text in enumerate(fillers[:4], start=1)]
    body.append("三、执行时间")
    body.append(f"本通知自{year}年{(year % 12) + 1}月1日起执行。")
    return body


_FIGURE = re.compile(r"(\d+)(?=元|%|万元|个月|个工作日|个百分点|年)")


def apply_edits(body: list[str], key: str, version: int) -> list[str]:
    """Version `version` of `body`: each step changes one figure in one paragraph."""
    out = list(body)
    for step in range(1, version + 1):
        rng = random.Random(f"{key}:edit:{step}")
        candidates = [i for i, para in enumerate(out) if _FIGURE.search(para)]
        if not candidates:
            raise ValueError("no figure to edit")
        index = rng.choice(candidates)
        match = _FIGURE.search(out[index])
        assert match is not None
        old = int(match.group(1))
        new = old + max(1, old // 10) * rng.choice((1, 2, 3))
        out[index] = out[index][: match.start(1)] + str(new) + out[index][match.end(1) :]
    return out
