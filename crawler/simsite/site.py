"""`SimSite`: the hand-written simulated site and the API tests use to change it between crawls.

Three bureaus (`ybj` TRS/医保局, `rsj` Hanweb/人社局 in GBK, `gjj` gov.cn-style/公积金中心)
serve the policies of `policies.yaml` plus a few generated older ones. Every change goes
through a method here, under one lock, so a crawl running in another thread always sees a
consistent site. `gold(policy_id)` tells what a perfect extractor returns for a policy now.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal
from urllib.parse import urlsplit

from crawler.simsite import attachments, cosmetic, textgen
from crawler.simsite.content import ContentSite, ListedItem
from crawler.simsite.generated import GeneratedSite
from crawler.simsite.policies import Attachment, Policy, load_policies
from crawler.simsite.render import relative, render_article
from crawler.simsite.server import Reply
from crawler.simsite.sites import SITES, SiteSpec
from crawler.simsite.views import ArticleView, Link

RemoveMode = Literal["404", "410", "soft404"]
_ARTICLE = re.compile(r"^第([一二三四五六七八九十百零]+)条")
_SECTION_END = re.compile(r"^(第[一二三四五六七八九十百零]+[章条]|附件)")


@dataclass(frozen=True)
class GoldAttachment:
    url: str
    name: str
    type: str
    text: str


@dataclass(frozen=True)
class Gold:
    """Expected extraction of one policy as currently served."""

    policy_id: str
    site_id: str
    url: str
    title: str
    text: str
    """Title, then the article's paragraphs, one per line; a hard line break (<br>) inside a
    paragraph starts a new line; whitespace runs inside a line are folded to one space."""
    body: str
    """`text` without its title line (compare with PolicyDocument.text)."""
    published: str
    doc_number: str | None
    issuer: str
    attachments: tuple[GoldAttachment, ...]


class SimSite(ContentSite):
    """Hand-written simulated government site; use as a context manager."""

    def __init__(
        self,
        *,
        page_size: int = 5,
        archive_per_site: int = 2,
        tracking_params: bool = True,
        seed: int = 0,
        **server: Any,
    ) -> None:
        """`server` takes SimServer's keywords: host, port, delay, robots_txt, log_requests,
        hang_timeout."""
        super().__init__(page_size=page_size, tracking_params=tracking_params, **server)
        self.seed = seed
        policies = load_policies()
        for site in SITES.values():
            policies += self._archive(site, archive_per_site, policies)
        self._policies: dict[str, Policy] = {p.id: p for p in policies}
        self._files: dict[tuple[Any, ...], bytes] = {}
        self._routes: dict[str, tuple[str, str, int]] | None = None

    def _archive(self, site: SiteSpec, count: int, existing: list[Policy]) -> list[Policy]:
        lowest = min(p.doc_id for p in existing if p.site_id == site.id)
        out: list[Policy] = []
        titles = {p.title for p in existing}
        for k in range(count):
            attempt = 0
            doc = textgen.generate(site.id, f"archive:{self.seed}:{k}", written_year=2021)
            while doc.title in titles:
                attempt += 1
                doc = textgen.generate(
                    site.id, f"archive:{self.seed}:{k}:{attempt}", written_year=2021
                )
            titles.add(doc.title)
            published = datetime(2021, 11, 20, 10, 0) - timedelta(days=41 * k)
            out.append(
                Policy(
                    id=f"{site.id}-archive{k + 1}",
                    site_id=site.id,
                    doc_id=lowest - 7919 * (k + 1),
                    title=doc.title,
                    issuer=doc.issuer,
                    published=published,
                    body=doc.body,
                    signature=[
                        *doc.signature,
                        f"{published.year}年{published.month}月{published.day}日",
                    ],
                    doc_number=doc.doc_number,
                    written=published.date() - timedelta(days=4),
                    subject=doc.subject,
                    keywords=doc.keywords,
                )
            )
        return out

    @staticmethod
    def generated(
        n_pages: int, *, edit_every: int = 10, seed: int = 0, **kwargs: Any
    ) -> GeneratedSite:
        """The benchmark site: `n_pages` seeded policy pages rendered on demand."""
        return GeneratedSite(n_pages, edit_every=edit_every, seed=seed, **kwargs)

    # -- queries ------------------------------------------------------------------------------
    def _get(self, policy_id: str) -> Policy:
        try:
            return self._policies[policy_id]
        except KeyError:
            raise KeyError(f"unknown policy {policy_id!r}") from None

    def _active(self, site_id: str) -> list[Policy]:
        chosen = [
            p
            for p in self._policies.values()
            if p.site_id == site_id and p.online and p.status == "active"
        ]
        return sorted(chosen, key=lambda p: (p.published, p.doc_id), reverse=True)

    def _path(self, p: Policy) -> str:
        return SITES[p.site_id].article_path(p.published.date(), p.url_doc_id)

    def _count(self, site_id: str) -> int:
        return len(self._active(site_id))

    def _listed_range(self, site_id: str, start: int, stop: int) -> list[ListedItem]:
        chosen = self._active(site_id)[start:stop]
        return [ListedItem(p.title, self._path(p), p.published) for p in chosen]

    def policy_ids(self, site_id: str | None = None) -> list[str]:
        """Policies currently listed (online and not removed), in listing order."""
        with self._lock:
            sites = [site_id] if site_id else list(SITES)
            return [p.id for s in sites for p in self._active(s)]

    def status(self, policy_id: str) -> str:
        """ "active", "404", "410", "soft404", or "unpublished" (a reserve text)."""
        with self._lock:
            p = self._get(policy_id)
            return p.status if p.online else "unpublished"

    def policy_url(self, policy_id: str) -> str:
        with self._lock:
            return self.url(self._path(self._get(policy_id)))

    def policy_urls(self, site_id: str) -> list[str]:
        """Canonical URLs (no tracking parameters) of the listed policies, in listing order."""
        with self._lock:
            return [self.url(self._path(p)) for p in self._active(site_id)]

    def policy_id_for(self, url: str) -> str | None:
        """The policy at `url`, also when `url` is an address it was moved away from."""
        path = urlsplit(url).path
        with self._lock:
            for p in self._policies.values():
                if p.online and (self._path(p) == path or path in p.moved_from):
                    return p.id
        return None

    def gold(self, policy_id: str) -> Gold:
        with self._lock:
            p = self._get(policy_id)
            text = p.gold_text()
            files = tuple(
                GoldAttachment(self.url(path), f"{a.name}.{a.type}", a.type, a.text())
                for a, path in zip(p.attachments, self._attachment_paths(p), strict=True)
            )
            return Gold(
                policy_id=p.id,
                site_id=p.site_id,
                url=self.url(self._path(p)),
                title=p.title,
                text=text,
                body=text.partition("\n")[2],
                published=f"{p.published:%Y-%m-%d}",
                doc_number=p.doc_number or None,
                issuer=p.issuer,
                attachments=files,
            )

    def gold_text(self, policy_id: str) -> str:
        return self.gold(policy_id).text

    # -- changes ------------------------------------------------------------------------------
    def _changed(self) -> None:
        self._routes = None

    def publish(
        self,
        site_id: str,
        *,
        title: str | None = None,
        body: str | list[str] | None = None,
        doc_number: str = "",
        published: datetime | None = None,
        policy_id: str | None = None,
    ) -> str:
        """Put a new policy at the top of the site's listing; returns its id.

        Without `title`, the site's next reserve text from policies.yaml is released, then
        generated ones. `published` defaults to now, which sorts it first.
        """
        site = SITES[site_id]
        when = published or datetime.now().replace(second=0, microsecond=0)
        with self._lock:
            reserve = [p for p in self._policies.values() if p.site_id == site_id and p.reserve]
            if title is None and reserve:
                p = reserve[0]
                p.reserve = False
                p.published = when
                p.written = when.date() - timedelta(days=3)
                p.signature = [*p.signature[:-1], _cn_date(p.written)]
            else:
                n = sum(1 for q in self._policies.values() if q.site_id == site_id) + 1
                doc = textgen.generate(site_id, f"publish:{self.seed}:{n}", written_year=when.year)
                lines = body.splitlines() if isinstance(body, str) else body
                p = Policy(
                    id=policy_id or f"{site_id}-new{n}",
                    site_id=site_id,
                    doc_id=self._next_doc_id(site_id),
                    title=title or doc.title,
                    issuer=site.issuer,
                    published=when,
                    body=[x.strip() for x in lines if x.strip()] if lines else doc.body,
                    signature=[site.issuer, _cn_date(when.date())],
                    doc_number=doc_number if title else doc.doc_number,
                    written=when.date(),
                    subject=doc.subject,
                    keywords=doc.keywords,
                )
                if p.id in self._policies:
                    raise ValueError(f"policy {p.id!r} exists")
                self._policies[p.id] = p
            self._changed()
            return p.id

    def _next_doc_id(self, site_id: str) -> int:
        return 1 + max(
            max(p.doc_id, p.url_doc_id) for p in self._policies.values() if p.site_id == site_id
        )

    def edit(self, policy_id: str, old: str, new: str) -> int:
        """Replace text in the title and paragraphs; returns the number of replacements."""
        with self._lock:
            p = self._get(policy_id)
            count = p.title.count(old) + sum(x.count(old) for x in p.paragraphs)
            if not count:
                raise ValueError(f"{old!r} not in {policy_id}")
            p.title = p.title.replace(old, new)
            p.body = [x.replace(old, new) for x in p.body]
            p.signature = [x.replace(old, new) for x in p.signature]
            self._changed()
            return count

    def _article_index(self, p: Policy, number: int) -> int:
        label = f"第{textgen.cn_number(number)}条"
        for i, text in enumerate(p.body):
            if text.startswith(label):
                return i
        raise KeyError(f"{label} not in {p.id}")

    def _article_end(self, p: Policy, start: int) -> int:
        for i in range(start + 1, len(p.body)):
            if _SECTION_END.match(p.body[i]):
                return i
        return len(p.body)

    def _renumber(self, p: Policy, above: int, delta: int) -> None:
        def shift(text: str) -> str:
            match = _ARTICLE.match(text)
            if not match:
                return text
            n = textgen.parse_cn_number(match.group(1))
            if n <= above:
                return text
            return f"第{textgen.cn_number(n + delta)}条" + text[match.end() :]

        p.body = [shift(x) for x in p.body]

    def edit_article(self, policy_id: str, number: int, text: str) -> None:
        """Replace the text of 第<number>条 (its label is kept)."""
        with self._lock:
            p = self._get(policy_id)
            i = self._article_index(p, number)
            p.body[i] = f"第{textgen.cn_number(number)}条 {text}"
            self._changed()

    def insert_article(
        self, policy_id: str, after: int, text: str, *, renumber: bool = True
    ) -> None:
        """Insert a new 第<after+1>条 after article `after`; later articles are renumbered
        (their labels only, as a drafter would; cross-references in the text are not)."""
        with self._lock:
            p = self._get(policy_id)
            end = self._article_end(p, self._article_index(p, after))
            if renumber:
                self._renumber(p, after, +1)
            p.body.insert(end, f"第{textgen.cn_number(after + 1)}条 {text}")
            self._changed()

    def delete_article(self, policy_id: str, number: int, *, renumber: bool = True) -> None:
        """Remove 第<number>条 with its items; later articles move up one number."""
        with self._lock:
            p = self._get(policy_id)
            start = self._article_index(p, number)
            del p.body[start : self._article_end(p, start)]
            if renumber:
                self._renumber(p, number, -1)
            self._changed()

    def edit_attachment(self, policy_id: str, index: int, old: str, new: str) -> None:
        with self._lock:
            if not self._get(policy_id).attachments[index].replace(old, new):
                raise ValueError(f"{old!r} not in attachment {index} of {policy_id}")
            self._changed()

    def remove(self, policy_id: str, mode: RemoveMode = "404") -> None:
        """Take a policy offline: 404, 410, or a 200 "page not found" (soft 404)."""
        if mode not in ("404", "410", "soft404"):
            raise ValueError(f"unknown removal mode {mode!r}")
        with self._lock:
            self._get(policy_id).status = mode
            self._changed()

    def restore(self, policy_id: str) -> None:
        with self._lock:
            self._get(policy_id).status = "active"
            self._changed()

    def move(self, policy_id: str) -> str:
        """Serve the policy at a new URL; old URLs answer 301 to it. Returns the new URL."""
        with self._lock:
            p = self._get(policy_id)
            p.moved_from.append(self._path(p))
            p.url_doc_id = self._next_doc_id(p.site_id)
            self._changed()
            return self.url(self._path(p))

    def inject_spam(self, policy_id: str, *, inside_article: bool = True) -> None:
        """Add an SEO link-farm block ("主站蜘蛛池模板：…"), inside the article container or
        after the footer. It churns with `churn_noise()`; the gold text never includes it."""
        with self._lock:
            self._get(policy_id).spam = "inside" if inside_article else "outside"

    def clear_spam(self, policy_id: str) -> None:
        with self._lock:
            self._get(policy_id).spam = ""

    def cosmetic_edit(self, policy_id: str, kind: cosmetic.CosmeticKind = "punct") -> None:
        """A change of form only: "punct" toggles ，（） ↔ ,(); "linebreak" breaks the longest
        paragraph with <br>; "traditional" renders title and text in Traditional characters.
        The gold text follows the change."""
        with self._lock:
            p = self._get(policy_id)
            texts = [p.title, *p.body, *p.signature]
            if kind == "punct":
                texts = cosmetic.toggle_punctuation(texts)
            elif kind == "traditional":
                texts = cosmetic.traditional(texts)
            elif kind == "linebreak":
                texts = [texts[0], *cosmetic.break_line(texts[1:])]
            else:
                raise ValueError(f"unknown cosmetic edit {kind!r}")
            nb = len(p.body)
            p.title, p.body, p.signature = texts[0], texts[1 : 1 + nb], texts[1 + nb :]
            self._changed()

    # -- serving ------------------------------------------------------------------------------
    def _attachment_paths(self, p: Policy) -> list[str]:
        site = SITES[p.site_id]
        return [
            site.attachment_path(p.published.date(), p.url_doc_id, i + 1, a.type)
            for i, a in enumerate(p.attachments)
        ]

    def _route_table(self) -> dict[str, tuple[str, str, int]]:
        if self._routes is None:
            routes: dict[str, tuple[str, str, int]] = {}
            for p in self._policies.values():
                if not p.online:
                    continue
                routes[self._path(p)] = ("policy", p.id, 0)
                for old in p.moved_from:
                    routes[old] = ("moved", p.id, 0)
                for i, path in enumerate(self._attachment_paths(p)):
                    routes[path] = ("file", p.id, i)
            self._routes = routes
        return self._routes

    def _resolve_content(self, path: str, query: str, origin: str) -> Reply | None:
        routes = self._route_table()
        route = routes.get(f"{path}?{query}") if query else None
        route = route or routes.get(path)
        if route is None:
            return None
        kind, policy_id, index = route
        p = self._policies[policy_id]
        site = SITES[p.site_id]
        if kind == "moved":
            return Reply(301, headers=(("Location", origin + self._path(p)),))
        if p.status == "410":
            return self._gone()
        if p.status == "404":
            return self._not_found(site, origin, path)
        if p.status == "soft404":
            return self._soft_404(site, origin, path)
        if kind == "file":
            return self._file(p, p.attachments[index])
        return self._html(site, render_article(self._view(p, origin)), born=p.published.timestamp())

    def _file(self, p: Policy, a: Attachment) -> Reply:
        key = (a.type, tuple(a.lines), tuple(map(tuple, a.rows)))
        if key not in self._files:
            self._files[key] = attachments.build(a)
        filename = f"{a.name}.{a.type}".encode().decode("latin-1", errors="ignore")
        return Reply(
            200,
            self._files[key],
            attachments.CONTENT_TYPES[a.type],
            headers=(("Content-Disposition", f'attachment; filename="{filename}"'),),
            born=p.published.timestamp(),
        )

    def _view(self, p: Policy, origin: str) -> ArticleView:
        site = SITES[p.site_id]
        path = self._path(p)
        listed = self._active(p.site_id)
        link = lambda q: Link(q.title, self._path(q))  # noqa: E731
        position = listed.index(p)
        others = [q for q in listed if q is not p]
        related = [link(others[(position + k) % len(others)]) for k in (1, 2)] if others else []
        related.append(Link(*site.external[0]))
        files = [
            Link(f"{a.name}.{a.type}", fp if site.cms == "hanweb" else relative(path, fp))
            for a, fp in zip(p.attachments, self._attachment_paths(p), strict=True)
        ]
        return ArticleView(
            site=site,
            origin=origin,
            path=path,
            title=p.title,
            paragraphs=tuple(p.paragraphs),
            signature_from=len(p.body),
            published=p.published,
            issuer=p.issuer,
            noise=self._noise(site, p.id, p.spam),
            written=p.written,
            doc_number=p.doc_number,
            index_no=f"{site.org_code or site.id_code}/{p.published.year}-{p.doc_id % 100000:05d}",
            subject=p.subject,
            keywords=tuple(p.keywords),
            attachments=tuple(files),
            prev=link(listed[position - 1]) if position > 0 else None,
            next=link(listed[position + 1]) if position + 1 < len(listed) else None,
            related=tuple(related),
        )


def _cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
