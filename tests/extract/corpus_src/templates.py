"""Page templates modelled on real government CMS pages (see ../shared/corpus for the originals
they imitate): TRS WCM, Hanweb jcms (UTF-8 and old GBK table layouts), the gov.cn
information-disclosure page, a municipal 信息公开 page, VSB, old table-layout sites, a
Traditional-Chinese big5 gateway, a reposting site with an injected link farm, and modern pages
of no known CMS. Every template wraps the same body blocks in its own markup and chrome.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field

from corpus_src.policies import Policy, Table


@dataclass(frozen=True)
class Site:
    name: str
    domain: str
    id_code: str
    column: str
    sponsor: str
    icp: str
    police: str
    nav: tuple[str, ...] = ("首页", "机构概况", "政务公开", "政务服务", "互动交流", "专题专栏")


@dataclass
class Page:
    key: str
    policy: Policy
    template: str
    site: Site
    url: str
    charset: str = "utf-8"
    content_type: str | None = None
    pubdate_meta: str | None = None  # the PubDate meta value, when the template prints one
    options: dict[str, object] = field(default_factory=dict)


SPAM = (
    "国产区精品一区二区不卡中文", "精品久久久久久无码人妻蜜桃", "亚洲一日韩欧美中文字幕欧美日韩在线精品一区二",
    "一本久久a久久精品综合夜夜", "色欲精品国产一区二区三区AV", "精品无码国产污污污免费网站",
    "国内精品久久国产大陆", "久久夜色精品国产亚洲av", "99久久精品国产毛片", "国产精品大白天新婚身材",
    "奇米精品一区二区三区在线观看", "精品午夜福利在线观看", "久久精品国产亚洲AV香蕉",
)  # fmt: skip
SPAM_TC = tuple(s.replace("区", "區").replace("无码", "無碼") for s in SPAM)
e = html.escape


# -- body styles ----------------------------------------------------------------------------


def _table(table: Table, word: bool = True) -> str:
    rows = []
    for n, row in enumerate(table.rows):
        cells = []
        for cell in row:
            text = e(cell) if cell else "&nbsp;"
            if word:
                cells.append(
                    '<td valign="top" style="border:solid windowtext 1.0pt;padding:0cm 5.4pt">'
                    f'<p class="MsoNormal" align="center" style="text-align:center">'
                    f'<span style="font-family:仿宋_GB2312">{"<b>" if n == 0 else ""}{text}'
                    f"{'</b>' if n == 0 else ''}</span></p></td>"
                )
            else:
                cells.append(f"<td>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    cls = (
        ' class="MsoNormalTable" border="0" cellspacing="0" cellpadding="0"'
        if word
        else ' border="1"'
    )
    return f'<table{cls} style="border-collapse:collapse"><tbody>{"".join(rows)}</tbody></table>'


def _is_signature(policy: Policy, index: int) -> bool:
    """The organ/date lines at the end: right-aligned by most templates."""
    lines = [b for b in policy.body if isinstance(b, str)]
    text = policy.body[index]
    return isinstance(text, str) and text in lines[-4:] and len(text) <= 30 and "。" not in text


def body_html(policy: Policy, style: str) -> str:
    """The body blocks in one of the markup styles real editors produce."""
    out: list[str] = []
    for i, block in enumerate(policy.body):
        if isinstance(block, Table):
            out.append(_table(block, word=style != "plain"))
            continue
        text = e(block)
        right = _is_signature(policy, i)
        if style == "p_indent":
            align = "text-align:right" if right else "text-indent:2em"
            out.append(f'<p style="{align};line-height:2em">{text}</p>')
        elif style == "div_fullwidth":
            out.append(
                f'<div style="text-align:right">{text}</div>' if right else f"<div>　　{text}</div>"
            )
        elif style == "span_split":
            cut = max(1, len(block) // 3)
            out.append(
                f'<p style="text-indent:32px"><span style="font-family:仿宋">{e(block[:cut])}</span>'
                f'<span style="font-family:仿宋;font-size:16px">{e(block[cut:])}</span></p>'
            )
        elif style == "msword":
            out.append(
                '<p class="MsoNormal" style="text-indent:32.0pt;mso-char-indent-count:2.0">'
                f'<span style="font-size:16.0pt;font-family:仿宋_GB2312">{text}</span>'
                '<span lang="EN-US"><o:p></o:p></span></p>'
            )
        elif style == "br":
            out.append(f"　　{text}<br />\n")
        elif style == "nbsp":
            out.append(f"<p>&nbsp;&nbsp;&nbsp;&nbsp;{text}&nbsp;</p>")
        else:
            out.append(f"<p>{text}</p>")
        if style != "br" and i % 7 == 3:
            out.append("<p>&nbsp;</p>")
    return "\n".join(out)


def _files(page: Page, prefix: str = "./") -> str:
    if not page.policy.files:
        return ""
    links = "".join(
        f'<li><a href="{prefix}{f.filename}" target="_blank">{e(f.name)}</a></li>'
        for f in page.policy.files
    )
    return f'<div class="fujian"><span>附件：</span><ul>{links}</ul></div>'


def _nav(site: Site) -> str:
    items = "".join(f'<li><a href="/{i}/">{e(n)}</a></li>' for i, n in enumerate(site.nav))
    return f'<div class="nav"><ul>{items}</ul></div>'


def _footer(site: Site, traditional: bool = False) -> str:
    if traditional:
        return (
            '<div class="footer"><p><a href="/wzdt/">網站地圖</a> | <a href="/lxwm/">聯繫我們</a></p>'
            f"<p>主辦單位：{e(site.sponsor)}　版權所有</p>"
            f"<p>網站標識碼：{site.id_code}　{site.icp}　{site.police}</p></div>"
        )
    return (
        '<div class="footer"><div class="footer-links"><a href="/wzdt/">网站地图</a> | '
        '<a href="/lxwm/">联系我们</a> | <a href="/wzsm/">网站声明</a></div>'
        f"<p>主办单位：{e(site.sponsor)}　　版权所有：{e(site.sponsor)}</p>"
        f'<p>网站标识码：{site.id_code}　<a href="https://beian.miit.gov.cn">{site.icp}</a>　'
        f'<a href="http://www.beian.gov.cn/">{site.police}</a></p>'
        "<p>地址：市行政中心1号楼　邮编：400000　电话：023-12345678</p></div>"
    )


def _related(titles: tuple[str, ...], heading: str = "相关链接") -> str:
    links = "".join(f'<li><a href="/xw/{i}.html">{e(t)}</a></li>' for i, t in enumerate(titles))
    return f'<div class="related"><h3>{heading}</h3><ul>{links}</ul></div>'


RELATED = (
    "我市召开医疗保障工作会议",
    "关于公布2023年度定点医药机构名单的通知",
    "医保电子凭证激活指南",
)


def _meta(page: Page, *, lower: bool = False) -> str:
    p, s = page.policy, page.site
    names = {
        "SiteName": s.name, "SiteDomain": s.domain, "SiteIDCode": s.id_code,
        "ColumnName": s.column, "ArticleTitle": p.title, "PubDate": page.pubdate_meta or "",
        "ContentSource": p.issuer or "", "Keywords": ",".join(p.keywords), "Author": "",
        "Description": "", "Url": page.url,
    }  # fmt: skip
    if page.pubdate_meta is None:
        del names["PubDate"]
    return "\n".join(
        f'<meta name="{n.lower() if lower else n}" content="{e(v)}">' for n, v in names.items()
    )


# -- templates ------------------------------------------------------------------------------


def trs_mee(page: Page) -> str:
    """TRS WCM, ministry style (mee.gov.cn): TRS_Editor > Custom_UnionStyle."""
    p, s = page.policy, page.site
    meta = str(page.options.get("meta", "")) or _meta(page)
    info_date = page.options.get("info_date", page.policy.published)
    info = f"<span>{info_date}</span>" if info_date else ""
    source = f"<span>来源：{e(p.issuer)}</span>" if page.options.get("info_source", True) else ""
    spam_cell = ""
    if page.options.get("spam_in_cell"):
        links = " | ".join(f'<a href="http://x{i}.example/">{t}</a>' for i, t in enumerate(SPAM))
        spam_cell = f"<p>主站蜘蛛池模板：{links}</p>"
    spam_block = ""
    if page.options.get("spam_block"):
        links = "".join(f'<a href="http://s{i}.example/">{t}</a>|' for i, t in enumerate(SPAM))
        spam_block = (
            f'<div class="fk" style="position:absolute;left:-9999px">主站蜘蛛池模板：{links}</div>'
        )
    return f"""<!DOCTYPE html>
