"""Draw views into page bytes with the per-CMS Jinja templates in `templates/`."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Any

import jinja2

from crawler.simsite.noise import reindent
from crawler.simsite.sites import SiteSpec
from crawler.simsite.views import ArticleView, ListingView, MessageView

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("crawler.simsite", "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
    undefined=jinja2.StrictUndefined,
)

_CHAPTER = re.compile(r"^第[一二三四五六七八九十百零]+章")
_HEADING = re.compile(r"^[一二三四五六七八九十]+、")
_SENTENCE_PUNCT = re.compile(r"[。，；：,;:]")


@dataclass(frozen=True)
class Block:
    """One paragraph as drawn: a role for styling, lines (hard breaks), spans per line."""

    role: str
    lines: tuple[tuple[str, ...], ...]


def _spans(text: str, split: bool) -> tuple[str, ...]:
    """Editors often leave a paragraph in several <span>s; split after the first comma."""
    cut = text.find("，") + 1
    return (text[:cut], text[cut:]) if split and 0 < cut < len(text) else (text,)


def blocks(paragraphs: tuple[str, ...], signature_from: int) -> list[Block]:
    out = []
    for index, text in enumerate(paragraphs):
        if index >= signature_from:
            role = "sign"
        elif _CHAPTER.match(text):
            role = "chapter"
        elif _HEADING.match(text) and len(text) < 25:
            role = "heading"
        elif not _SENTENCE_PUNCT.search(text) and len(text) < 45:
            role = "center"
        else:
            role = "text"
        lines = tuple(_spans(line, index % 3 == 1) for line in text.split("\n"))
        out.append(Block(role, lines))
    return out


def relative(from_path: str, to_path: str) -> str:
    """'./x/y.html' style link from the page at `from_path` (as TRS and gov.cn write them)."""
    path, sep, query = to_path.partition("?")
    rel = posixpath.relpath(path, posixpath.dirname(from_path))
    rel = rel if rel.startswith("../") else "./" + rel
    return rel + sep + query


def _description(paragraphs: tuple[str, ...]) -> str:
    for text in paragraphs:
        if len(text) > 20 and not text.endswith("："):
            return text.replace("\n", "")[:80]
    return ""


def _encode(site: SiteSpec, html: str, indent: int) -> bytes:
    return reindent(html, indent).encode(site.charset, errors="xmlcharrefreplace")


def _render(template: str, site: SiteSpec, indent: int, **context: Any) -> bytes:
    html = _ENV.get_template(f"{site.cms}_{template}.html.j2").render(site=site, **context)
    return _encode(site, html, indent)


def render_article(view: ArticleView) -> bytes:
    return _render(
        "article",
        view.site,
        view.noise.indent,
        a=view,
        noise=view.noise,
        column=view.column or view.site.column,
        blocks=blocks(view.paragraphs, view.signature_from),
        description=_description(view.paragraphs),
        filename=posixpath.basename(view.path),
    )


def render_listing(view: ListingView) -> bytes:
    return _render(
        "listing", view.site, view.noise.indent, v=view, noise=view.noise, column=view.site.column
    )


def render_datastore(view: ListingView) -> bytes:
    """Hanweb jpage `dataproxy.jsp` answer: a bare XML data store of one record group."""
    xml = _ENV.get_template("hanweb_datastore.xml.j2").render(v=view)
    return _encode(view.site, xml, view.noise.indent)


def render_message(view: MessageView) -> bytes:
    return _render(
        "message", view.site, view.noise.indent, v=view, noise=view.noise, column=view.title
    )
