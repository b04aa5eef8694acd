"""Extraction speed on 50 KB pages, one core.

Each page of the labelled corpus (tests/extract/corpus) is padded to 50 KB with the chrome real
government pages carry (menus of links, footer link lists, inline scripts and styles) and
extracted repeatedly in this process, pinned to one CPU. Pages of known CMS templates take the
fast path (lxml only); pages of no known template fall back to trafilatura + readability, which
is reported apart. The ~10 KB pages of the simulated site the crawl benchmark serves
(``crawler.simsite.GeneratedSite``, TRS / Hanweb / gov.cn templates) are measured too.

    python bench/extract_speed.py [--seconds 5] [--generated 300] [--check]

``--check`` exits non-zero when known templates run below 60 pages/s (issue 3, acceptance 3).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler.extract import extract  # noqa: E402

CORPUS = ROOT / "tests" / "extract" / "corpus"
SHARED = ROOT.parent / "shared" / "corpus"
TARGET_BYTES = 50 * 1024
TARGET_RATE = 60.0
_UNITS = (
    "办公室",
    "政策法规处",
    "医药服务管理处",
    "待遇保障处",
    "基金监管处",
    "规划财务处",
    "信息中心",
)


def _filler(n: int) -> str:
    links = "".join(
        f'<li><a href="/col/col{n}_{i}/index.html">{_UNITS[i % len(_UNITS)]}{i}</a></li>'
        for i in range(40)
    )
    script = "var _cfg = {" + ",".join(f'"k{i}": "{i * 7919}"' for i in range(60)) + "};"
    style = "".join(f".m{n}-{i}{{margin:{i}px;padding:{i % 5}px}}" for i in range(30))
    return (
        f'<div class="links"><ul>{links}</ul></div><script>{script}</script><style>{style}</style>'
    )


def padded(html: bytes, encoding: str) -> bytes:
    """The page with chrome inserted before </body> until it weighs 50 KB."""
    codec = {"gb18030": "gbk", "big5hkscs": "big5"}.get(encoding, encoding)
    text = html.decode(codec)
    cut = text.lower().rfind("</body>")
    head, tail = (text[:cut], text[cut:]) if cut >= 0 else (text, "")
    n = 0
    while len((head + tail).encode(codec, "xmlcharrefreplace")) < TARGET_BYTES:
        head += _filler(n)
        n += 1
    return (head + tail).encode(codec, "xmlcharrefreplace")


def load() -> list[tuple[str, bytes, dict]]:
    pages = []
    for path in sorted(CORPUS.glob("*.html")):
        stem = path.name.removesuffix(".html")
        gold = json.loads((CORPUS / f"{stem}.gold.json").read_text(encoding="utf-8"))
        body = path.read_bytes()
        if len(body) < TARGET_BYTES:
            body = padded(body, gold["encoding"])
        pages.append((stem, body, gold))
    return pages


def generated(n: int) -> list[tuple[str, bytes, dict]]:
    """The first n pages of the simulated site, fetched once over 127.0.0.1."""
    from crawler.simsite import GeneratedSite

    pages = []
    with GeneratedSite(n_pages=n) as site:
        for i in range(n):
            url = site.page_url(i)
            with urllib.request.urlopen(url, timeout=10) as reply:
                info = {"url": url, "content_type": reply.headers.get("Content-Type")}
                pages.append((url, reply.read(), info))
    return pages


def rate(pages: list[tuple[str, bytes, dict]], seconds: float) -> tuple[float, int]:
    done = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds or done < len(pages):
        for _, body, gold in pages:
            extract(body, gold["url"], content_type=gold.get("content_type"))
            done += 1
    return done / (time.perf_counter() - start), done


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="time per measurement")
    parser.add_argument("--generated", type=int, default=300, help="simulated-site pages")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    pages = load()
    simulated = generated(args.generated) if args.generated else []
    known = [p for p in pages if p[2]["method"] != "trafilatura" and len(p[1]) < 2 * TARGET_BYTES]
    fallback = [p for p in pages if p[2]["method"] == "trafilatura"]
    for _, body, gold in pages:  # warm-up: imports, caches
        extract(body, gold["url"], content_type=gold.get("content_type"))

    sizes = [len(b) / 1024 for _, b, _ in known]
    print(
        f"pages: {len(known)} known-template pages, {statistics.mean(sizes):.1f} KB on average "
        f"(min {min(sizes):.1f}, max {max(sizes):.1f}); one core, {args.seconds:.0f} s per run"
    )
    runs = (
        ("known templates (TRS, Hanweb, UCAP, gov.cn, VSB …)", known),
        ("no known template (trafilatura + readability)", fallback),
        (f"whole corpus mix ({len(known)}:{len(fallback)})", known + fallback),
    )
    if simulated:
        kb = statistics.mean(len(b) / 1024 for _, b, _ in simulated)
        runs += ((f"simulated site pages ({len(simulated)}, {kb:.0f} KB avg)", simulated),)
    real = [
        (p.name, p.read_bytes(), {"url": "http://example.invalid/", "method": ""})
        for p in sorted(SHARED.glob("*.html"))
    ]
    if real:
        kb = statistics.mean(len(b) / 1024 for _, b, _ in real)
        runs += ((f"real pages of ../shared/corpus ({len(real)}, {kb:.0f} KB avg)", real),)
    rates = {}
    for label, group in runs:
        rates[label], n = rate(group, args.seconds)
        print(f"{label:52} {rates[label]:7.1f} pages/s ({n} extractions)")
    known_rate = rates[runs[0][0]]
    per_page = []
    for stem, body, gold in known:
        start = time.perf_counter()
        for _ in range(20):
            extract(body, gold["url"], content_type=gold.get("content_type"))
        per_page.append(((time.perf_counter() - start) / 20 * 1000, stem))
    slowest = max(per_page)
    print(f"slowest known-template page: {slowest[1]} {slowest[0]:.1f} ms")
    ok = known_rate >= TARGET_RATE
    print(f"target ≥ {TARGET_RATE:.0f} pages/s on known templates: {'met' if ok else 'MISSED'}")
    return 1 if (args.check and not ok) else 0


if __name__ == "__main__":
    raise SystemExit(main())