<html><head><meta charset="{page.charset}">
<title>{e(p.title)}_{e(s.name)}</title>
{meta}
<script type="text/javascript">var currUrl = document.URL; if (currUrl.indexOf("big5") < 0) {{ document.write('<a href="/big5/">繁</a>'); }}</script>
<link rel="stylesheet" href="/images/base.css">
</head><body>
<div class="header"><a class="logo" href="/"><img src="/images/logo.png" alt="{e(s.name)}"></a>
<form action="/search/"><input type="text" name="searchword" placeholder="请输入您要搜索的内容"><input type="submit" value="搜索"></form></div>
{_nav(s)}
<div class="crumbsNav">当前位置：<a href="../../../">首页</a>&nbsp;&gt;&nbsp;<a href="../../">政务公开</a>&nbsp;&gt;&nbsp;<a href="../">{e(s.column)}</a></div>
<div class="neiright_Box">
<h2 class="neiright_Title">{e(p.title)}</h2>
<div class="neiright_JPZ_GK">{info}{source}
<div class="share">分享到：<a title="分享到微信" class="bshare-weixin"></a><a title="分享到新浪微博" class="bshare-sinaminiblog"></a></div>
<span class="print"><a href="javascript:void(1)" onclick="window.print()">[打印]</a></span>
<span class="zoom">字号：<a>[大]</a> <a class="active">[中]</a> <a>[小]</a></span></div>
<div class="neiright_JPZ_GK_CP"><div class=TRS_Editor><div class="Custom_UnionStyle">
{body_html(p, str(page.options.get("style", "p_indent")))}
{spam_cell}
</div></div></div>
{_files(page)}
</div>
<div class="stbzCBaseXq" id="recommend-rel" style="display: none"><h2>相关阅读推荐</h2><ul></ul></div>
{_related(RELATED)}
{_footer(s)}
{spam_block}
<script>var _hmt = _hmt || []; (function() {{ var hm = document.createElement("script"); hm.src = "https://hm.baidu.com/hm.js?abc"; }})();</script>
</body></html>"""


def trs_portal(page: Page) -> str:
    """TRS WCM, provincial portal (shanxi.gov.cn): generic meta first, 指引 meta later,
    relative Url, div paragraphs, createPageHTML pagination script."""
    p, s = page.policy, page.site
    spam = ""
    if page.options.get("spam_in_cell"):
        links = "".join(f'<a href="http://k{i}.example/">{t}</a> | ' for i, t in enumerate(SPAM))
        spam = f"<div>{links}</div>"
    body = body_html(p, str(page.options.get("style", "div_fullwidth")))
    glue = page.options.get("glue_spam_after")
    if glue:
        body = body.replace(
            e(str(glue)) + "</div>",
            e(str(glue)) + "主站蜘蛛池模板：" + " | ".join(SPAM[:6]) + "</div>",
        )
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="SiteName" content="{e(s.name)}"><meta name="SiteDomain" content="{s.domain}"><meta name="SiteIDCode" content="{s.id_code}">
<title>{e(p.title)} - {e(s.name)} </title>
<meta name="description" content="{e(s.name)}是全省各级政府在互联网上发布政府信息和提供在线服务的综合平台。">
<meta name="keywords" content="山西;山西省;山西省人民政府;政府信息公开">
<meta name="SiteName" content="{e(s.name)}">
<meta name="ColumnName" content="{e(s.column)}">
<meta name="ArticleTitle" content="{e(p.title)}">
<meta name="PubDate" content="{page.pubdate_meta}">
<meta name="ContentSource" content="{e(p.issuer or "")}">
<meta name="Keywords" content="">
<meta name="Url" content="./{page.url.rsplit("/", 1)[-1]}">
<style>.TRS_Editor p {{font-size: 16px!important;}}</style>
</head><body>
<div class="top"><h1><a href="/"><span class="hide">{e(s.name)}</span></a></h1></div>
{_nav(s)}
<ul class="breadcrumb"><li><a href="/">首页</a></li><li><span>&gt;</span> {e(s.column)}</li></ul>
<div class="detail-article-title"><h3></h3><h2>{e(p.title)}</h2><h3></h3></div>
<ul class="detail-article-infos"><li class="left"><span><i>时间：</i>{page.pubdate_meta}</span>
<span><i>来源：</i> {e(p.issuer or "")} </span></li>
<li class="right"><span id="myPrint">打印</span><span class="article-zoom"><i>字体：</i><a href="javascript:void(0);">放大</a>
<a href="javascript:void(0);">正常</a><a href="javascript:void(0);">缩小</a></span><span class="article-share">分享</span></li></ul>
<div class="article-body"><div class="TRS_Editor">{body}
{spam}</div></div>
<div class="page-box"><script>function createPageHTML(n, c, name, ext) {{ if (n <= 1) return; }} createPageHTML(1, 0, "t", "shtml");</script></div>
<div class="mobile-only" style="display:none"><p>{e(p.title)}</p></div>
{_related(RELATED, "相关文章")}
{_footer(s)}
</body></html>"""


