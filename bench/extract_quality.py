"""Score regwatch's extractor against trafilatura, side by side.

Inputs: the labelled corpus in ``tests/extract/corpus/`` (``NAME.html`` + ``NAME.gold.txt`` +
``NAME.gold.json``) and, when present, the real pages of ``../shared/corpus/`` that have a
``.gt.txt`` (with ``.meta.json`` for title / issuer / 文号 where known).

Body: precision / recall / F1 over character bigrams, whitespace removed. Leakage: occurrences of
boilerplate markers (counters, footers, widgets, navigation, spam) in the output beyond those in
the gold text. Metadata: exact-match accuracy of title, published date, 文号 and issuer, over the
fields the gold states (a gold ``null`` means "must not be invented").

    python bench/extract_quality.py [--shared DIR] [--check]

``--check`` exits non-zero when a target of issue 3 is missed (regwatch: body F1 ≥ 0.99 on the
corpus, ≥ trafilatura on every shared page, leakage 0, metadata ≥ 0.98).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import trafilatura

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler.extract import extract  # noqa: E402

CORPUS = ROOT / "tests" / "extract" / "corpus"
SHARED = ROOT.parent / "shared" / "corpus"
# Text that only page furniture prints. Counted in the output beyond the gold's own count.
LEAK_MARKERS = re.compile(
    r"浏览次数|瀏覽次數|访问量|訪問量|阅读次数|点击数|网站标识码|網站標識碼|ICP备|ICP備|公网安备|"
    r"公網安備|主办单位|主辦單位|版权所有|版權所有|上一篇|下一篇|分享到|字号|字號|打印本页|【打印】|"
    r"\[打印\]|关闭窗口|關閉窗口|【关闭】|\[关闭\]|当前位置|當前位置|您的位置|我的位置|相关链接|"
    r"相關鏈接|延伸阅读|延伸閱讀|蜘蛛池|无码|一区二区|国产精品|扫一扫|网站地图|联系我们"
)
META_FIELDS = ("title", "published", "doc_number", "issuer")


@dataclass
class Score:
    precision: float
    recall: float
    f1: float


@dataclass
class Row:
    name: str
    ours: Score
    theirs: Score
    leak_ours: int
    leak_theirs: int
    meta_ours: dict[str, bool] = field(default_factory=dict)
    meta_theirs: dict[str, bool | None] = field(default_factory=dict)
    method: str = ""


def bigrams(text: str) -> Counter[str]:
    squashed = re.sub(r"\s+", "", text)
    return Counter(squashed[i : i + 2] for i in range(len(squashed) - 1))


def score(predicted: str, gold: str) -> Score:
    p, g = bigrams(predicted), bigrams(gold)
    overlap = sum((p & g).values())
    precision = overlap / sum(p.values()) if p else (1.0 if not g else 0.0)
    recall = overlap / sum(g.values()) if g else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision, recall, f1)


def leakage(predicted: str, gold: str) -> int:
    return max(0, len(LEAK_MARKERS.findall(predicted)) - len(LEAK_MARKERS.findall(gold)))


def squash(value: str | None) -> str | None:
    return re.sub(r"\s+", "", value) if value is not None else None


def trafilatura_meta(html: bytes, url: str) -> dict[str, str | None]:
    meta = trafilatura.extract_metadata(html, default_url=url)
    if meta is None:
        return {"title": None, "published": None}
    return {"title": meta.title, "published": meta.date}


def evaluate(name: str, html: bytes, url: str, gold_text: str, gold_meta: dict) -> Row:
    doc = extract(html, url, content_type=gold_meta.get("content_type"))
    theirs_text = trafilatura.extract(html, url=url) or ""
    ours_meta = doc.to_json()
    t_meta = trafilatura_meta(html, url)
    row = Row(
        name=name,
        ours=score(doc.text, gold_text),
        theirs=score(theirs_text, gold_text),
        leak_ours=leakage(doc.text, gold_text),
        leak_theirs=leakage(theirs_text, gold_text),
        method=doc.method,
    )
    for key in META_FIELDS:
        if key not in gold_meta:
            continue
        expected = squash(gold_meta[key])
        row.meta_ours[key] = squash(ours_meta[key]) == expected
        row.meta_theirs[key] = (squash(t_meta[key]) == expected) if key in t_meta else None
    return row


def corpus_pages() -> list[tuple[str, bytes, str, str, dict]]:
    pages = []
    for html_path in sorted(CORPUS.glob("*.html")):
        stem = html_path.name.removesuffix(".html")
        gold = json.loads((CORPUS / f"{stem}.gold.json").read_text(encoding="utf-8"))
        text = (CORPUS / f"{stem}.gold.txt").read_text(encoding="utf-8")
        meta = {k: gold[k] for k in (*META_FIELDS, "content_type") if k in gold}
        pages.append((stem, html_path.read_bytes(), gold["url"], text, meta))
    return pages


def shared_pages(directory: Path) -> list[tuple[str, bytes, str, str, dict]]:
    pages = []
    for gt in sorted(directory.glob("*.gt.txt")):
        stem = gt.name.removesuffix(".gt.txt")
        html_path = directory / f"{stem}.html"
        if not html_path.exists():
            continue
        info_path = directory / f"{stem}.meta.json"
        info = json.loads(info_path.read_text(encoding="utf-8")) if info_path.exists() else {}
        url = info.get("url") or info.get("crawl_url") or f"http://example.invalid/{stem}.html"
        meta: dict = {}
        # Only fields the source states reliably (its dates are noted as synthetic).
        for ours, theirs in (("title", "title"), ("issuer", "release_office"),
                             ("doc_number", "release_number")):  # fmt: skip
            if info.get(theirs):
                meta[ours] = info[theirs]
        pages.append((stem, html_path.read_bytes(), url, gt.read_text(encoding="utf-8"), meta))
    return pages


def _fmt(s: Score) -> str:
    return f"{s.precision:.3f} {s.recall:.3f} {s.f1:.3f}"


def report(title: str, rows: list[Row]) -> dict[str, float]:
    print(f"\n## {title} ({len(rows)} pages)\n")
    print(f"{'page':44} {'method':11} {'regwatch P R F1':17} {'trafilatura P R F1':19} leak r/t")
    for r in rows:
        print(
            f"{r.name[:44]:44} {r.method:11} {_fmt(r.ours):17} {_fmt(r.theirs):19} "
            f"{r.leak_ours}/{r.leak_theirs}"
        )
    n = len(rows) or 1
    summary = {
        "f1_ours": sum(r.ours.f1 for r in rows) / n,
        "f1_theirs": sum(r.theirs.f1 for r in rows) / n,
        "min_f1_ours": min((r.ours.f1 for r in rows), default=0.0),
        "leak_ours": sum(r.leak_ours for r in rows),
        "leak_theirs": sum(r.leak_theirs for r in rows),
        "pages_leaking_theirs": sum(1 for r in rows if r.leak_theirs),
        "worse_than_trafilatura": sum(1 for r in rows if r.ours.f1 + 1e-9 < r.theirs.f1),
    }
    print(
        f"\nmean body F1: regwatch {summary['f1_ours']:.4f} · trafilatura "
        f"{summary['f1_theirs']:.4f} · regwatch min {summary['min_f1_ours']:.4f}"
    )
    print(
        f"leakage (marker hits beyond gold): regwatch {summary['leak_ours']} · trafilatura "
        f"{summary['leak_theirs']} on {summary['pages_leaking_theirs']} pages"
    )
    print(f"pages where regwatch F1 < trafilatura F1: {summary['worse_than_trafilatura']}")
    for key in META_FIELDS:
        ours = [r.meta_ours[key] for r in rows if key in r.meta_ours]
        theirs = [r.meta_theirs[key] for r in rows if r.meta_theirs.get(key) is not None]
        if not ours:
            continue
        acc = sum(ours) / len(ours)
        summary[f"meta_{key}"] = acc
        t_acc = f"{sum(theirs) / len(theirs):.3f}" if theirs else "  n/a"  # type: ignore[arg-type]
        print(
            f"{key:11} accuracy: regwatch {acc:.3f} ({sum(ours)}/{len(ours)}) · trafilatura {t_acc}"
        )
        for r in rows:
            if key in r.meta_ours and not r.meta_ours[key]:
                print(f"    miss: {r.name}")
    all_meta = [v for r in rows for v in r.meta_ours.values()]
    if all_meta:
        summary["meta_all"] = sum(all_meta) / len(all_meta)
        print(f"metadata overall: regwatch {summary['meta_all']:.3f}")
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    failures: list[str] = []

    rows = [evaluate(*page) for page in corpus_pages()]
    own = report("regwatch corpus (tests/extract/corpus)", rows)
    if own["min_f1_ours"] < 0.99:
        failures.append("body F1 < 0.99 on a corpus page")
    if own["leak_ours"]:
        failures.append("leakage on the corpus")
    if own.get("meta_all", 1.0) < 0.98:
        failures.append("metadata accuracy < 0.98 on the corpus")

    if args.shared.is_dir():
        shared = [evaluate(*page) for page in shared_pages(args.shared)]
        result = report(f"shared real pages ({args.shared})", shared)
        if result["worse_than_trafilatura"]:
            failures.append("a shared page scores below trafilatura")
        if result["leak_ours"]:
            failures.append("leakage on shared pages")
    else:
        print(f"\n(shared corpus not found at {args.shared}: skipped)")

    if failures:
        print("\nTARGETS MISSED: " + "; ".join(failures))
    return 1 if (args.check and failures) else 0


if __name__ == "__main__":
    raise SystemExit(main())
