"""What a template needs to draw one page; built by the content sites, drawn by `render`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from crawler.simsite.sites import SiteSpec


@dataclass(frozen=True)
class Link:
    title: str
    href: str
    date: str = ""


@dataclass(frozen=True)
class Noise:
    """Everything on a page that changes without its text changing."""

    counter: int
    token: str
    hot: tuple[Link, ...]
    indent: int
    spam_html: str = ""
    spam_inside: bool = False


@dataclass(frozen=True)
class ArticleView:
    site: SiteSpec
    origin: str
    path: str
    title: str
    paragraphs: tuple[str, ...]
    signature_from: int
    published: datetime
    issuer: str
    noise: Noise
    written: date | None = None
    doc_number: str = ""
    index_no: str = ""
    subject: str = ""
    keywords: tuple[str, ...] = ()
    attachments: tuple[Link, ...] = ()
    prev: Link | None = None
    next: Link | None = None
    related: tuple[Link, ...] = ()
    column: str = ""


@dataclass(frozen=True)
class ListingView:
    site: SiteSpec
    origin: str
    path: str
    items: tuple[Link, ...]
    page: int
    pages: int
    page_size: int
    total: int
    noise: Noise
    page_paths: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class MessageView:
    """Chrome around a short message: soft-404 pages, error pages, column placeholders."""

    site: SiteSpec
    origin: str
    path: str
    title: str
    message: str
    noise: Noise
    links: tuple[Link, ...] = ()
