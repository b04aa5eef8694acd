"""The labelled corpus: every page's body and metadata against its gold (see corpus_src/build.py
for how the pages and their gold were written)."""

from __future__ import annotations

import json
import re
from collections import Counter
from itertools import combinations
from pathlib import Path

import pytest

from crawler.extract import PolicyDocument, extract

CORPUS = Path(__file__).parent / "corpus"
NAMES = sorted(p.name.removesuffix(".html") for p in CORPUS.glob("*.html"))
FIELDS = ("title", "published", "written", "effective", "issuer", "doc_number", "index_number",
          "cited", "site_name", "column", "attachments", "spam_detected", "method", "encoding")  # fmt: skip
_cache: dict[str, PolicyDocument] = {}


def gold(name: str) -> dict:
    return json.loads((CORPUS / f"{name}.gold.json").read_text(encoding="utf-8"))


def extracted(name: str) -> PolicyDocument:
    if name not in _cache:
        info = gold(name)
        body = (CORPUS / f"{name}.html").read_bytes()
        _cache[name] = extract(body, info["url"], content_type=info.get("content_type"))
    return _cache[name]


def bigram_f1(predicted: str, expected: str) -> float:
    def grams(text: str) -> Counter[str]:
        s = re.sub(r"\s+", "", text)
        return Counter(s[i : i + 2] for i in range(len(s) - 1))

    p, g = grams(predicted), grams(expected)
    overlap = sum((p & g).values())
    return 2 * overlap / (sum(p.values()) + sum(g.values()))


def test_corpus_shape() -> None:
    """Acceptance 1: ≥ 25 pages, ≥ 8 templates, the required kinds of page."""
    infos = {n: gold(n) for n in NAMES}
    assert len(NAMES) >= 25
    assert len({i["template"] for i in infos.values()}) >= 8
    texts = {n: (CORPUS / f"{n}.gold.txt").read_text(encoding="utf-8") for n in NAMES}
    assert any(len(t) >= 30_000 for t in texts.values())
    assert sum(len(t) < 200 for t in texts.values()) >= 2
    assert any(i["encoding"] == "gb18030" for i in infos.values())
    assert any(i["encoding"] == "big5hkscs" for i in infos.values())
    assert any(i["attachments"] for i in infos.values())
    assert sum(i["spam_detected"] for i in infos.values()) >= 3
    assert any(i["method"] == "trafilatura" for i in infos.values())


@pytest.mark.parametrize("name", NAMES)
def test_body(name: str) -> None:
    expected = (CORPUS / f"{name}.gold.txt").read_text(encoding="utf-8").rstrip("\n")
    doc = extracted(name)
    assert bigram_f1(doc.text, expected) >= 0.99
    assert doc.text.splitlines() == expected.splitlines()


@pytest.mark.parametrize("name", NAMES)
def test_metadata(name: str) -> None:
    info = gold(name)
    got = extracted(name).to_json()
    assert {f: got[f] for f in FIELDS} == {f: info[f] for f in FIELDS}


def test_redesign_keeps_text() -> None:
    """Acceptance 4: one policy in two templates (a site's redesign) → identical clean text."""
    by_policy: dict[str, list[str]] = {}
    for name in NAMES:
        by_policy.setdefault(name.split(".")[0], []).append(name)
    pairs = [pair for names in by_policy.values() for pair in combinations(names, 2)]
    assert ("cq-mzgj.redesign", "cq-mzgj.trs") in pairs
    for a, b in pairs:
        assert extracted(a).text == extracted(b).text, (a, b)
        assert extracted(a).method != extracted(b).method or a.startswith("sy-")