def hanweb(page: Page) -> str:
    """Hanweb jcms, UTF-8 (fgw.zj.gov.cn): lowercase meta, <$[…]> comment markers, #zoom."""
    p, s = page.policy, page.site
    style = str(page.options.get("style", "msword"))
    return f"""<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8"><script language="javascript" src="/module/jslib/jquery/jquery.js"></script>
<title>{e(p.title)}</title>
<meta name="Maketime" content="2019-03-22 12:28:37">
{_meta(page, lower=True)}
<meta name="guid" content="201930332664"><meta name="effectiveTime" content="0">
<style>#zoom {{ font-size: 17px; line-height: 36px; }}</style>
</head><body>
{_nav(s)}
<div class="position">您现在的位置：<a href="/">首页</a> &gt; <a href="/col/col1621004/">{e(s.column)}</a></div>
<div class="con">
<p class="con-title"> <!--<$[标题]>begin-->{e(p.title)}<!--<$[标题]>end--></p>
<div class="small-title clearfix"><span>发布日期：{p.published}</span><span>浏览次数：<script>document.write(1234)</script></span>
<span>信息来源：<!--<$[信息来源]>begin-->{e(p.issuer or "")}<!--<$[信息来源]>end--></span></div>
<div class="main-txt" id="zoom">
<!--<$[信息内容]>begin--><!--ZJEG_RSS.content.begin--><meta name="ContentStart">{body_html(p, style)}
<p>&nbsp;</p><meta name="ContentEnd"><!--ZJEG_RSS.content.end--><!--<$[信息内容]>end-->
</div>
{_files(page, "/art/2023/6/13/")}
<div class="main-word"><span class="bdsharebuttonbox"><a class="bds_qzone" title="分享到QQ好友"></a><a class="bds_weixin" title="分享到微信"></a></span>
<span class="printer" onclick="window.print()">打印</span> <span class="close" onclick="window.close()">关闭</span></div>
</div>
<table class="footer" width="1200"><tr><td><p><a href="/col/col1/">安全隐私</a> 丨 <a href="/col/col2/">版权保护</a> 丨 <a href="/col/col3/">联系我们</a> 丨 <a href="/col/col4/">网站地图</a></p>
<p>主办单位：{e(s.sponsor)}　网站标识码：{s.id_code}</p><p>{s.icp}　{s.police}</p></td></tr></table>
</body></html>"""


