"""Fixtures: a fresh simulated site per test (start-up takes milliseconds) and an HTTP client."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import lxml.html
import pytest

from crawler.simsite import SimSite

CONTAINERS = {
    "trs": "//div[@class='TRS_Editor']",
    "hanweb": "//div[@id='zoom']",
    "gov": "//div[@id='UCAP-CONTENT']",
}


@pytest.fixture
def site() -> Iterator[SimSite]:
    with SimSite() as s:
        yield s


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5.0, follow_redirects=False) as c:
        yield c


def page_text(body: bytes, cms: str, charset: str = "utf-8") -> str:
    """Title (ArticleTitle meta) and the <p> texts of the CMS container, one per line —
    the same shape as the gold text, read straight from the served HTML."""
    doc = lxml.html.document_fromstring(body.decode("gb18030" if charset != "utf-8" else charset))
    title = next(
        m.get("content", "")
        for m in doc.iter("meta")
        if (m.get("name") or "").lower() == "articletitle"
    )
    container = doc.xpath(CONTAINERS[cms])[0]
    lines = [title.strip()]
    for p in container.iter("p"):
        for br in p.iter("br"):
            br.tail = "\n" + (br.tail or "")
        text = p.text_content()
        if not text.strip().startswith("主站蜘蛛池模板"):
            lines += (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)
