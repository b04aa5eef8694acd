"""Line rules that strip what surrounds a policy: widgets, counters, navigation, related-link
lists, footers, link farms and lines a site repeats on every page.

Every rule is anchored on the words templates print (字号, 浏览次数, 上一篇, 网站标识码 …) and
bounded in length, so a sentence of the policy that merely mentions such a word survives. Rules
are written in Simplified and also match Traditional mirrors.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass

from crawler.extract.dates import DATE_PATTERN
from crawler.extract.render import Line
from crawler.extract.spam import is_spam_text, salvage
from crawler.extract.zh import tc_quick

_SEP = r"\s\[\]【】()（）|｜丨/·•:：>＞»›\-—_,，、"
_WIDGET = (
    r"字号|字体|大|中|小|放大|缩小|默认|正常|标准|打印(?:本页|此页|文章|页面|正文)?|"
    r"关闭(?:窗口|本页|页面|本文)?|收藏(?:本页|本文)?|加入收藏|返回(?:顶部|首页|列表|上一页)?|顶部|"
    r"分享(?:到|至)?|扫一扫(?:在手机(?:上)?(?:打开|浏览|阅读)当前页)?|在手机(?:上)?打开当前页|"
    r"我要纠错|纠错|保存(?:本页)?|视力保护色|朗读|无障碍|微信(?:好友)?|朋友圈|微博|新浪微博|"
    r"QQ空间|QQ好友|QQ|手机版|电脑版|繁体|简体|繁體|【|】|点击右上角微信好友|"
    r"请使用浏览器分享功能进行分享|复制链接|二维码|用微信扫描二维码|分享让更多人看到|"
    r"评论|关注|赞|点赞|转发|\d{1,3}%|\d{1,3}|首页|尾页|末页|上一页|下一页"
)
WIDGET_LINE = tc_quick(rf"^[{_SEP}]*(?:(?:{_WIDGET})[{_SEP}]*)+$", re.IGNORECASE)
_INFO_LABEL = (
    r"发布时间|发布日期|发表时间|更新时间|时间|日期|来源|信息来源|文章来源|稿件来源|作者|"
    r"浏览次数|浏览量|访问量|访问次数|点击数|点击量|点击次数|阅读次数|阅读量|阅读数|字号|字体|"
    r"编辑|责任编辑|发布者|发布人|发布机构|供稿|撰稿|录入|审核|摄影"
)
# A line made only of "label: short value" pairs, dates and widgets: the info bar under a title.
INFO_LINE = tc_quick(
    rf"^(?:[{_SEP}]*(?:(?:{_INFO_LABEL})\s*[:：]\s*[^\s|｜丨:：]{{0,30}}?|{DATE_PATTERN}"
    rf"(?:\s*\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?|(?:{_WIDGET})))+[{_SEP}]*$"
)
_HAS_LABEL = tc_quick(rf"(?:{_INFO_LABEL})\s*[:：]")
COUNTER = tc_quick(
    r"浏览次数|浏览量|访问量|访问次数|访问人次|浏览人次|点击数|点击量|点击次数|阅读次数|阅读量|"
    r"阅读数|已阅读|人浏览|次浏览|人次访问"
)
PREV_NEXT = tc_quick(
    r"^[【\[]?(?:上一篇|下一篇|上一条|下一条|上篇|下篇|前一篇|后一篇|上一页|下一页)"
)
RELATED = tc_quick(
    r"^[【\[]?(?:相关链接|相关阅读|相关文章|相关新闻|相关信息|相关文件|相关政策|相关解读|"
    r"相关稿件|相关附件链接|延伸阅读|推荐阅读|热点推荐|热门推荐|更多阅读|猜你喜欢|"
    r"您可能对以下文章感兴趣|相关阅读推荐|热门文章|最新文章|热点新闻|精彩推荐|图片推荐|"
    r"相关专题|专题推荐|往期回顾|阅读下一篇)[】\]]?\s*[:：]?"
)
PROMO = tc_quick(
    r"^更多.{0,30}(?:尽在|请访问|请登录|请关注|欢迎访问)|^(?:本文|本站|文章)来源于.{0,20}网|"
    r"^点击(?:进入|查看|关注).{0,30}$"
)
_NO_CONTENT = re.compile(r"^[\W_]*$")
NAV = tc_quick(r"^(?:当前位置|您的位置|你的位置|我的位置|所在位置|您现在的位置是?|位置)\s*[:：]")
CRUMBS = tc_quick(r"^(?:首页|网站首页|主页|返回首页)\s*[>＞»›/]")
FOOTER = tc_quick(
    r"网站标识码|ICP\s*备|ICP\s*证|公网安备|版权所有|Copyright|©|\(c\)\s*\d{4}|"
    r"主办单位\s*[:：]|承办单位\s*[:：]|主办\s*[:：]|承办\s*[:：]|协办单位\s*[:：]|"
    r"技术支持\s*[:：]|维护单位\s*[:：]|运行维护|网站地图|网站声明|隐私声明|联系我们|"
    r"建议使用.{0,20}浏览器|分辨率|政府网站找错|党政机关|网站纠错|无障碍浏览",
    re.IGNORECASE,
)
# Contact lines are content in a notice; they are only footer when next to a footer line.
FOOTER_NEIGHBOUR = tc_quick(r"地址\s*[:：]|邮编\s*[:：]|电话\s*[:：]|传真\s*[:：]|E-?mail", re.I)
CONTACT = tc_quick(r"^(?:联系人|联系方式|咨询电话|业务咨询|联系电话)")
_SENTENCE = re.compile(r"[。；;！？]")
# Lines that are policy content however often a site repeats them: never learnt, never stripped
# as boilerplate (article numbering, dates, sentences, salutations, signatures).
_CONTENT_SHAPES = re.compile(
    rf"^(?:第[一二三四五六七八九十百零〇\d]+[章节条款篇部分]|[一二三四五六七八九十]+、|"
    rf"[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．]|附件|附表)|[。；;！？]|[:：]$|"
    rf"^[（(].*[）)]$|{DATE_PATTERN}|(?:局|厅|部|委|委员会|政府|办公室|办公厅|中心|院|会|处|署|队|站)$"
)
_MAX_FOOTER = 200
_MAX_COUNTER = 120


@dataclass
class Cleaned:
    lines: list[str]
    spam: bool


def normalize_line(text: str) -> str:
    """The form in which lines are compared for boilerplate learning."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def is_boilerplate_candidate(text: str) -> bool:
    return bool(text) and len(text) <= 200 and not _CONTENT_SHAPES.search(text)


