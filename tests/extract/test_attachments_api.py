"""Attachments, soft 404s and the public API's shapes."""

from __future__ import annotations

import io
import json
import zipfile

import docx
import pytest
from openpyxl import Workbook

from crawler.extract import (
    Attachment,
    PolicyDocument,
    boilerplate_lines,
    extract,
    extract_attachment_text,
    is_soft_404,
)


def make_pdf(text: str) -> bytes:
    """A one-page PDF with one line of Helvetica text, xref offsets computed."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def test_pdf_text() -> None:
    text = extract_attachment_text(
        make_pdf("Annex 2: contribution base 4077 yuan"), "http://x/a.pdf"
    )
    assert text is not None and "contribution base 4077 yuan" in text


def test_docx_text_with_table() -> None:
    document = docx.Document()
    document.add_paragraph("灵活就业人员住房公积金缴存协议")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "缴存比例", "12%"
    table.cell(1, 0).text, table.cell(1, 1).text = "缴存基数", "4000元"
    buffer = io.BytesIO()
    document.save(buffer)
    text = extract_attachment_text(buffer.getvalue(), "http://x/download?id=3")
    assert text is not None
    assert text.splitlines() == [
        "灵活就业人员住房公积金缴存协议",
        "缴存比例\t12%",
        "缴存基数\t4000元",
    ]


def test_xlsx_rows() -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "培训信息"
    sheet.append(["序号", "培训项目", "人数"])
    sheet.append([1, "工学一体化教师培训", 60])
    buffer = io.BytesIO()
    book.save(buffer)
    text = extract_attachment_text(buffer.getvalue(), "http://x/W020240702.xlsx")
    assert text == "培训信息\n序号\t培训项目\t人数\n1\t工学一体化教师培训\t60"


@pytest.mark.parametrize("name", ["a.doc", "a.wps", "a.ofd", "a.zip", "a.rar"])
def test_formats_without_reader_give_none(name: str) -> None:
    payload = io.BytesIO()
    with zipfile.ZipFile(payload, "w") as archive:
        archive.writestr("x.txt", "x")
    body = payload.getvalue() if name.endswith((".zip", ".ofd")) else b"\xd0\xcf\x11\xe0 binary"
    assert extract_attachment_text(body, f"http://x/{name}") is None


def test_corrupt_pdf_gives_none() -> None:
    assert extract_attachment_text(b"%PDF-1.4 truncated", "http://x/a.pdf") is None


def test_attachment_links_resolved_and_typed() -> None:
    html = (
        "<html><head><base href='http://files.example.gov.cn/zcwj/'></head><body>"
        "<div class='TRS_Editor'><p>现将办法印发给你们。</p>"
        "<p><a href='./P020240301.pdf'>附件1：办法全文</a></p></div>"
        "<div class='fj'>附件：<a href='/module/download/downfile.jsp?classid=0&amp;filename=2403011.xlsx'>"
        "附件2</a> <a href='a.zip' title='材料样本'></a> <a href='/xw/1.html'>新闻</a></div>"
        "</body></html>"
    ).encode()
    doc = extract(html, "http://www.example.gov.cn/zcwj/202403/t20240301_1.html")
    assert doc.attachments == [
        Attachment("http://files.example.gov.cn/zcwj/P020240301.pdf", "附件1：办法全文", "pdf"),
        Attachment(
            "http://files.example.gov.cn/module/download/downfile.jsp?classid=0&filename=2403011.xlsx",
            "附件2",
            "xlsx",
        ),
        Attachment("http://files.example.gov.cn/zcwj/a.zip", "材料样本", "zip"),
    ]


@pytest.mark.parametrize(
    ("body", "gone"),
    [
        ("<div class='TRS_Editor'><p>对不起，您访问的页面不存在！</p><p>返回首页</p></div>", True),
        ("<div id='zoom'><p>404 Not Found</p></div>", True),
        ("<div id='zoom'><p>该信息已删除或不存在。</p></div>", True),
        (
            "<div id='zoom'>"
            + "<p>第一条 网站页面不存在错误链接的，应当在404页面提供返回首页的链接。</p>" * 12
            + "</div>",
            False,
        ),
        ("<div id='zoom'><p>社保服务大厅自2024年3月11日起调整办公时间。</p></div>", False),
    ],
)
def test_soft_404(body: str, gone: bool) -> None:
    doc = extract(
        f"<html><head><title>通知</title></head><body>{body}</body></html>".encode(), "http://x/"
    )
    assert is_soft_404(doc) is gone


def test_json_shape_design_fields_first() -> None:
    doc = extract(
        b"<html><body><div id='zoom'><p>\xe9\x80\x9a\xe7\x9f\xa5</p></div></body></html>",
        "http://x/",
    )
    data = doc.to_json()
    assert list(data)[:7] == [
        "url",
        "title",
        "text",
        "published",
        "doc_number",
        "issuer",
        "attachments",
    ]
    assert set(data) == set(PolicyDocument.__dataclass_fields__)
    json.dumps(data, ensure_ascii=False)


def test_boilerplate_lines_removed_from_body() -> None:
    html = (
        "<html><body><div class='TRS_Editor'><p>第一条 为了保障参保人员合法权益，制定本办法。</p>"
        "<p>本网站由市大数据发展局提供技术保障</p></div></body></html>"
    ).encode()
    learnt = boilerplate_lines("本网站由市大数据发展局提供技术保障")
    assert (
        extract(html, "http://x/", boilerplate=learnt).text
        == "第一条 为了保障参保人员合法权益，制定本办法。"
    )


def test_empty_and_binary_bodies_do_not_raise() -> None:
    for body in (
        b"",
        b"\x00\x01\x02",
        b"<?xml version='1.0' encoding='utf-8'?><html><body></body></html>",
    ):
        doc = extract(body, "http://x/")
        assert doc.text == "" or isinstance(doc.text, str)


def test_fallback_flags_disagreement(monkeypatch: pytest.MonkeyPatch) -> None:
    """No known container: trafilatura's body is kept, and flagged when readability's body is
    a different text."""
    from crawler.extract import core
    from crawler.extract.fallback import Fallback
    from crawler.extract.render import Line

    policy = [
        Line("第一条 为了规范门诊共济保障工作，制定本办法。"),
        Line("第二条 本办法自发布之日起施行。"),
    ]
    other = [Line("热门新闻：全市医保工作会议召开，部署全年重点任务，会议要求各区县抓好落实。")]
    html = b"<html><body><div class='x'><p>\xe6\x96\x87</p></div></body></html>"

    monkeypatch.setattr(core, "extract_fallback", lambda *_: Fallback(policy, other, "trafilatura"))
    doc = extract(html, "http://x/")
    assert (doc.method, doc.extraction_uncertain) == ("trafilatura", True)
    assert doc.text.splitlines() == [line.text for line in policy]

    monkeypatch.setattr(
        core, "extract_fallback", lambda *_: Fallback(policy, policy, "trafilatura")
    )
    assert extract(html, "http://x/").extraction_uncertain is False


def test_image_only_notice_has_an_empty_body_not_the_menu() -> None:
    """A scanned notice: the TRS body holds only an image; the attachment is the policy."""
    html = (
        "<html><head><meta name='ArticleTitle' content='关于公布定点医药机构名单的通知'></head><body>"
        + "<ul class='nav'>"
        + "".join(
            f"<li><a href='/{i}/'>栏目{i}：医疗保障政策信息公开专栏</a></li>" for i in range(30)
        )
        + "</ul><div class='article'><div class='TRS_Editor'><p><img src='./W0201.jpg'></p></div>"
        "<p>附件：<a href='./P0201.pdf'>定点医药机构名单</a></p></div>"
        "<div class='footer'>网站标识码：5000000097</div></body></html>"
    ).encode()
    doc = extract(html, "http://ylbzj.example.gov.cn/tzgg/202401/t20240105_1.html")
    assert (doc.text, doc.method, doc.extraction_uncertain) == ("", "trs", True)
    assert [a.type for a in doc.attachments] == ["pdf"]


def test_empty_body_is_not_a_soft_404() -> None:
    doc = PolicyDocument(url="http://x/", title="关于公布定点医药机构名单的通知", text="")
    assert not is_soft_404(doc)
