"""The simulated site's content API, and that its gold text is what the pages really show."""

from __future__ import annotations

import io

import docx
import httpx
import lxml.html
import openpyxl
import pypdf
import pytest
from opencc import OpenCC

from crawler.simsite import SimSite

from .conftest import CONTAINERS, page_text


def fetch_text(site: SimSite, client: httpx.Client, policy_id: str) -> str:
    spec = site.site(site.gold(policy_id).site_id)
    body = client.get(site.policy_url(policy_id)).content
    return page_text(body, spec.cms, spec.charset)


def test_gold_text_is_what_every_page_shows(site: SimSite, client: httpx.Client) -> None:
    ids = site.policy_ids()
    assert len(ids) >= 18 and {site.gold(i).site_id for i in ids} == {"ybj", "rsj", "gjj"}
    for policy_id in ids:
        assert fetch_text(site, client, policy_id) == site.gold_text(policy_id), policy_id


def test_gold_metadata(site: SimSite) -> None:
    gold = site.gold("ybj-mzgj")
    assert gold.doc_number == "渝医保发〔2022〕16号"
    assert gold.published == "2022-06-01"
    assert gold.text.splitlines()[0] == gold.title
    assert "第五条 普通门诊统筹起付标准为每个自然年度200元" in gold.text
    assert site.gold("ybj-xtsj").doc_number is None
    assert len(site.gold("ybj-xtsj").text) < 200 + len(site.gold("ybj-xtsj").title)


def test_gbk_page_decodes_as_gb18030_not_utf8(site: SimSite, client: httpx.Client) -> None:
    response = client.get(site.policy_url("rsj-sbk"))
    assert response.headers["Content-Type"] == "text/html"  # no charset in HTTP
    body = response.content
    assert b'charset=gb2312"' in body[:400]
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    with pytest.raises(UnicodeDecodeError):
        body.decode("gb2312")  # declared GB2312, but carries GBK-only characters (喆)
    text = body.decode("gb18030")
    assert site.gold("rsj-sbk").title in text and "联系人：李喆" in text


def test_churn_noise_changes_bytes_not_text(site: SimSite, client: httpx.Client) -> None:
    urls = [site.policy_url("ybj-mzgj"), site.policy_url("rsj-sybx"), site.listing_url("gjj")]
    before = [client.get(u).content for u in urls]
    gold = site.gold_text("ybj-mzgj")
    site.churn_noise()
    after = [client.get(u).content for u in urls]
    assert all(a != b for a, b in zip(before, after, strict=True))
    assert site.gold_text("ybj-mzgj") == gold
    assert fetch_text(site, client, "ybj-mzgj") == gold
    assert fetch_text(site, client, "rsj-sybx") == site.gold_text("rsj-sybx")


def test_article_bytes_are_stable_without_changes(site: SimSite, client: httpx.Client) -> None:
    url = site.policy_url("gjj-dkzc")
    assert client.get(url).content == client.get(url).content


@pytest.mark.parametrize("inside", [True, False])
def test_spam_block_is_injected_and_churns(
    site: SimSite, client: httpx.Client, inside: bool
) -> None:
    site.inject_spam("gjj-dkzc", inside_article=inside)
    body = client.get(site.policy_url("gjj-dkzc")).text
    container = lxml.html.document_fromstring(body).xpath(CONTAINERS["gov"])[0]
    assert ("主站蜘蛛池模板" in container.text_content()) is inside
    assert "主站蜘蛛池模板" in body and body.count('.com/" target="_blank">') >= 40
    site.churn_noise()
    assert client.get(site.policy_url("gjj-dkzc")).text != body
    assert fetch_text(site, client, "gjj-dkzc") == site.gold_text("gjj-dkzc")


def test_publish_puts_new_policy_on_top(site: SimSite) -> None:
    before = site.policy_urls("ybj")
    new_id = site.publish("ybj")
    assert new_id == "ybj-stdy"  # the reserve text from policies.yaml
    assert site.policy_urls("ybj")[0] == site.policy_url(new_id)
    assert site.policy_urls("ybj")[1:] == before
    custom = site.publish("gjj", title="关于测试的通知", body="第一条 测试。\n第二条 再测试。")
    assert site.gold_text(custom).splitlines()[:3] == [
        "关于测试的通知",
        "第一条 测试。",
        "第二条 再测试。",
    ]
    assert site.status(custom) == "active"


