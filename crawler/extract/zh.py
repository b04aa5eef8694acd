"""Small helpers for Chinese text: whitespace, and patterns that match Simplified and Traditional.

Traditional-Chinese mirrors (big5 gateways, Hong Kong / Taiwan reposts) carry the same labels and
widgets as their Simplified originals (發文機關, 瀏覽次數, 網站標識碼 …). Rules are written once in
Simplified and expanded here, character by character, into classes that accept both scripts.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from crawler.extract.firstchars import first_chars

if TYPE_CHECKING:
    from opencc import OpenCC

# Characters whose Traditional form depends on the word and which OpenCC maps one way only.
_EXTRA_VARIANTS = {"布": "佈", "里": "裡裏", "于": "於", "志": "誌", "台": "臺檯", "着": "著"}
# The characters of the package's patterns with their Traditional forms (OpenCC s2t and the
# extras above), frozen: the patterns are expanded at import, and OpenCC's dictionaries weigh
# 28 MB in every process that extracts. A character missing here is looked up in OpenCC, built
# on first need. tests/extract/test_import_cost.py checks the table against OpenCC and that
# extraction never needs OpenCC.
_FROZEN_VARIANTS = (
    "与與 专專 业業 丢丟 为爲 乐樂 书書 于於 产產 从從 们們 会會 传傳 "
    "体體 党黨 关關 兴興 内內 准準 击擊 删刪 办辦 务務 区區 华華 协協 "
    "单單 厅廳 县縣 参參 发發 台檯臺 号號 后後 员員 咨諮 国國 图圖 场場 "
    "声聲 备備 复復 奖獎 娱娛 实實 审審 对對 将將 尽盡 布佈 并並 废廢 "
    "开開 当當 录錄 彻徹 态態 总總 戏戲 户戶 执執 扫掃 护護 据據 摄攝 "
    "数數 无無 时時 暂暫 术術 机機 权權 条條 来來 构構 标標 检檢 欢歡 "
    "欧歐 浏瀏 游遊 点點 热熱 状狀 现現 电電 码碼 碍礙 称稱 签籤 简簡 "
    "类類 纠糾 纪紀 线線 组組 结結 维維 编編 缩縮 网網 群羣 联聯 脑腦 "
    "荐薦 见見 观觀 规規 视視 览覽 认認 让讓 议議 记記 论論 访訪 证證 "
    "评評 识識 词詞 话話 询詢 该該 详詳 请請 读讀 责責 贯貫 费費 资資 "
    "赌賭 赞贊 转轉 辑輯 运運 进進 邮郵 链鏈 错錯 键鍵 长長 门門 闭閉 "
    "问問 间間 闻聞 阅閱 隐隱 韩韓 页頁 顶頂 顾顧 频頻 题題"
)
_FROZEN_SAME = (
    "一七三上下不丨中主久九了二五享京人以件任伊伸位佚作你使例供依保信偷免入全八公六共分列"
    "利到制前力功加十午博印即及友取口可右合同名和品喜器四回圈在地址城多夜大天失好妻始委威"
    "婷字存安官定室家容射小尼尾局已市席常幕平年府延建式引彩影往微心性息您意感成我或所手打"
    "找承技拍持按接推描撤撰支收放政效文斯新方施日明是更最月有朋朗期未末本板果查核根桃案棋"
    "模次欲止正此毛民池法注浪清源照爽片版牌狠猜率理生用由申登百的相省看真知票福私稿空窗站"
    "章策管篇精系索繁置美老者能臀自至色落葡藏虎蛛蜘蜜行表裁要角解走起趣辨迎返通道遵部配重"
    "量附院除障零面首體高默"
)
_FROZEN = {char: char for char in _FROZEN_SAME} | {
    group[0]: "".join(sorted(group)) for group in _FROZEN_VARIANTS.split()
}

_WS = re.compile(r"[\s\u00a0\u3000\u2002\u2003\u2009\u200b\u200c\u200d\ufeff]+")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")


def fold_ws(text: str) -> str:
    """One ASCII space for every run of whitespace (ideographic and no-break spaces included).

    Templates indent paragraphs with U+3000, &nbsp; or CSS interchangeably; folding them makes
    the same policy text identical whatever the template.
    """
    # str.split() splits on the Unicode whitespace that ``\s`` matches (the other characters of
    # _WS are invisible ones, gone by then), faster than a substitution.
    return " ".join(_INVISIBLE.sub("", text).split())


def squash(text: str) -> str:
    """Text without any whitespace, for label matching (``索 引 号`` → ``索引号``)."""
    return _WS.sub("", text)


@cache
def _s2t() -> OpenCC:
    from opencc import OpenCC

    return OpenCC("s2t")


def traditional_variants(char: str) -> str:
    """A character and its Traditional forms, sorted, as OpenCC (and the extras) give them."""
    out = {char, *_s2t().convert(char), *_EXTRA_VARIANTS.get(char, "")}
    return "".join(sorted(out))


@cache
def _variants(char: str) -> str:
    return _FROZEN.get(char) or traditional_variants(char)


def _is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


@cache
def tc(pattern: str) -> str:
    """Expand a regex written in Simplified so that it also matches Traditional text."""
    out: list[str] = []
    in_class = False
    escaped = False
    for char in pattern:
        if escaped:
            out.append(char)
            escaped = False
            continue
        if char == "\\":
            escaped = True
            out.append(char)
            continue
        if char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        if _is_cjk(char):
            variants = _variants(char)
            if len(variants) > 1:
                out.append(variants if in_class else f"[{variants}]")
                continue
        out.append(char)
    return "".join(out)


def tc_re(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(tc(pattern), flags)


def tc_quick(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``tc_re(pattern, flags)`` behind a lookahead on the characters a match can start with.

    Searching a long alternation, the regex engine tries every alternative at every position;
    matching it, at the start of every line. The lookahead lets it pass over the positions (and
    lines) that cannot start a match at once: the cleaning rules ran 3-5x faster on a page's
    lines.
    """
    return tc_re(f"(?=[{first_chars(pattern)}])(?:{pattern})", flags)