def hanweb_gbk(page: Page) -> str:
    """Old Hanweb jcms table layout, charset declared only in a gb2312 meta tag."""
    p, s = page.policy, page.site
    files = "".join(
        f'<a href="/module/download/downfile.jsp?classid=0&amp;filename={f.filename}">{e(f.name)}</a><br>'
        for f in p.files
    )
    return f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>{e(p.title)}</title>
<link href="/images/style.css" rel="stylesheet" type="text/css"></head>
<body topmargin="0"><table width="1000" align="center" border="0" cellpadding="0" cellspacing="0">
<tr><td><img src="/images/top.jpg"></td></tr>
<tr><td class="nav">{"　".join(f'<a href="/col/col{i}/">{e(n)}</a>' for i, n in enumerate(s.nav))}</td></tr></table>
<table width="1000" align="center" border="0" cellpadding="0" cellspacing="0"><tr>
<td width="220" valign="top"><table width="100%"><tr><td class="lm">{e(s.column)}</td></tr>
<tr><td><a href="/col/col11/">通知公告</a></td></tr><tr><td><a href="/col/col12/">政策法规</a></td></tr><tr><td><a href="/col/col13/">办事指南</a></td></tr></table></td>
<td valign="top"><table width="100%" border="0"><tr><td class="position">当前位置：<a href="/">首页</a> &gt;&gt; <a href="/col/col12/">政策法规</a></td></tr>
<tr><td align="center" class="title"><!--<$[标题]>begin-->{e(p.title)}<!--<$[标题]>end--></td></tr>
<tr><td align="center">发布日期：{p.published}&nbsp;&nbsp;&nbsp;信息来源：<!--<$[信息来源]>begin-->{e(p.issuer or "")}<!--<$[信息来源]>end-->&nbsp;&nbsp;&nbsp;浏览次数：<span id="c_num">386</span>&nbsp;&nbsp;&nbsp;字体：〖<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>〗</td></tr>
<tr><td class="bt_content" id="zoom"><!--<$[信息内容]>begin-->{body_html(p, str(page.options.get("style", "p_indent")))}<!--<$[信息内容]>end--></td></tr>
<tr><td>{files}</td></tr>
<tr><td align="right"><a href="javascript:window.print()">【打印本页】</a>&nbsp;<a href="javascript:window.close()">【关闭窗口】</a></td></tr>
</table></td></tr></table>
<table width="1000" align="center" class="bottom"><tr><td align="center">主办单位：{e(s.sponsor)}&nbsp;&nbsp;{s.icp}<br>网站标识码：{s.id_code}&nbsp;&nbsp;{s.police}<br>技术支持：大汉网络</td></tr></table>
</body></html>"""


def _xxgk_table(page: Page) -> str:
    p = page.policy
    return f"""<table width="860" border="0" cellpadding="0" cellspacing="0" class="bd1">
