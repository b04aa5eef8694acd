"""Listing discovery against the simulated site's three CMS templates, and pure cases."""

from __future__ import annotations

import httpx
import pytest

from crawler.listing import ListingPage, canonical_url, parse_listing
from crawler.simsite import SimSite


def crawl_listing(client: httpx.Client, start: str, follow: str | None = None) -> list[str]:
    """Follow next_pages from `start` like a crawler would; links in discovery order."""
    queue, seen, found = [start], set(), []
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        page = parse_listing(client.get(url).content, url, follow=follow)
        found += [link for link in page.links if link not in found]
        queue += page.next_pages
    return found


@pytest.mark.parametrize("site_id", ["ybj", "rsj", "gjj"])
def test_finds_every_policy_across_pagination(
    site: SimSite, client: httpx.Client, site_id: str
) -> None:
    assert len(site.listing_urls(site_id)) >= 2
    assert crawl_listing(client, site.listing_url(site_id)) == site.policy_urls(site_id)


@pytest.mark.parametrize("page_size", [2, 3])
def test_pagination_follows_page_size(client: httpx.Client, page_size: int) -> None:
    with SimSite(page_size=page_size) as s:
        for site_id in s.site_ids:
            assert len(s.listing_urls(site_id)) == -(-len(s.policy_ids(site_id)) // page_size)
            assert crawl_listing(client, s.listing_url(site_id)) == s.policy_urls(site_id)


def test_tracking_params_change_per_render_and_are_stripped(
    site: SimSite, client: httpx.Client
) -> None:
    url = site.listing_url("ybj")
    first, second = client.get(url).content, client.get(url).content
    assert b"?spm=" in first and first != second
    links = parse_listing(first, url).links
    assert links == parse_listing(second, url).links
    assert links == site.policy_urls("ybj")[: site.page_size]
    gov = client.get(site.listing_url("gjj")).content
    assert b"?from=list&amp;_t=" in gov
    assert all("?" not in link for link in parse_listing(gov, site.listing_url("gjj")).links)


def test_new_publication_is_discovered_first(site: SimSite, client: httpx.Client) -> None:
    new_id = site.publish("rsj")
    links = crawl_listing(client, site.listing_url("rsj"))
    assert links[0] == site.policy_url(new_id)


def test_nav_sidebar_and_footer_links_are_not_policies(site: SimSite, client: httpx.Client) -> None:
    for site_id in site.site_ids:
        url = site.listing_url(site_id)
        body = client.get(url).content
        news = [site.url(n.path) for n in site.site(site_id).news_items()]
        assert any(n.split("/")[-1].encode() in body for n in news)  # sidebar is there...
        page = parse_listing(body, url)
        assert not set(page.links) & set(news)  # ...but not followed
        assert all(link.startswith(site.base_url) for link in page.links)


def test_follow_regex_overrides_heuristic(site: SimSite, client: httpx.Client) -> None:
    url = site.listing_url("ybj")
    body = client.get(url).content
    only_2022 = parse_listing(body, url, follow=r"/t2022\d{4}_\d+\.shtml$").links
    assert only_2022 and all("/t2022" in link for link in only_2022)
    news = parse_listing(body, url, follow=r"/xwzx/\d{6}/").links
    assert len(news) == 5


def test_gbk_listing_titles_decode(site: SimSite, client: httpx.Client) -> None:
    url = site.listing_url("rsj")
    page = parse_listing(client.get(url).content, url)
    titles = {site.policy_url(p): site.gold(p).title for p in site.policy_ids("rsj")}
    assert all(page.titles[link] == titles[link] for link in page.links)


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        (
            "HTTP://WWW.Example.gov.cn:80/zcwj/t20220601_1.shtml?spm=zm.1.2&utm_source=wx#top",
            "http://www.example.gov.cn/zcwj/t20220601_1.shtml",
        ),
        ("http://x.gov.cn/view.jsp?id=123&from=timeline", "http://x.gov.cn/view.jsp?id=123"),
        ("http://x.gov.cn/a;jsessionid=AB12?b=2&a=1&_t=1654051200123", "http://x.gov.cn/a?a=1&b=2"),
        ("https://x.gov.cn:443/list?page=2&t=0.12345", "https://x.gov.cn/list?page=2"),
        ("https://x.gov.cn:8443/p?t=news", "https://x.gov.cn:8443/p?t=news"),
        ("http://x.gov.cn/政策.html?share=1", "http://x.gov.cn/%E6%94%BF%E7%AD%96.html"),
    ],
)
def test_canonical_url(raw: str, canonical: str) -> None:
    assert canonical_url(raw) == canonical