def test_article_edits(site: SimSite) -> None:
    pid = "rsj-sybx"
    site.edit_article(pid, 5, "失业保险金按月发放，标准为每月1700元。")
    assert "第五条 失业保险金按月发放，标准为每月1700元。" in site.gold_text(pid)
    site.insert_article(pid, 5, "失业保险金标准随最低工资标准调整。")
    text = site.gold_text(pid)
    assert "第六条 失业保险金标准随最低工资标准调整。" in text
    assert "第七条 失业人员失业前累计缴费满1年不足5年的" in text
    assert "第十一条 本办法自2022年4月1日起施行" in text
    site.delete_article(pid, 6)
    assert "第六条 失业人员失业前累计缴费满1年不足5年的" in site.gold_text(pid)
    with pytest.raises(ValueError):
        site.edit(pid, "不存在的文字", "x")


def test_remove_modes_and_restore(site: SimSite, client: httpx.Client) -> None:
    urls = {p: site.policy_url(p) for p in ("ybj-ydjy", "rsj-gsdy", "gjj-kstb")}
    site.remove("ybj-ydjy", "404")
    site.remove("rsj-gsdy", "410")
    site.remove("gjj-kstb", "soft404")
    assert client.get(urls["ybj-ydjy"]).status_code == 404
    assert client.get(urls["rsj-gsdy"]).status_code == 410
    soft = client.get(urls["gjj-kstb"])
    assert soft.status_code == 200 and "页面不存在" in soft.text
    assert urls["ybj-ydjy"] not in site.policy_urls("ybj")
    site.restore("ybj-ydjy")
    assert client.get(urls["ybj-ydjy"]).status_code == 200
    assert urls["ybj-ydjy"] in site.policy_urls("ybj")


def test_move_redirects_to_same_content(site: SimSite, client: httpx.Client) -> None:
    old = site.policy_url("rsj-jnbt")
    text = fetch_text(site, client, "rsj-jnbt")
    new = site.move("rsj-jnbt")
    assert new != old and site.policy_url("rsj-jnbt") == new
    moved = client.get(old)
    assert moved.status_code == 301 and moved.headers["Location"] == new
    assert fetch_text(site, client, "rsj-jnbt") == text
    assert site.policy_id_for(old) == site.policy_id_for(new) == "rsj-jnbt"
    assert new in site.policy_urls("rsj")


def test_cosmetic_edits(site: SimSite, client: httpx.Client) -> None:
    pid = "ybj-syjt"
    original = site.gold_text(pid)
    site.cosmetic_edit(pid, "punct")
    swapped = site.gold_text(pid)
    assert "，" not in swapped and "," in swapped and "(" in swapped
    site.cosmetic_edit(pid, "punct")
    assert site.gold_text(pid) == original
    site.cosmetic_edit(pid, "linebreak")
    assert len(site.gold_text(pid).splitlines()) == len(original.splitlines()) + 1
    assert fetch_text(site, client, pid) == site.gold_text(pid)
    site.cosmetic_edit(pid, "traditional")
    traditional = site.gold_text(pid)
    assert "醫療保障局" in traditional
    assert OpenCC("t2s").convert(traditional).replace("\n", "") == original.replace("\n", "")
    assert fetch_text(site, client, pid) == traditional


def test_attachments_are_real_files(site: SimSite, client: httpx.Client) -> None:
    gold = site.gold("ybj-mztb")
    assert [a.type for a in gold.attachments] == ["docx", "xlsx", "pdf"]
    files = {a.type: (a, client.get(a.url)) for a in gold.attachments}
    assert all(r.status_code == 200 for _, r in files.values())
    doc_gold, doc = files["docx"]
    lines = [p.text for p in docx.Document(io.BytesIO(doc.content)).paragraphs]
    assert "\n".join(lines) == doc_gold.text
    xls_gold, xls = files["xlsx"]
    sheet = openpyxl.load_workbook(io.BytesIO(xls.content)).active
    assert sheet is not None
    rows = ["\t".join(str(c) for c in row) for row in sheet.iter_rows(values_only=True)]
    assert "\n".join(rows) == xls_gold.text
    pdf_gold, pdf = files["pdf"]
    assert pypdf.PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text().strip() == pdf_gold.text
    page = client.get(site.policy_url("ybj-mztb")).text
    assert all(a.url.rsplit("/", 1)[-1] in page for a in gold.attachments)
    hanweb = site.gold("rsj-jnbt").attachments[0]
    assert "downfile.jsp?classid=0&filename=" in hanweb.url
    assert client.get(hanweb.url).status_code == 200


def test_edit_attachment_changes_file(site: SimSite, client: httpx.Client) -> None:
    gold = site.gold("ybj-mztb").attachments[1]
    before = client.get(gold.url).content
    site.edit_attachment("ybj-mztb", 1, "3000", "3500")
    after = site.gold("ybj-mztb").attachments[1]
    assert "3500" in after.text and client.get(gold.url).content != before
