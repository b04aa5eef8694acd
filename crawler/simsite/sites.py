"""The three simulated bureaus and their CMS-specific URL schemes.

Each site mimics one family of real Chinese government CMS (TRS WCM, Hanweb jcms, the gov.cn
information-disclosure template). URL shapes follow the real systems closely because the
listing parser and the crawler's follow heuristics are tested against them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal

Cms = Literal["trs", "hanweb", "gov"]


@dataclass(frozen=True)
class NewsItem:
    """A news story of the site: only ever linked from sidebars, never a policy."""

    title: str
    published: datetime
    doc_id: int
    path: str


@dataclass(frozen=True)
class SiteSpec:
    id: str
    cms: Cms
    charset: str
    name: str
    domain: str
    id_code: str
    column: str
    region: str
    issuer: str
    icp: str
    police: str
    address: str
    phone: str
    nav: tuple[tuple[str, str], ...]
    hot_titles: tuple[str, ...]
    external: tuple[tuple[str, str], ...]
    column_id: int = 0
    news_column_id: int = 0
    unit_id: int = 0
    org_code: str = ""
    topics: tuple[str, ...] = field(default_factory=tuple)

    @property
    def prefix(self) -> str:
        return f"/{self.id}/"

    # -- listing pages -------------------------------------------------------------------
    def listing_path(self, page: int, page_size: int) -> str:
        """Path of listing page `page` (0-based)."""
        p = self.prefix
        if self.cms == "trs":
            return f"{p}zwgk/zcwj/index.shtml" if page == 0 else f"{p}zwgk/zcwj/index_{page}.shtml"
        if self.cms == "hanweb":
            if page == 0:
                return f"{p}col/col{self.column_id}/index.html"
            start = page * page_size + 1
            return (
                f"{p}module/web/jpage/dataproxy.jsp?startrecord={start}"
                f"&endrecord={start + page_size - 1}&perpage={page_size}&appid=1&webid=5"
                f"&path={p}&columnid={self.column_id}&unitid={self.unit_id}&permissiontype=0"
            )
        return f"{p}zhengce/index.htm" if page == 0 else f"{p}zhengce/index_{page}.htm"

    def listing_dir(self) -> str:
        p = self.prefix
        return {"trs": f"{p}zwgk/zcwj/", "hanweb": f"{p}col/col{self.column_id}/"}.get(
            self.cms, f"{p}zhengce/"
        )

    # -- documents -----------------------------------------------------------------------
    def article_path(self, day: date, doc_id: int, *, news: bool = False) -> str:
        p = self.prefix
        if self.cms == "trs":
            section = "xwzx" if news else "zwgk/zcwj"
            return f"{p}{section}/{day:%Y%m}/t{day:%Y%m%d}_{doc_id}.shtml"
        if self.cms == "hanweb":
            col = self.news_column_id if news else self.column_id
            return f"{p}art/{day.year}/{day.month}/{day.day}/art_{col}_{doc_id}.html"
        section = "xinwen" if news else "zhengce/content"
        return f"{p}{section}/{day:%Y-%m}/{day:%d}/content_{doc_id}.htm"

    def news_items(self) -> list[NewsItem]:
        items = []
        for k, title in enumerate(self.hot_titles):
            published = datetime(2023, 1, 9, 9, 30) + timedelta(days=23 * k, minutes=7 * k)
            doc_id = 900100 + 37 * k
            items.append(
                NewsItem(
                    title, published, doc_id, self.article_path(published.date(), doc_id, news=True)
                )
            )
        return items

    def attachment_path(self, day: date, doc_id: int, index: int, ext: str) -> str:
        p = self.prefix
        if self.cms == "trs":
            return f"{p}zwgk/zcwj/{day:%Y%m}/P0{day:%Y%m%d}{doc_id}{index:02d}.{ext}"
        if self.cms == "hanweb":
            token = hashlib.sha1(f"{doc_id}:{index}".encode()).hexdigest()[:12]
            return f"{p}module/download/downfile.jsp?classid=0&filename={token}.{ext}"
        return f"{p}zhengce/content/{day:%Y-%m}/{day:%d}/{doc_id}/files/{doc_id}{index:02d}.{ext}"


SITES: dict[str, SiteSpec] = {
    s.id: s
    for s in (
        SiteSpec(
            id="ybj",
            cms="trs",
            charset="utf-8",
            name="重庆市医疗保障局",
            domain="ylbzj.cq.gov.cn",
            id_code="5000000112",
            column="政策文件",
            region="重庆市",
            issuer="重庆市医疗保障局",
            icp="渝ICP备19002876号-1",
            police="渝公网安备 50010302002184号",
            address="重庆市渝北区青竹东路6号",
            phone="023-12393",
            nav=(
                ("首页", "/ybj/index.shtml"),
                ("机构概况", "/ybj/jggk/index.shtml"),
                ("新闻中心", "/ybj/xwzx/index.shtml"),
                ("政务公开", "/ybj/zwgk/index.shtml"),
                ("政策文件", "/ybj/zwgk/zcwj/index.shtml"),
                ("政策解读", "/ybj/zwgk/zcjd/index.shtml"),
                ("办事服务", "/ybj/bsfw/index.shtml"),
                ("互动交流", "/ybj/hdjl/index.shtml"),
            ),
            hot_titles=(
                "市医保局召开2023年医保基金监管工作会议",
                "我市城乡居民医保参保缴费工作正式启动",
                "医保电子凭证全流程应用试点工作推进会召开",
                "重庆医保12393服务热线上线运行",
                "市医保局开展打击欺诈骗保专项整治行动",
                "国家组织药品集采中选结果在我市落地实施",
                "我市推进DRG付费方式改革全覆盖",
                "川渝两地实现门诊慢特病费用跨省直接结算",
                "市医保局发布2023年度医疗保障事业发展统计快报",
                "医保服务进社区活动在渝中区启动",
            ),
            external=(
                ("国家医疗保障局", "http://www.nhsa.gov.cn/"),
                ("重庆市人民政府", "http://www.cq.gov.cn/"),
                ("中国政府网", "http://www.gov.cn/"),
            ),
            topics=("医疗保险",),
        ),
        SiteSpec(
            id="rsj",
            cms="hanweb",
            charset="gbk",
            name="沈阳市人力资源和社会保障局",
            domain="rsj.shenyang.gov.cn",
            id_code="2101000029",
            column="政策法规",
            region="沈阳市",
            issuer="沈阳市人力资源和社会保障局",
            icp="辽ICP备05016512号",
            police="辽公网安备 21010202000318号",
            address="沈阳市沈河区市府大路260号",
            phone="024-12333",
            nav=(
                ("网站首页", "/rsj/index.html"),
                ("机构信息", "/rsj/col/col1401/index.html"),
                ("人社动态", "/rsj/col/col1402/index.html"),
                ("政策法规", "/rsj/col/col1432/index.html"),
                ("就业创业", "/rsj/col/col1405/index.html"),
                ("社会保障", "/rsj/col/col1406/index.html"),
                ("人才人事", "/rsj/col/col1407/index.html"),
                ("劳动关系", "/rsj/col/col1408/index.html"),
            ),
            hot_titles=(
                "沈阳市2023年春风行动暨就业援助月活动启动",
                "市人社局召开全市人社系统工作会议",
                "我市发放一次性扩岗补助惠及企业千余家",
                "沈阳市技能人才评价工作取得新进展",
                "全市根治欠薪冬季专项行动全面展开",
                "社保卡居民服务一卡通在公交领域实现应用",
                "沈阳市高校毕业生就业服务月活动举办",
                "市人社局开展劳动保障法律法规宣传周活动",
                "我市企业职工基本养老保险待遇按时足额发放",
                "沈阳人社12333热线服务满意度持续提升",
            ),
            external=(
                ("人力资源和社会保障部", "http://www.mohrss.gov.cn/"),
                ("辽宁省人力资源和社会保障厅", "http://rst.ln.gov.cn/"),
                ("沈阳市人民政府", "http://www.shenyang.gov.cn/"),
            ),
            column_id=1432,
            news_column_id=1402,
            unit_id=5843,
            topics=("就业", "社会保险"),
        ),
        SiteSpec(
            id="gjj",
            cms="gov",
            charset="utf-8",
            name="福州住房公积金中心",
            domain="gjj.fuzhou.gov.cn",
            id_code="3501000052",
            column="政策法规",
            region="福州市",
            issuer="福州住房公积金中心",
            icp="闽ICP备12004387号",
            police="闽公网安备 35010202000571号",
            address="福州市鼓楼区华林路130号",
            phone="0591-12329",
            nav=(
                ("首页", "/gjj/index.htm"),
                ("中心概况", "/gjj/zxgk/index.htm"),
                ("公积金要闻", "/gjj/xinwen/index.htm"),
                ("政策法规", "/gjj/zhengce/index.htm"),
                ("办事指南", "/gjj/bszn/index.htm"),
                ("信息公开", "/gjj/xxgk/index.htm"),
                ("互动交流", "/gjj/hdjl/index.htm"),
            ),
            hot_titles=(
                "福州住房公积金2022年年度报告发布",
                "中心推出住房公积金业务“掌上办”服务",
                "福州公积金贷款业务实现“带押过户”",
                "中心开展住房公积金政策进企业宣传活动",
                "福州住房公积金提取业务实现“跨城通办”",
                "中心召开住房公积金管理委员会全体会议",
                "新市民租房提取住房公积金业务办理量稳步增长",
                "福州都市圈住房公积金一体化发展取得新成效",
                "中心获评全省住房公积金系统先进集体",
                "住房公积金缴存单位线上开户全面推行",
            ),
            external=(
                ("住房和城乡建设部", "http://www.mohurd.gov.cn/"),
                ("全国住房公积金监管服务平台", "https://zfgjj.mohurd.gov.cn/"),
                ("福州市人民政府", "http://www.fuzhou.gov.cn/"),
            ),
            org_code="12350100MB0T93412K",
            topics=("住房公积金",),
        ),
    )
}