<tbody><tr><td width="70"><b>索 引 号：</b></td><td width="360">{p.index_number or ""}</td>
<td width="70"><b>主题分类：</b></td><td width="360">劳动、人事、监察\\社会保障</td></tr>
<tr><td><b>发文机关：</b></td><td>{e(p.issuer or "")}</td><td><b>成文日期：</b></td><td>{_cn_date(p.written)}</td></tr>
<tr><td><b>标　　题：</b></td><td colspan="3">{e(p.title)}</td></tr>
<tr><td><b>发文字号：</b></td><td>{e(p.doc_number or "")}</td><td><b>发布日期：</b></td><td>{_cn_date(p.published)}</td></tr>
</tbody></table>
<table width="860" class="bd1"><tbody><tr><td width="70" valign="top"><b>主 题 词：</b></td><td width="351" valign="top"></td><td width="68"></td><td></td></tr></tbody></table>"""


def _cn_date(iso: str | None) -> str:
    if not iso:
        return ""
    y, m, d = iso.split("-")
    return f"{y}年{m}月{d}日"


def govcn(page: Page) -> str:
    """gov.cn policy page: information-disclosure table + Kaipu UCAP body cell."""
    p, s = page.policy, page.site
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>{e(p.title)}_国务院文件_中国政府网</title>
<meta name="keywords" content="{e(",".join(p.keywords))}"><meta name="description" content="">
</head><body>
<div class="header"><a href="/"><img src="/images/gov_logo.png" alt="中国政府网"></a></div>
{_nav(s)}
<div class="BreadcrumbNav">首页 &gt; 政策 &gt; 国务院文件</div>
<div class="wrap" style="font-family:宋体"><table width="930" border="0" cellpadding="0" cellspacing="0"><tbody><tr><td>
{_xxgk_table(page)}</td></tr></tbody></table><br>
<table width="930" border="0" cellpadding="0" cellspacing="0"><tbody><tr><td width="675" valign="top">
<table width="674"><tbody><tr><td><br><table width="650" border="0" cellpadding="0" cellspacing="0"><tbody><tr>
<td class="b12c" id="UCAP-CONTENT">{body_html(p, "p_indent")}</td></tr></tbody></table>
</td></tr></tbody></table></td>
<td width="255" valign="top"><div class="ewm"><img src="/images/ewm.png"><p>扫一扫在手机打开当前页</p></div></td></tr></tbody></table></div>
<div class="editor">【我要纠错】 责任编辑：张晓</div>
{_related(("国务院部门解读", "图解：一图读懂"), "相关稿件")}
<div class="footer"><p><a href="/wzdt/">网站地图</a> | <a href="/lxwm/">联系我们</a></p>
<p>版权所有：中国政府网 | 中文域名：中国政府网.政务</p><p>网站标识码bm01000001 京ICP备05070218号 京公网安备11010202000001号</p></div>
</body></html>"""


