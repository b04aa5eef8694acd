"""Page labels in Chinese (the readers are Chinese HR and benefits teams) and English.

The language is chosen per request: `?lang=` (remembered in a cookie), then the cookie, then
the browser's Accept-Language, then Chinese.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request

from monitor.history import EVENT_LABELS
from monitor.notify.labels import LABELS

LANGUAGES = ("zh", "en")
LANG_COOKIE = "regwatch_lang"

# key: (Chinese, English)
_LABELS: dict[str, tuple[str, str]] = {
    "app_title": ("政策变更监测", "Regulation watch"),
    "nav_dashboard": ("概览", "Dashboard"),
    "nav_changes": ("变更", "Changes"),
    "nav_pages": ("政策", "Policies"),
    "nav_subscriptions": ("订阅", "Subscriptions"),
    "nav_login": ("登录", "Log in"),
    "nav_logout": ("退出", "Log out"),
    "sources": ("监测来源", "Sources"),
    "source": ("来源", "Source"),
    "region": ("地区", "Region"),
    "topic": ("主题", "Topic"),
    "topics": ("主题", "Topics"),
    "schedule": ("计划", "Schedule"),
    "last_crawl": ("上次抓取", "Last crawl"),
    "next_run": ("下次运行", "Next run"),
    "state": ("状态", "State"),
    "state_ok": ("正常", "OK"),
    "state_failing": ("连续失败 {n} 次", "failing ({n} in a row)"),
    "state_never": ("尚未抓取", "never crawled"),
    "state_crawling": ("抓取中", "crawling"),
    "state_removed": ("已从配置移除", "no longer configured"),
    "page_errors": ("{n} 个页面抓取出错", "{n} page(s) with fetch errors"),
    "pages_count": ("{n} 个页面", "{n} pages"),
    "changes_count": ("{n} 项变更", "{n} changes"),
    "latest_changes": ("最新变更", "Latest changes"),
    "all_changes": ("全部变更", "All changes"),
    "no_changes": ("暂无变更记录。", "No changes recorded."),
    "detected": ("检测时间", "Detected"),
    "type": ("类型", "Type"),
    "title": ("标题", "Title"),
    "summary": ("变更摘要", "Summary"),
    "significance": ("重要程度", "Significance"),
    "keyword": ("关键词", "Keyword"),
    "date_from": ("起始日期", "From"),
    "date_to": ("截止日期", "To"),
    "all": ("全部", "All"),
    "include_silent": ("包括格式调整等静默变更", "Include silent changes (cosmetic…)"),
    "filter": ("筛选", "Filter"),
    "reset": ("清除", "Reset"),
    "older": ("更早的变更 →", "Older changes →"),
    "feed": ("Atom 订阅源", "Atom feed"),
    "change": ("变更", "Change"),
    "changed_articles": ("变更条款", "Articles changed"),
    "figures": ("数值变化", "Figures changed"),
    "added": ("新增", "Added"),
    "removed": ("删除", "Removed"),
    "modified": ("修改", "Modified"),
    "renumbered": ("重新编号", "Renumbered"),
    "attachments": ("附件", "Attachments"),
    "diff": ("对照", "Side by side"),
    "old_version": ("原版本", "Old version"),
    "new_version": ("新版本", "New version"),
    "original": ("原网页", "Original page"),
    "new_url": ("新网址", "New URL"),
    "policy": ("政策", "Policy"),
    "policies": ("政策与页面", "Policies and pages"),
    "doc_number": ("文号", "Document number"),
    "issuer": ("发文机关", "Issuer"),
    "published": ("发布日期", "Published"),
    "written": ("成文日期", "Written"),
    "effective": ("施行日期", "Effective"),
    "index_number": ("索引号", "Index number"),
    "cited": ("引用文件", "Cites"),
    "url": ("网址", "URL"),
    "status": ("状态", "Status"),
    "kind": ("类别", "Kind"),
    "kind_policy": ("政策", "policy"),
    "kind_attachment": ("附件", "attachment"),
    "versions": ("版本", "Versions"),
    "version": ("版本", "Version"),
    "fetched": ("抓取时间", "Fetched"),
    "chars": ("字数", "Characters"),
    "first_seen": ("首次发现", "First seen"),
    "last_checked": ("最近检查", "Last checked"),
    "last_changed": ("最近变更", "Last changed"),
    "last_error": ("最近错误", "Last error"),
    "history": ("版本历史", "Version history"),
    "events": ("变更记录", "Changes"),
    "compare_previous": ("与上一版对照", "Compare with previous"),
    "text": ("正文", "Text"),
    "belongs_to": ("所属政策", "Belongs to"),
    "no_versions": ("尚无已保存的版本。", "No stored versions yet."),
    "no_diff": ("此变更没有可对照的两个版本。", "This change has no two versions to compare."),
    "recrawl": ("立即重新抓取", "Recrawl now"),
    "recrawl_source": ("立即抓取此来源", "Crawl this source now"),
    "login_to_act": ("登录后可执行操作", "Log in to act"),
    "actions_disabled": (
        "未配置 web.token，网页操作已停用。",
        "web.token is not configured: actions are disabled.",
    ),
    "job": ("任务", "Job"),
    "job_running": ("运行中…本页会自动刷新。", "Running… this page refreshes itself."),
    "job_done": ("已完成", "Finished"),
    "job_failed": ("失败（退出码 {code}）", "Failed (exit code {code})"),
    "output": ("输出", "Output"),
    "subscriptions": ("订阅", "Subscriptions"),
    "subscription": ("订阅", "Subscription"),
    "filters": ("筛选条件", "Filters"),
    "keywords": ("关键词", "Keywords"),
    "event_types": ("变更类型", "Event types"),
    "min_significance": ("最低重要程度", "Minimum significance"),
    "digest": ("汇总", "Digest"),
    "immediate": ("即时", "immediate"),
    "outbox": ("发送队列", "Outbox"),
    "outbox_pending": ("待发送", "pending"),
    "outbox_sending": ("发送中", "sending"),
    "outbox_digest": ("等待汇总", "waiting for digest"),
    "outbox_delivered": ("已送达", "delivered"),
    "outbox_dead": ("已放弃", "dead"),
    "channel": ("渠道", "Channel"),
    "attempts": ("尝试次数", "Attempts"),
    "no_subscriptions": ("尚未配置订阅。", "No subscriptions configured."),
    "no_outbox": ("暂无发送记录。", "Nothing sent yet."),
    "daemon": ("守护进程", "Daemon"),
    "daemon_running": ("运行中（{who}）", "running ({who})"),
    "daemon_stopped": ("未运行", "not running"),
    "login_title": ("登录", "Log in"),
    "token": ("访问令牌", "Access token"),
    "login_help": (
        "请输入配置文件中 web.token 的值。",
        "Enter the value of web.token from the config file.",
    ),
    "login_failed": ("令牌不正确。", "Wrong token."),
    "search": ("搜索", "Search"),
    "not_found": ("未找到", "Not found"),
    "spam": ("⚠ 页面中检测到疑似垃圾或恶意内容", "⚠ Spam or injected content detected"),
    "silent": ("静默", "silent"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "none": ("无", "none"),
    "language_switch": ("English", "中文"),
}


_PAGE_STATUS: dict[str, tuple[str, str]] = {
    "active": ("正常", "active"),
    "error": ("抓取出错", "fetch error"),
    "missing": ("暂时缺失", "missing"),
    "removed": ("已删除", "removed"),
    "moved": ("已迁移", "moved"),
}


def page_status(status: str, lang: str) -> str:
    pair = _PAGE_STATUS.get(status)
    return (pair[0] if lang == "zh" else pair[1]) if pair else status


def negotiate(request: Request) -> str:
    """`?lang=`, then the remembered choice, then the browser's preference, then Chinese."""
    chosen = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    for tag in _preferred(request.headers.get("accept-language", "")):
        primary = tag.split("-", 1)[0].lower()
        if primary in LANGUAGES:
            return primary
    return "zh"


def _preferred(header: str) -> list[str]:
    """Language tags of an Accept-Language header, most wanted first (q=0 dropped)."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and quality > 0:
            ranked.append((-quality, index, tag))
    return [tag for _, _, tag in sorted(ranked)]


def translator(lang: str) -> Callable[..., str]:
    """`t("key", n=3)`: the label in `lang`, formatted; an unknown key is returned as is."""
    column = 0 if lang == "zh" else 1

    def t(key: str, **values: object) -> str:
        pair = _LABELS.get(key)
        text = pair[column] if pair else key
        return text.format(**values) if values else text

    return t


def event_label(event_type: str, lang: str) -> str:
    """Chinese as the CLI says it; English as the alerts say it."""
    if lang == "zh":
        return EVENT_LABELS.get(event_type, event_type)
    return LABELS["en"].get(event_type, event_type)
