"""Metadata sources, most reliable first: meta tags, disclosure labels, page structure, body."""

from __future__ import annotations

import pytest

from crawler.extract import extract

URL = "http://hrss.example.gov.cn/zcwj/202403/t20240305_123456.html"
BODY = (
    "<p>各区县人力资源和社会保障局：</p><p>现将有关事项通知如下。本通知自2024年4月1日起施行。</p>"
    "<p>某市人力资源和社会保障局</p><p>2024年3月1日</p>"
)


def page(
    head: str = "",
    before: str = "",
    body: str = BODY,
    title: str = "关于做好社保工作的通知_某市人社局",
) -> bytes:
    return (
        f"<html><head><meta charset='utf-8'><title>{title}</title>{head}</head><body>"
        f"<div class='nav'><a href='/'>首页</a></div>{before}"
        f"<div class='TRS_Editor'>{body}</div><div class='footer'>网站标识码：5000000001</div>"
        "</body></html>"
    ).encode()


def test_meta_tags_any_case_either_order_empty_values() -> None:
    head = (
        '<META CONTENT="关于做好社保工作的通知" NAME="ARTICLETITLE">'
        '<meta content="2024-03-05 10:00" name="pubdate">'
        '<meta name="ContentSource" content="">'  # empty: ignored, the next source is used
        '<meta name="contentsource" content="某市人社局">'
        '<meta name="siteName" content="某市人力资源和社会保障局">'
        '<meta name="COLUMNNAME" content="政策文件">'
        '<meta name="Url" content="./t20240305_123456.html">'
        '<meta name="Keywords" content="社保,通知">'
    )
    doc = extract(page(head), URL)
    assert doc.title == "关于做好社保工作的通知"
    assert doc.published == "2024-03-05"
    assert doc.issuer == "某市人社局"
    assert (doc.site_name, doc.column) == ("某市人力资源和社会保障局", "政策文件")
    assert doc.keywords == ["社保", "通知"]
    assert doc.url == URL


def test_article_title_meta_beats_javascript_and_site_name() -> None:
    head = '<meta name="ArticleTitle" content="关于做好社保工作的通知">'
    before = (
        "<h1><script>document.write('某市人社局')</script>某市人力资源和社会保障局</h1>"
        "<h2 class='title'>某市人力资源和社会保障局</h2>"
    )
    assert (
        extract(page(head, before, title="某市人力资源和社会保障局"), URL).title
        == "关于做好社保工作的通知"
    )


@pytest.mark.parametrize(
    "table",
    [
        # gov.cn: label and value in sibling cells, spaces inside labels
        "<table><tr><td><b>索 引 号：</b></td><td>000014349/2024-00012</td>"
        "<td><b>发文机关：</b></td><td>某市人力资源和社会保障局</td></tr>"
        "<tr><td><b>发文字号：</b></td><td>某人社发[2024]3号</td><td><b>成文日期：</b></td>"
        "<td>2024年02月28日</td></tr><tr><td><b>发布日期：</b></td><td>2024年03月04日</td>"
        "<td><b>主 题 词：</b></td><td></td></tr></table>",
        # a municipal list: <li><span>label</span>value</li>
        "<ul class='xxgk'><li><span>索&nbsp;引&nbsp;号：</span>000014349/2024-00012</li>"
        "<li><span>发布机构：</span>某市人力资源和社会保障局</li><li><span>文　　号：</span>某人社发（2024）3号</li>"
        "<li><span>生成日期：</span>2024-02-28</li><li><span>发布日期：</span>2024-03-04</li></ul>",
        # dl/dt/dd, and a label with its value in one text node
        "<dl><dt>索引号</dt><dd>000014349/2024-00012</dd></dl><dl><dt>发文机关</dt><dd>某市人力资源和社会保障局</dd></dl>"
        "<p>发文字号：某人社发【2024】3号</p><p>成文日期：2024年2月28日</p><p>发布日期：2024年3月4日</p>",
        # Traditional labels
        "<table><tr><td>索引號：</td><td>000014349/2024-00012</td><td>發文機關：</td><td>某市人力资源和社会保障局</td></tr>"
        "<tr><td>發文字號：</td><td>某人社发〔2024〕3号</td><td>成文日期：</td><td>2024年02月28日</td></tr>"
        "<tr><td>發佈日期：</td><td>2024年03月04日</td></tr></table>",
    ],
)
def test_disclosure_labels(table: str) -> None:
    doc = extract(page(before=table), URL)
    assert doc.index_number == "000014349/2024-00012"
    assert doc.issuer == "某市人力资源和社会保障局"
    assert doc.doc_number == "某人社发〔2024〕3号"
    assert doc.written == "2024-02-28"
    assert doc.published == "2024-03-04"
    assert doc.effective == "2024-04-01"


def test_page_structure_and_body_fallbacks() -> None:
    """No meta, no table: <title> minus the site suffix, the URL's date, the signature."""
    doc = extract(page(), "http://hrss.example.gov.cn/zcwj/notice.html")
    assert doc.title == "关于做好社保工作的通知"
    assert doc.published == "2024-03-01"  # the signature date, not 2024-01-01
    assert doc.written == "2024-03-01"
    assert doc.issuer == "某市人力资源和社会保障局"
    assert extract(page(), URL).published == "2024-03-05"  # the TRS URL states the day


def test_body_only_date_in_text_is_not_turned_into_first_of_january() -> None:
    body = "<p>社保服务大厅自2021年3月5日起调整办公时间。</p><p>2021年</p>"
    doc = extract(page(body=body), "http://x.example.gov.cn/a/notice.html")
    assert doc.published is None and doc.written is None


def test_hanzi_signature_date_and_joint_issuers() -> None:
    body = (
        "<p>现将有关事项通知如下。</p><p style='text-align:right'>人力资源社会保障部　　财政部</p>"
        "<p style='text-align:right'>二○○六年五月十六日</p><p>附件：分配表</p>"
        "<table><tr><td>北京</td><td>200</td></tr><tr><td>天津</td><td>50</td></tr></table>"
    )
    doc = extract(page(body=body), "http://x.example.gov.cn/a/notice.html")
    assert (doc.written, doc.issuer) == ("2006-05-16", "人力资源社会保障部 财政部")
    assert doc.text.splitlines()[-2:] == ["北京\t200", "天津\t50"]


def test_doc_number_under_title_and_cited_numbers() -> None:
    body = "<p>某人社发〔2024〕3号</p><p>根据《意见》（国办发[2021]14号）和某府发（2022）33号，通知如下。</p>"
    doc = extract(page(body=body), URL)
    assert doc.doc_number == "某人社发〔2024〕3号"
    assert doc.cited == ["国办发〔2021〕14号", "某府发〔2022〕33号"]


def test_placeholder_source_is_not_an_issuer() -> None:
    before = "<div class='info'>发布时间：2011-11-29 作者：未知 来源：未知</div>"
    doc = extract(page(before=before), "http://x.example.com/a/1.html")
    assert doc.issuer == "某市人力资源和社会保障局"
    assert doc.published == "2011-11-29"
