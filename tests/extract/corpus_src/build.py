"""Write the extraction corpus: ``tests/extract/corpus/NAME.html`` plus its gold.

    python tests/extract/corpus_src/build.py

Gold comes from what the templates put on the page (the policy's body blocks, the metadata the
page prints), never from the extractor. Rules the gold follows:

- text: the body as published, one paragraph per line, table rows as non-empty cells joined by a
  TAB; no title, info bar, widgets, navigation, related links, footer or spam (a title or 文号
  printed inside the body itself is part of it).
- published: the page's stated publication date (meta PubDate, then a 发布日期 label), else the
  date in the URL, else the signature date; written: 成文日期 or the signature date; issuer: the
  发文机关 the page states, else its ContentSource / 来源 (unless "未知"), else the signature.
- doc_number: the 文号 the page prints, brackets normalised to 〔〕.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from urllib.parse import urljoin

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus_src import policies as P
from corpus_src.templates import TEMPLATES, Page, Site

OUT = Path(__file__).resolve().parents[1] / "corpus"

CQ_YBJ = Site("重庆市医疗保障局", "ylbzj.cq.gov.cn", "5000000097", "政策文件", "重庆市医疗保障局",
              "渝ICP备19008654号", "渝公网安备50010302002345号")  # fmt: skip
SX = Site("山西省人民政府门户网站", "www.shanxi.gov.cn", "1400000045", "政策文件", "山西省人民政府办公厅",
          "晋ICP备05000932号", "晋公网安备14010502000001号")  # fmt: skip
SY = Site("沈阳市医疗保障局", "ybj.shenyang.gov.cn", "2101000071", "政策解读", "沈阳市医疗保障局",
          "辽ICP备05002345号", "辽公网安备21010202000123号")  # fmt: skip
YC = Site("银川住房公积金管理中心", "gjj.yinchuan.gov.cn", "6401000045", "政策法规", "银川住房公积金管理中心",
          "宁ICP备09001234号", "宁公网安备64010402000111号")  # fmt: skip
NC = Site("南昌住房公积金管理中心", "gjj.nc.gov.cn", "3601000034", "通知公告", "南昌住房公积金管理中心",
          "赣ICP备10001234号", "赣公网安备36010202000456号")  # fmt: skip
HN = Site("海南省人力资源和社会保障厅", "hrss.hainan.gov.cn", "4600000041", "通知公告", "海南省人力资源和社会保障厅",
          "琼ICP备05000123号", "琼公网安备46010602000789号")  # fmt: skip
GOV = Site("中国政府网", "www.gov.cn", "bm01000001", "国务院文件", "国务院办公厅",
           "京ICP备05070218号", "京公网安备11010202000001号")  # fmt: skip
MOHRSS = Site("中华人民共和国人力资源和社会保障部", "www.mohrss.gov.cn", "bm19000001", "政策文件",
              "人力资源和社会保障部", "京ICP备05050532号", "京公网安备11010102001234号")  # fmt: skip
ZQ = Site("肇庆市医疗保障局", "www.zhaoqing.gov.cn", "4412000019", "规范性文件", "肇庆市医疗保障局",
          "粤ICP备05012345号", "粤公网安备44120202000321号")  # fmt: skip
MS = Site("某市人大常委会", "www.rd.example.gov.cn", "1100000099", "地方性法规", "某市人大常委会办公厅",
          "京ICP备12345678号", "京公网安备11000002000099号")  # fmt: skip
NN = Site("南宁住房公积金管理中心", "gjj.nanning.gov.cn", "4501000023", "通知公告", "南宁住房公积金管理中心",
          "桂ICP备05001122号", "桂公网安备45010302000334号")  # fmt: skip
WZ = Site("重庆市万州区人民政府", "www.wz.gov.cn", "5001010001", "通知公告", "重庆市万州区人民政府办公室",
          "渝ICP备05001234号", "渝公网安备50010102000765号")  # fmt: skip
OSTA = Site("人力资源社会保障部职业技能鉴定中心", "www.osta.org.cn", "", "通知公告", "人力资源社会保障部职业技能鉴定中心",
            "京ICP备05006789号", "")  # fmt: skip
SZ = Site("随州市医疗保障局", "ybj.suizhou.gov.cn", "4213000012", "政策法规", "随州市医疗保障局",
          "鄂ICP备05001111号", "鄂公网安备42130202000123号")  # fmt: skip
LABOR = Site(
    "勞動法律網", "www.labor.example.com", "", "社會保障法規", "勞動法律網", "粵ICP備08012345號", ""
)
CQ_BIG5 = Site("重慶市人力資源和社會保障局", "rlsbj.cq.gov.cn", "5000000037", "通知公告",
               "重慶市人力資源和社會保障局", "渝ICP備05003300號", "渝公網安備50010302000001號")  # fmt: skip
LDB_BIG5 = Site("中華人民共和國人力資源和社會保障部", "www.mohrss.gov.cn", "bm19000001", "政策法規",
                "人力資源和社會保障部", "京ICP備05050532號", "京公網安備11010102001234號")  # fmt: skip
SUZ = Site("苏州市人力资源和社会保障局", "hrss.suzhou.gov.cn", "3205000052", "通知公告", "苏州市人力资源和社会保障局",
           "苏ICP备05001234号", "苏公网安备32050802010234号")  # fmt: skip
QD = Site("青岛市人力资源和社会保障局", "hrss.qingdao.gov.cn", "3702000038", "政策文件", "青岛市人力资源和社会保障局",
          "鲁ICP备05001234号", "鲁公网安备37020202000567号")  # fmt: skip
JM = Site("荆门市劳动和社会保障局", "www.jmldbz.gov.cn", "", "政策法规", "荆门市劳动和社会保障局",
          "鄂ICP备06001234号", "")  # fmt: skip

_ODD_META = """<META CONTENT="沈阳市医疗保障局" NAME="SiteName">
<meta content="" name="ArticleTitle">
<META NAME="pubdate" CONTENT="2022-12-30 16:05">
<meta content="沈阳市医疗保障局" name="contentsource">
<meta name="COLUMNNAME" content="政策解读">
<meta name="keywords" content="">
<meta content="../../zcjd/202212/t20221230_4401234.html" name="Url">"""

PAGES = [
    Page(
        "cq-mzgj.trs",
        P.CQ_MZGJ,
        "trs_mee",
        CQ_YBJ,
        "http://ylbzj.cq.gov.cn/zwgk_535/zfxxgkml/zcwj/qtwj/202306/t20230612_12052345.html",
        pubdate_meta="2023-06-12 09:30",
    ),
    Page(
        "cq-mzgj.redesign",
        P.CQ_MZGJ,
        "hanweb",
        CQ_YBJ,
        "http://ylbzj.cq.gov.cn/art/2023/6/12/art_1621_12052345.html",
        pubdate_meta="2023-06-12 09:30",
        options={"style": "span_split"},
    ),
    Page(
        "sy-jiedu.portal",
        P.SY_JD,
        "trs_portal",
        SY,
        "http://ybj.shenyang.gov.cn/zcjd/202212/t20221230_4401234.shtml",
        pubdate_meta="2022-12-30 16:05",
    ),
    Page(
        "sy-jiedu.odd-meta",
        P.SY_JD,
        "trs_mee",
        SY,
        "http://ybj.shenyang.gov.cn/zcjd/202212/t20221230_4401234.html",
        options={"meta": _ODD_META, "style": "msword"},
    ),
    Page(
        "yc-gjj.hanweb-gbk",
        P.YC_GJJ,
        "hanweb_gbk",
        YC,
        "http://gjj.yinchuan.gov.cn/art/2023/3/15/art_2291_1234567.html",
        charset="gb2312",
    ),
    Page(
        "yc-dk.hanweb-gbk",
        P.YC_GJJ2,
        "hanweb_gbk",
        YC,
        "http://gjj.yinchuan.gov.cn/art/2023/7/28/art_2291_1237788.html",
        charset="gbk",
        content_type="text/html; charset=GBK",
        options={"style": "br"},
    ),
    Page(
        "nc-gjj.hanweb",
        P.NC_GJJ,
        "hanweb",
        NC,
        "http://gjj.nc.gov.cn/art/2022/9/20/art_3421_4012345.html",
        pubdate_meta="2022-09-20 15:12",
    ),
    Page(
        "cq-jiedu.hanweb",
        P.CQ_JD,
        "hanweb",
        CQ_YBJ,
        "http://ylbzj.cq.gov.cn/art/2023/6/13/art_1622_12056789.html",
        pubdate_meta="2023-06-13 10:00",
        options={"style": "p_indent"},
    ),
    Page(
        "hn-sbk.xxgk",
        P.HN_SBK,
        "xxgk_list",
        HN,
        "http://hrss.hainan.gov.cn/hrss/tzgg/202401/a1b2c3d4e5f6.shtml",
    ),
    Page(
        "gov-mz.govcn",
        P.GOV_MZ,
        "govcn",
        GOV,
        "http://www.gov.cn/zhengce/content/2023-04/03/content_5749876.htm",
    ),
    Page(
        "gov-jy.govcn",
        P.GOV_JY,
        "govcn",
        GOV,
        "http://www.gov.cn/zhengce/content/2023-09/26/content_5768901.htm",
    ),
    Page(
        "rs-joint.govcn-pages",
        P.RS_JOINT,
        "govcn_pages",
        MOHRSS,
        "http://www.mohrss.gov.cn/SYrlzyhshbzb/shehuibaozhang/zcwj/202406/t20240625_512345.html",
    ),
    Page(
        "gd-mtb.govcn-pages",
        P.GD_MTB,
        "govcn_pages",
        ZQ,
        "http://www.zhaoqing.gov.cn/xxgk/zcfg/gfxwj/content/post_2845678.html",
    ),
    Page(
        "long-reg.trs",
        P.LONG_REG,
        "trs_mee",
        MS,
        "http://www.rd.example.gov.cn/dfxfg/202311/t20231130_98765.html",
        pubdate_meta="2023-11-30 17:00",
    ),
    Page(
        "short-dbw.generic",
        P.SHORT_DBW,
        "generic",
        NN,
        "https://gjj.nanning.gov.cn/tzgg/20240605/notice-3301.html",
    ),
    Page(
        "short-dt.trs-nodate",
        P.SHORT_DT,
        "trs_mee",
        WZ,
        "http://www.wz.gov.cn/tzgg/content_34567.html",
        options={"info_date": None, "info_source": False},
    ),
    Page("jg-px.vsb", P.JG_PX, "vsb", OSTA, "http://www.osta.org.cn/info/1081/12345.htm"),
    Page(
        "sz-jm.oldtable-gbk",
        P.SZ_JM,
        "oldtable",
        SZ,
        "http://ybj.suizhou.gov.cn/show.asp?id=102",
        charset="gb2312",
    ),
    Page(
        "old-2008.oldtable",
        P.OLD_2008,
        "oldtable",
        JM,
        "http://www.jmldbz.gov.cn/show.asp?id=588",
        charset="gb2312",
        options={"style": "nbsp"},
    ),
    Page(
        "nmg-tc.labor-spam",
        P.NMG_TC,
        "labor_site",
        LABOR,
        "http://www.labor.example.com/fg/sb/2011/1129/12345.html",
    ),
    Page(
        "nmg-tc.big5",
        P.NMG_TC,
        "big5_gateway",
        LDB_BIG5,
        "http://big5.mohrss.gov.cn/gate/big5/www.mohrss.gov.cn/zcfg/200605/t20060516_69876.html",
        charset="big5",
        pubdate_meta="2006-05-16 00:00",
    ),
    Page(
        "tw-gs.big5-utf8",
        P.TW_GS,
        "big5_gateway",
        CQ_BIG5,
        "http://big5.cq.gov.cn/gate/big5/rlsbj.cq.gov.cn/tzgg/202302/t20230220_11623456.html",
        pubdate_meta="2023-02-20 11:20",
    ),
    Page(
        "sz-wgj.generic",
        P.SZ_WGJ,
        "generic",
        SUZ,
        "https://hrss.suzhou.gov.cn/news/notice-20240508.html",
        options={"style": "p_indent"},
    ),
    Page(
        "gs-tz.trs-spamblock",
        P.GS_TZ,
        "trs_mee",
        QD,
        "http://hrss.qingdao.gov.cn/zcwj/202308/t20230815_7512345.shtml",
        pubdate_meta="2023-08-15 16:40",
        options={"spam_block": True, "style": "div_fullwidth"},
    ),
    Page(
        "xz-mx.trs-spamcell",
        P.XZ_MX,
        "trs_portal",
        SX,
        "http://www.shanxi.gov.cn/zfxxgk/zfxxgkzl/fdzdgknr/lzyj/szfwj/202404/t20240412_9512345.shtml",
        pubdate_meta="2024-04-12 09:05",
        options={"spam_in_cell": True, "glue_spam_after": "以上标准自2024年1月1日起执行。"},
    ),
]

# Pages whose gold differs from the policy's own fields, and why.
OVERRIDES: dict[str, dict[str, object]] = {
    # hanweb_gbk prints no 成文日期, no index number, and the body has no signature block.
    "yc-gjj.hanweb-gbk": {"written": None, "index_number": None},
    # The reposting site states its own (later) posting date; its 來源 is "未知".
    "nmg-tc.labor-spam": {"published": "2011-11-29"},
    # The odd-meta page has an empty ArticleTitle: the title comes from the page.
    # The odd-meta page and the portal print no 成文日期.
}
NO_TABLE = {"trs_mee", "trs_portal", "hanweb", "hanweb_gbk", "vsb", "oldtable", "labor_site",
            "big5_gateway", "generic"}  # fmt: skip
WITH_SITE_NAME = {"trs_mee", "trs_portal", "hanweb", "govcn_pages", "xxgk_list", "big5_gateway"}
METHOD = {"trs_mee": "trs", "trs_portal": "trs", "hanweb": "hanweb", "hanweb_gbk": "hanweb",
          "govcn": "ucap", "govcn_pages": "govcn", "xxgk_list": "hanweb", "vsb": "vsb",
          "oldtable": "trafilatura", "labor_site": "trafilatura", "big5_gateway": "trs",
          "generic": "trafilatura"}  # fmt: skip
ENCODING = {"utf-8": "utf-8", "gb2312": "gb18030", "gbk": "gb18030", "big5": "big5hkscs"}
_BRACKETS = str.maketrans({"[": "〔", "]": "〕", "(": "〔", ")": "〕", "（": "〔", "）": "〕",
                           "【": "〔", "】": "〕", "［": "〔", "］": "〕"})  # fmt: skip


def _attachments(page: Page) -> list[dict[str, str]]:
    prefix = {
        "hanweb": "/art/2023/6/13/",
        "hanweb_gbk": "/module/download/downfile.jsp?classid=0&filename=",
        "xxgk_list": "/xxgk/",
        "vsb": "/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner=1412614994&wbfileid=",
    }.get(page.template, "./")
    return [
        {"url": urljoin(page.url, prefix + f.filename), "name": f.name, "type": f.type}
        for f in page.policy.files
    ]


def gold(page: Page) -> dict[str, object]:
    p = page.policy
    site_meta = page.template in WITH_SITE_NAME and "meta" not in page.options
    data: dict[str, object] = {
        "url": page.url,
        "title": p.title,
        "published": p.published,
        "written": p.written,
        "effective": p.effective,
        "issuer": p.issuer,
        "doc_number": p.doc_number.translate(_BRACKETS) if p.doc_number else None,
        "index_number": None if page.template in NO_TABLE else p.index_number,
        "cited": p.cited,
        "site_name": page.site.name if site_meta or page.key == "sy-jiedu.odd-meta" else None,
        "column": page.site.column if site_meta or page.key == "sy-jiedu.odd-meta" else None,
        "attachments": _attachments(page),
        "spam_detected": bool(page.options.get("spam_in_cell") or page.options.get("spam_block"))
        or page.template == "labor_site",
        "method": METHOD[page.template],
        "template": page.template,
        "encoding": ENCODING[page.charset],
    }
    if page.template == "govcn_pages":
        data["site_name"] = page.site.name
    if page.content_type:
        data["content_type"] = page.content_type
    data.update(OVERRIDES.get(page.key, {}))
    return data


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for old in [*OUT.glob("*.html"), *OUT.glob("*.gold.*")]:
        old.unlink()
    for page in PAGES:
        markup = TEMPLATES[page.template](page)
        # Sites declaring gb2312 really serve GBK (喆, 珺 are outside GB2312).
        codec = {"gb2312": "gbk"}.get(page.charset, page.charset)
        (OUT / f"{page.key}.html").write_bytes(markup.encode(codec))
        (OUT / f"{page.key}.gold.txt").write_text(
            "\n".join(page.policy.gold_lines()) + "\n", "utf-8"
        )
        (OUT / f"{page.key}.gold.json").write_text(
            json.dumps(gold(page), ensure_ascii=False, indent=1) + "\n", "utf-8"
        )
    print(f"{len(PAGES)} pages, {len({p.template for p in PAGES})} templates → {OUT}")


if __name__ == "__main__":
    main()
