"""Soft 404s: a 200 answer whose page says the document is gone."""

from __future__ import annotations

from crawler.extract.model import PolicyDocument
from crawler.extract.zh import tc_re

_GONE = tc_re(
    r"页面不存在|您访问的页面不存在|你访问的页面不存在|页面未找到|找不到(?:该|您要的)?页面|"
    r"页面已删除|页面已失效|信息不存在|文章不存在|该信息已删除|该文章已删除|内容已删除|"
    r"稿件已撤|页面走丢了|页面找不到了|无法找到该页|资源不存在|访问的资源已删除|"
    r"\b404\b|not\s+found|page\s+not\s+found",
    0,
)
# Above this length the page is a document that happens to mention 404 or a missing page.
_MAX_TEXT = 400


def is_soft_404(doc: PolicyDocument) -> bool:
    """Whether a page served with 200 is in fact an error page."""
    if doc.title and _GONE.search(doc.title) and len(doc.text) <= _MAX_TEXT * 3:
        return True
    # An empty body is not a missing page (a scanned notice, a body drawn by JavaScript).
    return len(doc.text) <= _MAX_TEXT and bool(_GONE.search(doc.text))