def govcn_pages(page: Page) -> str:
    """The newer gov.cn layout: a bordered label table and div.pages_content."""
    p, s = page.policy, page.site
    extra = ""
    if p.effective:
        extra = f'<tr><td class="first"><b>施行日期：</b></td><td colspan="3">{_cn_date(p.effective)}</td></tr>'
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>{e(p.title)}_{e(s.name)}</title>
<meta name="SiteName" content="{e(s.name)}"><meta name="ColumnName" content="{e(s.column)}">
</head><body>
{_nav(s)}
<div class="mainbox"><table class="border-table" cellpadding="0" cellspacing="0"><tbody>
<tr><td class="first"><b>索引号：</b></td><td>{p.index_number or ""}</td><td class="first"><b>主题分类：</b></td><td>社会保障</td></tr>
<tr><td class="first"><b>发文机关：</b></td><td>{e(p.issuer or "")}</td><td class="first"><b>成文日期：</b></td><td>{p.written or ""}</td></tr>
<tr><td class="first"><b>标题：</b></td><td colspan="3">{e(p.title)}</td></tr>
<tr><td class="first"><b>发文字号：</b></td><td>{e(p.doc_number or "")}</td><td class="first"><b>发布日期：</b></td><td>{p.published}</td></tr>
{extra}
<tr><td class="first"><b>有效性：</b></td><td colspan="3">有效</td></tr>
</tbody></table>
<div class="article oneColumn pub_border"><h1>{e(p.title)}</h1>
<div class="pages-date">{p.published} <span class="font">来源：{e(s.name)}</span><span class="font index_switchsize">【字体：<span>大</span> <span>中</span> <span>小</span>】</span>
<span class="font"><a href="javascript:void(0)" onclick="window.print()">打印</a></span></div>
<div class="pages_content">{body_html(p, "span_split")}</div>
<div class="pages_print"><span class="font index_switchsize">【字体：大 中 小】</span>
<span class="font"><a href="javascript:void(0)" onclick="window.print()">打印</a></span></div>
</div></div>
{_footer(s)}
</body></html>"""


def xxgk_list(page: Page) -> str:
    """A municipal 信息公开 page: labels as <li><span>label</span>value</li>, body in #zoom."""
    p, s = page.policy, page.site
    files = "".join(
        f'<p><a href="/xxgk/{f.filename}" title="{e(f.name)}">{e(f.name)}</a></p>' for f in p.files
    )
    return f"""<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{e(p.title)}-{e(s.name)}</title>
<meta name="SiteName" content="{e(s.name)}"><meta name="SiteDomain" content="{s.domain}"><meta name="SiteIDCode" content="{s.id_code}">
<meta name="ColumnName" content="{e(s.column)}">
</head><body>
{_nav(s)}
<div class="location">您的位置：<a href="/">首页</a> &gt; <a href="/xxgk/">信息公开</a> &gt; {e(s.column)}</div>
<div class="xxgk-info"><ul>
<li><span>索&nbsp;引&nbsp;号：</span>{p.index_number or ""}</li>
<li><span>发布机构：</span>{e(p.issuer or "")}</li>
<li><span>生成日期：</span>{p.written or ""}</li>
<li><span>发布日期：</span>{p.published}</li>
<li><span>文　　号：</span>{e(p.doc_number or "")}</li>
<li><span>主题分类：</span>社会保障</li>
</ul></div>
<div class="article"><h1 class="article-title">{e(p.title)}</h1>
<div class="article-tools"><span>【字体：<a>大</a> <a>中</a> <a>小</a>】</span><span>【<a href="javascript:window.print()">打印</a>】</span><span>【<a href="javascript:window.close()">关闭</a>】</span></div>
<div id="zoom">{body_html(p, "nbsp")}</div>
{files}
<div class="prev-next"><p>上一篇：<a href="/xxgk/1.html">关于2023年度社会保险待遇资格认证的通告</a></p><p>下一篇：<a href="/xxgk/3.html">海南省社会保障卡服务网点名录</a></p></div>
</div>
{_footer(s)}
</body></html>"""


def vsb(page: Page) -> str:
    """VSB (博达) site: #vsb_content inside a form, _showDynClicks counter."""
    p, s = page.policy, page.site
    files = "".join(
        f'<li>附件【<a href="/system/_content/download.jsp?urltype=news.DownloadAttachUrl&amp;owner=1412614994&amp;wbfileid={f.filename}" target="_blank">{e(f.name)}</a>】已下载<span id="nattach1">12</span>次</li>'
        for f in p.files
    )
    return f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
<title>{e(p.title)}-{e(s.name)}</title><meta name="keywords" content="{e(s.name)}">
<meta content="MSHTML 6.00.6000.20973" name="GENERATOR"></head><body>
<table width="1004" align="center"><tr><td>{_nav(s)}</td></tr></table>
<table width="1004" align="center"><tr><td width="168" valign="top"><!--#begineditable name="左侧导航"--><a href="/tzgg/">通知公告</a><br><a href="/zcwj/">政策文件</a><!--#endeditable--></td>
<td width="827"><table width="100%"><tr><td align="center"><span class="STYLE8"><!--#begineditable name="标题"-->
<script language="javascript" src="/system/resource/js/dynclicks.js"></script>
{e(p.title)}
<!--#endeditable--></span></td></tr>
<tr><td align="center" bgcolor="#CCCCCC"><!--#begineditable name="文章时间"-->来源：{e(p.issuer or "")}
     | 发布时间: {p.published} | 浏览次数: <script>_showDynClicks("wbnews", 1412614994, 1081)</script><span id="dynclicks_wbnews_1081">2168</span>