def _chrome(line: Line) -> bool:
    """Whether a line is page furniture on its own, whatever its neighbours."""
    text = line.text
    # A table row of numbers ("1<TAB>60") is data, whatever the widget rule thinks of digits.
    widget = "\t" not in text and bool(WIDGET_LINE.match(text))
    if _NO_CONTENT.match(text) or widget or PREV_NEXT.match(text):
        return True
    if NAV.match(text) or (PROMO.match(text) and len(text) <= 100):
        return True
    if CRUMBS.match(text) and len(text) <= 80:
        return True
    if len(text) <= _MAX_COUNTER and COUNTER.search(text):
        return True
    if len(text) <= _MAX_COUNTER and INFO_LINE.match(text) and _HAS_LABEL.search(text):
        return True
    return len(text) <= _MAX_FOOTER and bool(FOOTER.search(text))


def _footer_neighbour(text: str) -> bool:
    """An address / postcode / phone line of a footer (a notice's contact sentence is not)."""
    return (
        len(text) <= _MAX_FOOTER
        and bool(FOOTER_NEIGHBOUR.search(text))
        and not _SENTENCE.search(text)
        and not CONTACT.match(text)
    )


def _is_link_list_item(line: Line) -> bool:
    return line.link_ratio >= 0.6 or len(line.text) <= 4


def _strip_spam(lines: list[Line]) -> tuple[list[Line], bool]:
    kept: list[Line] = []
    found = False
    for line in lines:
        if is_spam_text(line.text, line.link_ratio):
            found = True
            rest = salvage(line.text)
            if rest:
                kept.append(Line(rest, 0))
            continue
        kept.append(line)
    return kept, found


def clean_lines(lines: list[Line], boilerplate: Collection[str] = ()) -> Cleaned:
    """Apply every rule, then drop the lines a site was learnt to repeat (``boilerplate``)."""
    lines, spam = _strip_spam(lines)
    drop = [False] * len(lines)
    i = 0
    while i < len(lines):
        line = lines[i]
        if _chrome(line):
            drop[i] = True
            if FOOTER.search(line.text):
                for j in (i - 2, i - 1, i + 1, i + 2):
                    if 0 <= j < len(lines) and _footer_neighbour(lines[j].text):
                        drop[j] = True
        elif RELATED.match(line.text) and len(line.text) <= 200:
            drop[i] = True
            j = i + 1
            while j < len(lines) and _is_link_list_item(lines[j]):
                drop[j] = True
                j += 1
            i = j
            continue
        i += 1
    out: list[str] = []
    learnt = {normalize_line(b) for b in boilerplate} if boilerplate else set()
    for line, dropped in zip(lines, drop, strict=True):
        if dropped:
            continue
        if learnt and is_boilerplate_candidate(line.text) and normalize_line(line.text) in learnt:
            continue
        out.append(line.text)
    return Cleaned(out, spam)


def boilerplate_lines(text: str) -> set[str]:
    """Lines of a page's clean text that may be counted for per-site boilerplate learning.

    Lines shaped like policy content (numbered articles, sentences, dates, salutations,
    signatures) are left out: a site repeats them across policies, yet they are the policy.
    """
    return {
        normalize_line(line)
        for line in text.splitlines()
        if is_boilerplate_candidate(line.strip()) and normalize_line(line)
    }


def strip_boilerplate(text: str, boilerplate: Collection[str]) -> str:
    """Remove learnt boilerplate lines from an already clean text (e.g. a version stored before
    the site's boilerplate was learnt), by the same rule `clean_lines` applies."""
    if not boilerplate:
        return text
    learnt = {normalize_line(b) for b in boilerplate}
    kept = [
        line
        for line in text.splitlines()
        if not (is_boilerplate_candidate(line.strip()) and normalize_line(line) in learnt)
    ]
    return "\n".join(kept)
