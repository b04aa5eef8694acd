"""Dates, document numbers, and the line rules that strip page furniture."""

from __future__ import annotations

import pytest

from crawler.extract import boilerplate_lines
from crawler.extract.clean import clean_lines
from crawler.extract.dates import parse_date
from crawler.extract.docnum import find_doc_numbers, normalize_doc_number
from crawler.extract.render import Line


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2021年3月5日", "2021-03-05"),
        ("2021 年 3 月 5 日", "2021-03-05"),
        ("2021-03-05", "2021-03-05"),
        ("2021/3/5", "2021-03-05"),
        ("2021.3.5", "2021-03-05"),
        ("20210305", "2021-03-05"),
        ("2022-04-17 14:46:00", "2022-04-17"),
        ("发布日期：2019年01月17日", "2019-01-17"),
        ("二○○六年五月十六日", "2006-05-16"),
        ("二〇二二年十二月三十一日", "2022-12-31"),
        ("二零零八年三月五日", "2008-03-05"),
        ("二〇二三年十月一日", "2023-10-01"),
        ("2021年", None),
        ("2021年3月", None),
        ("2021-02-30", None),
        ("第2021号", None),
        ("", None),
    ],
)
def test_dates(text: str, iso: str | None) -> None:
    assert parse_date(text) == iso


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("渝医保发[2022]16号", "渝医保发〔2022〕16号"),
        ("国办发（2019）2号", "国办发〔2019〕2号"),
        ("国办发(2019)2号", "国办发〔2019〕2号"),
        ("人社部函【2022】20号", "人社部函〔2022〕20号"),
        ("粤医保规［2022］3号", "粤医保规〔2022〕3号"),
        ("粤人社规 〔2021〕 第 3 号", "粤人社规〔2021〕第3号"),
        ("國發〔2006〕5號", "國發〔2006〕5號"),
        ("国令第707号", "国令第707号"),
        ("无文号", None),
        (None, None),
    ],
)
def test_doc_number_normalised(text: str | None, number: str | None) -> None:
    assert normalize_doc_number(text) == number


def test_cited_numbers_in_running_text() -> None:
    text = (
        "根据《国务院关于解决农民工问题的若干意见》（国发〔2006〕5号）和劳社部发[2006]15号文件，"
        "依据人社部函【2022】20号和中华人民共和国国务院令第707号，再次重申国发〔2006〕5号。"
    )
    assert find_doc_numbers(text) == [
        "国发〔2006〕5号", "劳社部发〔2006〕15号", "人社部函〔2022〕20号", "国务院令第707号",
    ]  # fmt: skip


def lines(*texts: str, links: int = 0) -> list[Line]:
    return [Line(t, links and len(t)) for t in texts]


POLICY = [
    "第五条 主办单位应当按照规定履行职责。",
    "第六条 为了规范打印管理，制定本办法。",
    "联系人：王明，联系电话：023-67701234。",
    "2021年3月1日",
]


@pytest.mark.parametrize(
    "chrome",
    [
        "字号：[大] [中] [小]",
        "字號：大 中 小",
        "【打印本页】 【关闭窗口】",
        "[打印] [关闭]",
        "分享到：",
        "扫一扫在手机打开当前页",
        "发布时间：2018-05-17 | 浏览次数：2168",
        "瀏覽次數：521",
        "访问量：12345",
        "2011-11-29 作者：未知 来源：未知",
        "上一篇：关于开展2021年度医疗保障基金专项治理的通知",
        "下一篇：",
        "当前位置：首页 > 政务公开 > 通知公告",
        "首页 > 要闻动态 > 环境要闻",
        "网站标识码：bm17000009",
        "版权所有：中华人民共和国生态环境部 | 京ICP备05009132号",
        "京公网安备 11040102700072号",
        "主办单位：某市人民政府办公室 承办单位：某市大数据中心",
        "| | | |",
        "更多劳动法内容尽在劳动法律网http://www.labor.example.com",
    ],
)
def test_chrome_lines_removed_policy_kept(chrome: str) -> None:
    out = clean_lines(lines(POLICY[0], chrome, *POLICY[1:])).lines
    assert out == POLICY


def test_related_links_block_removed_until_prose() -> None:
    block = [
        Line("相关链接"),
        *lines("关于做好2022年工伤保险工作的通知", "工伤认定办事指南", links=1),
    ]
    out = clean_lines([Line(POLICY[0]), *block, Line(POLICY[1])]).lines
    assert out == POLICY[:2]


def test_footer_neighbours_removed_but_contact_line_in_body_kept() -> None:
    page = [
        *lines(*POLICY),
        Line("主办单位：某市医疗保障局 版权所有"),
        Line("地址：市行政中心1号楼 邮编：400000"),
    ]
    assert clean_lines(page).lines == POLICY


def test_spam_line_removed_and_flagged() -> None:
    spam = "主站蜘蛛池模板： 国产区精品一区二区不卡中文 | 精品久久久久久无码人妻蜜桃 | 久久夜色精品国产亚洲av"
    cleaned = clean_lines(lines(POLICY[0], spam, POLICY[1]))
    assert cleaned.lines == POLICY[:2] and cleaned.spam


def test_spam_glued_to_a_sentence_is_cut_after_the_sentence() -> None:
    glued = "以上标准自2024年1月1日起执行。主站蜘蛛池模板：国产区精品一区二区不卡中文 | 99久久精品国产毛片"
    cleaned = clean_lines(lines(glued))
    assert cleaned.lines == ["以上标准自2024年1月1日起执行。"] and cleaned.spam


def test_spam_links_one_per_line() -> None:
    farm = lines(
        "国产精品福利在线观看", "久久夜色精品国产亚洲av", "奇米精品一区二区三区在线观看", links=1
    )
    cleaned = clean_lines([*farm, Line(POLICY[0])])
    assert cleaned.lines == POLICY[:1] and cleaned.spam


def test_policy_vocabulary_is_not_spam() -> None:
    text = "三级医院的成人患者享受社会福利，福利彩票公益金用于视频会议系统，坚持久久为功。"
    cleaned = clean_lines(lines(text))
    assert cleaned.lines == [text] and not cleaned.spam


def test_learnt_boilerplate_removed_content_shapes_never() -> None:
    page = [
        "第一章 总则",
        "第一条 为了保障参保人员合法权益，制定本办法。",
        "本网站由市大数据发展局提供技术保障",
        "扫码关注“重庆医保”公众号",
        "（此件公开发布）",
        "重庆市医疗保障局",
        "2023年6月8日",
    ]
    learnt = boilerplate_lines("\n".join(page))
    assert learnt == {"本网站由市大数据发展局提供技术保障", "扫码关注“重庆医保”公众号"}
    # Even when the storage layer passes content lines, they are kept.
    everything = {line.replace(" ", "") for line in page}
    assert clean_lines(lines(*page), everything).lines == [
        p for p in page if p.replace(" ", "") not in learnt
    ]


def test_table_rows_of_numbers_are_data_and_pagination_is_not() -> None:
    rows = lines("序号\t人数\t金额", "1\t60\t200", "2\t15\t120")
    assert clean_lines([*rows, Line("【1】【2】【3】【4】"), Line("上一页 1 2 3 下一页")]).lines == [
        "序号\t人数\t金额", "1\t60\t200", "2\t15\t120",
    ]  # fmt: skip