<!--#endeditable--></td></tr>
<tr><td><!--#begineditable name="文章内容"--><form name="_newscontent_fromname"><div id="vsb_content"><div class="v_news_content">
{body_html(p, "p_indent")}
</div></div><div id="div_vote_id"></div><ul>{files}</ul></form><!--#endeditable--></td></tr></table></td></tr></table>
<table width="1004" align="center"><tr><td align="center"><br>主办单位：{e(s.sponsor)} 版权所有<br><br>地址：北京市朝阳区育慧里5号 邮编：100101 电话：010-84640000</td></tr></table>
</body></html>"""


def oldtable(page: Page) -> str:
    """An old table-layout county site: no CMS fingerprint, counters and footer in tables."""
    p, s = page.policy, page.site
    menu = " | ".join(f'<a href="/{i}.asp">{e(n)}</a>' for i, n in enumerate(s.nav))
    return f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset={page.charset}">
<title>{e(p.title)}--{e(s.name)}</title></head>
<body leftmargin="0" topmargin="0">
<table width="778" border="0" align="center" cellpadding="0" cellspacing="0"><tr><td height="90" background="/images/banner.jpg">&nbsp;</td></tr>
<tr><td height="26" class="menu">{menu}</td></tr></table>
<table width="778" border="0" align="center" cellpadding="0" cellspacing="0"><tr>
<td width="180" valign="top" bgcolor="#F2F7FD"><table width="100%"><tr><td class="lmtitle">栏目导航</td></tr>
<tr><td><a href="/list.asp?id=1">工作动态</a></td></tr><tr><td><a href="/list.asp?id=2">政策法规</a></td></tr><tr><td><a href="/list.asp?id=3">办事指南</a></td></tr><tr><td><a href="/list.asp?id=4">下载中心</a></td></tr></table></td>
<td width="598" valign="top"><table width="96%" border="0" align="center" cellpadding="0" cellspacing="0">
<tr><td height="30" class="weizhi">您现在的位置：<a href="/">首页</a> &gt;&gt; <a href="/list.asp?id=2">政策法规</a> &gt;&gt; 正文</td></tr>
<tr><td height="50" align="center" class="bt"><b>{e(p.title)}</b></td></tr>
<tr><td height="25" align="center" class="fbsj">发布时间：{p.published}&nbsp;&nbsp;&nbsp;来源：{e(p.issuer or "")}&nbsp;&nbsp;&nbsp;点击数：<font color="red">1562</font></td></tr>
<tr><td class="nr" style="line-height:28px;font-size:14px">
{body_html(p, str(page.options.get("style", "p_indent")))}
</td></tr>
<tr><td align="right"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></td></tr>
<tr><td>上一篇：<a href="/show.asp?id=101">关于开展2021年度医疗保障基金专项治理的通知</a><br>下一篇：<a href="/show.asp?id=103">2021年城乡居民医保集中参保缴费工作启动</a></td></tr>
</table></td></tr></table>
<table width="778" border="0" align="center" cellpadding="0" cellspacing="0" bgcolor="#1A5EA8"><tr><td align="center" style="color:#fff;line-height:22px">
版权所有：{e(s.sponsor)}　主办单位：{e(s.sponsor)}<br>{s.icp}　网站标识码：{s.id_code}<br>建议使用1024×768分辨率浏览本站</td></tr></table>
</body></html>"""


def labor_site(page: Page) -> str:
    """A reposting site in Traditional script (the seed page): layout tables, the notice in
    an article cell that also holds 延伸閱讀 and an injected link farm."""
    p = page.policy
    spam = " | ".join(
        f'<a href="http://www.{i}spam.example/">{t}</a>' for i, t in enumerate(SPAM_TC)
    )
    cities = " ".join(
        f'<a href="/c/{c}/">{c}</a>'
        for c in ["北京", "上海", "廣州", "深圳", "重慶", "鄭州", "天津", "武漢", "杭州", "南京"]
    )
    return f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset={page.charset}">
<title>{e(p.title)}_勞動法規_勞動法律網</title>
<meta name="keywords" content="勞動法,勞動合同法"></head><body>
<fieldset id="wguam"><menu id="wguam"></menu></fieldset><ul id="wguam"></ul>
<table width="960" align="center"><tr><td><a href="/">勞動法律網-行業領先的法律服務網，提供專業勞動法律服務</a></td></tr>
<tr><td>熱門城市：{cities}</td></tr></table>
<table width="960" align="center"><tr><td>我的位置：<a href="/">勞動法律網</a> &gt; <a href="/fg/">勞動法規</a> &gt; <a href="/fg/sb/">社會保障法規</a> &gt; 正文</td></tr></table>
<table width="960" align="center"><tr><td width="680" valign="top">
<table width="100%"><tr><td align="center"><h1>{e(p.title)}</h1></td></tr>
<tr><td align="center" class="info">發佈時間：2011-11-29　作者：未知　來源：未知</td></tr>
<tr><td class="content">
{body_html(p, "plain")}
<p>延伸閱讀：<a href="/ldf/">勞動法全文</a><a href="/htf/">勞動合同法全文</a></p>
<p>更多勞動法內容盡在勞動法律網http://www.labor.example.com</p>
<p>主站蜘蛛池模板： {spam}</p>
</td></tr></table></td>
<td width="280" valign="top"><table><tr><td><b>無需注冊 快速免費咨詢</b></td></tr><tr><td><a href="/zx/">在線咨詢</a></td></tr></table></td></tr></table>
<table width="960" align="center"><tr><td align="center">Copyright © 2008-2011 勞動法律網 版權所有　粵ICP備08012345號</td></tr></table>
</body></html>"""


def big5_gateway(page: Page) -> str:
    """A big5 gateway mirror of a TRS page: Traditional labels and widgets, TRS_Editor body."""
    p, s = page.policy, page.site
    return f"""<!DOCTYPE html><html><head>
