"""Page noise: the parts of a government page that change while its policy text does not.

All noise is a pure function of (page key, noise epoch), so a page renders to the same bytes
until `churn_noise()` bumps the epoch — which keeps ETags stable between crawls, as on a
real static CMS, while still letting tests churn everything but the text.
"""

from __future__ import annotations

import hashlib
import random
import re

from crawler.simsite.sites import SiteSpec
from crawler.simsite.views import Link, Noise

_SPAM_HEADS = (
    "澳门",
    "皇冠",
    "威尼斯人",
    "新葡京",
    "金沙",
    "永利",
    "银河",
    "太阳城",
    "百家乐",
    "棋牌",
)
_SPAM_TAILS = ("娱乐城", "官网", "平台", "APP下载", "注册送彩金", "在线开户", "手机版", "网址导航")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _rng(*parts: object) -> random.Random:
    return random.Random(":".join(str(p) for p in parts))


def token(key: str, epoch: int) -> str:
    return hashlib.sha1(f"{key}:{epoch}".encode()).hexdigest()[:10]


def hot_links(site: SiteSpec, epoch: int, count: int = 5) -> tuple[Link, ...]:
    """The 热点 sidebar: a window over the site's news that rotates with the epoch."""
    news = site.news_items()
    start = (epoch * 3) % len(news)
    chosen = [news[(start + i) % len(news)] for i in range(count)]
    return tuple(Link(n.title, n.path, f"{n.published:%Y-%m-%d}") for n in chosen)


def spam_block(key: str, epoch: int, links: int = 40) -> str:
    """An SEO link farm like those injected into hacked government pages."""
    rng = _rng("spam", key, epoch)
    items = []
    for _ in range(links):
        name = rng.choice(_SPAM_HEADS) + rng.choice(_SPAM_TAILS)
        domain = "".join(rng.choice(_LETTERS) for _ in range(rng.randint(5, 9)))
        items.append(f'<a href="http://www.{domain}.com/" target="_blank">{name}</a>')
    css = "".join(rng.choice(_LETTERS) for _ in range(6))
    return f'<div class="{css}"><p>主站蜘蛛池模板： {"| ".join(items)}</p></div>'


def make_noise(site: SiteSpec, key: str, epoch: int, *, spam: str = "") -> Noise:
    rng = _rng("noise", key, epoch)
    return Noise(
        counter=rng.randint(300, 98000),
        token=token(key, epoch),
        hot=hot_links(site, epoch),
        indent=epoch % 4,
        spam_html=spam_block(key, epoch) if spam else "",
        spam_inside=spam == "inside",
    )


_BETWEEN_TAGS = re.compile(r">\n[ \t]*<")


def reindent(html: str, indent: int) -> str:
    """Whitespace churn between tags only, never inside text."""
    return _BETWEEN_TAGS.sub(">\n" + " " * indent + "<", html)