TRS_PAGE = """<html><body><ul>
<li><a href="./202206/t20220601_11.shtml?spm=1">甲</a></li>
<li><a href="../other/202206/t20220601_12.shtml">他栏目</a></li></ul>
<script>var countPage = 4; var currentPage = 1;
createPageHTML(countPage, currentPage, "index", "shtml");</script>
<script>createPageHTML('page_div', 3, 0, 'more', 'html', 41);</script>
</body></html>"""


def test_trs_js_pagination_and_variables() -> None:
    page = parse_listing(TRS_PAGE, "http://x.gov.cn/zcwj/index_1.shtml")
    assert page.links == ["http://x.gov.cn/zcwj/202206/t20220601_11.shtml"]
    assert page.next_pages == [
        "http://x.gov.cn/zcwj/index_2.shtml",
        "http://x.gov.cn/zcwj/index_3.shtml",
        "http://x.gov.cn/zcwj/index.shtml",
        "http://x.gov.cn/zcwj/more_1.html",
        "http://x.gov.cn/zcwj/more_2.html",
    ]


HANWEB_PAGE = """<html><body><div id="88"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&columnid=77&unitid=88"></a>]]></nextgroup>
<recordset>
<record><![CDATA[<li><a href="/art/2022/6/1/art_77_501.html" title="甲">甲</a></li>]]></record>
<record><![CDATA[<li><a href="http://x.gov.cn/art/2022/5/9/art_77_500.html">乙</a></li>]]></record>
<record><![CDATA[<li><a href="/art/2022/5/9/art_12_400.html">别的栏目</a></li>]]></record>
</recordset></datastore></script></div>
<a href="/art/2022/1/1/art_77_1.html">正文外</a></body></html>"""


def test_hanweb_datastore_records_and_nextgroup() -> None:
    page = parse_listing(HANWEB_PAGE, "http://x.gov.cn/col/col77/index.html")
    assert page.links == [
        "http://x.gov.cn/art/2022/6/1/art_77_501.html",
        "http://x.gov.cn/art/2022/5/9/art_77_500.html",
        "http://x.gov.cn/art/2022/1/1/art_77_1.html",
    ]
    assert page.next_pages == [
        "http://x.gov.cn/module/web/jpage/dataproxy.jsp?columnid=77&page=1&unitid=88"
    ]
    bare = '<?xml version="1.0" encoding="gb2312"?><datastore><recordset><record><![CDATA[<a href="/art/2022/6/2/art_77_502.html">丙</a>]]></record></recordset></datastore>'
    proxy = "http://x.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=16&columnid=77"
    assert parse_listing(bare.encode("gbk"), proxy).links == [
        "http://x.gov.cn/art/2022/6/2/art_77_502.html"
    ]


def test_next_link_text_and_undeclared_gbk() -> None:
    html = (
        '<html><body><div class="list"><a href="content_5.htm?from=a">关于住房公积金的通知</a></div>'
        '<div class="page"><a href="index_1.htm">2</a> <a href="index_1.htm"> 下一页&gt; </a>'
        '<a href="./content_6.htm">下一篇</a></div></body></html>'
    )
    page = parse_listing(html.encode("gbk"), "http://x.gov.cn/zhengce/index.htm")
    assert page.next_pages == ["http://x.gov.cn/zhengce/index_1.htm"]
    assert page.links[0] == "http://x.gov.cn/zhengce/content_5.htm"
    assert page.titles[page.links[0]] == "关于住房公积金的通知"
    explicit = parse_listing(
        html.encode("gbk"), "http://x.gov.cn/zhengce/index.htm", encoding="gbk"
    )
    assert explicit.titles == page.titles


@pytest.mark.parametrize("body", [b"", "  \n", b'<?xml version="1.0"?>'])
def test_empty_body_has_no_links(body: bytes | str) -> None:
    assert parse_listing(body, "http://x.gov.cn/list/index.html") == ListingPage()