<meta http-equiv="Content-Type" content="text/html; charset={page.charset}">
<title>{e(p.title)}_{e(s.name)}</title>
<meta name="SiteName" content="{e(s.name)}"><meta name="SiteDomain" content="{s.domain}"><meta name="SiteIDCode" content="{s.id_code}">
<meta name="ColumnName" content="{e(s.column)}"><meta name="ArticleTitle" content="{e(p.title)}">
<meta name="PubDate" content="{page.pubdate_meta}"><meta name="ContentSource" content="{e(p.issuer or "")}">
</head><body>
<div class="nav"><a href="/">首頁</a> <a href="/zwgk/">政務公開</a> <a href="/bsfw/">辦事服務</a> <a href="/hdjl/">互動交流</a></div>
<div class="position">當前位置：<a href="/">首頁</a> &gt; <a href="/zwgk/">政務公開</a> &gt; {e(s.column)}</div>
<div class="detail"><h1>{e(p.title)}</h1>
<div class="info"><span>發佈日期：{p.published}</span> <span>來源：{e(p.issuer or "")}</span> <span>瀏覽次數：<span id="count">521</span></span>
<span>字號：<a>大</a> <a>中</a> <a>小</a></span></div>
<div class="TRS_Editor">{body_html(p, "p_indent")}</div>
<div class="tools">【<a href="javascript:window.print()">打印本頁</a>】【<a href="javascript:window.close()">關閉窗口</a>】 分享到：<a class="wx">微信</a> <a class="wb">微博</a></div>
<div class="related"><h3>相關鏈接</h3><ul><li><a href="/a.html">關於做好2022年度工傷保險工作的通知</a></li><li><a href="/b.html">工傷認定辦事指南</a></li></ul></div>
</div>
{_footer(s, traditional=True)}
</body></html>"""


def generic(page: Page) -> str:
    """A modern page of no known CMS (div layout, no fingerprint class)."""
    p, s = page.policy, page.site
    return f"""<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(p.title)} | {e(s.name)}</title></head><body>
<header class="site-header"><div class="brand">{e(s.name)}</div>
<nav class="main-nav"><ul>{"".join(f'<li><a href="/{i}/">{e(n)}</a></li>' for i, n in enumerate(s.nav))}</ul></nav></header>
<div class="breadcrumb"><a href="/">首页</a> / <a href="/tzgg/">通知公告</a> / 正文</div>
<main class="layout"><div class="article">
<h1 class="article-heading">{e(p.title)}</h1>
<div class="article-meta"><span>发布时间：{p.published}</span><span>来源：{e(p.issuer or "")}</span><span>阅读次数：236</span></div>
<div class="article-text">{body_html(p, str(page.options.get("style", "plain")))}</div>
<div class="article-share">分享到：<a>微信</a> <a>微博</a> <a>QQ空间</a></div>
<div class="article-nav"><p>上一篇：<a href="/tzgg/1.html">关于2024年住房公积金年度结息的公告</a></p><p>下一篇：<a href="/tzgg/3.html">住房公积金业务网上办理指南</a></p></div>
</div>
<aside class="sidebar"><h3>热点推荐</h3><ul><li><a href="/r/1.html">住房公积金提取业务办理指南</a></li><li><a href="/r/2.html">个人住房公积金贷款政策问答</a></li><li><a href="/r/3.html">关于缴存基数调整的通知</a></li></ul></aside>
</main>
<footer class="site-footer"><p>主办单位：{e(s.sponsor)}　{s.icp}　{s.police}</p><p>网站标识码：{s.id_code}</p></footer>
</body></html>"""


TEMPLATES: dict[str, Callable[[Page], str]] = {
    "trs_mee": trs_mee,
    "trs_portal": trs_portal,
    "hanweb": hanweb,
    "hanweb_gbk": hanweb_gbk,
    "govcn": govcn,
    "govcn_pages": govcn_pages,
    "xxgk_list": xxgk_list,
    "vsb": vsb,
    "oldtable": oldtable,
    "labor_site": labor_site,
    "big5_gateway": big5_gateway,
    "generic": generic,
}
