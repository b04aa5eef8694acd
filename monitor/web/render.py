"""Jinja2 rendering with what every page needs: labels, time zone, links, login state.

Autoescaping is on for every template: titles and texts come from the watched sites and are
untrusted. The only markup let through unescaped is the diff table, which change detection
builds from escaped text.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import Response

from monitor.context import AppContext
from monitor.web.auth import CSRF_FIELD, Auth
from monitor.web.i18n import event_label, negotiate, page_status, translator

_environment = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def href(url: str | None) -> str:
    """Links to watched pages come from crawled sites: only http(s) ones become links."""
    if url and urlsplit(url).scheme in {"http", "https"}:
        return url
    return "#"


_environment.filters["href"] = href
templates = Jinja2Templates(env=_environment)


def base_path(request: Request) -> str:
    return str(request.scope.get("root_path", "")).rstrip("/")


def render(request: Request, name: str, *, status_code: int = 200, **context: Any) -> Response:
    ctx: AppContext = request.app.state.ctx
    auth: Auth = request.app.state.auth
    lang = negotiate(request)
    zone = ZoneInfo(ctx.config.notifications.timezone)

    def when(value: datetime | None, with_time: bool = True) -> str:
        if value is None:
            return "—"
        local = value.astimezone(zone)
        return local.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")

    def link(path: str, **params: Any) -> str:
        """A path under the app's base path, with the non-empty query parameters."""
        query = urlencode(
            [(k, v) for k, vs in params.items() for v in _values(vs) if v not in (None, "")]
        )
        return base_path(request) + path + (f"?{query}" if query else "")

    def switch_language() -> str:
        params = dict(request.query_params)
        params["lang"] = "en" if lang == "zh" else "zh"
        return request.url.path + "?" + urlencode(params)

    return templates.TemplateResponse(
        request,
        name,
        {
            "lang": lang,
            "t": translator(lang),
            "event_label": lambda event_type: event_label(event_type, lang),
            "page_status": lambda status: page_status(status, lang),
            "when": when,
            "link": link,
            "switch_language": switch_language,
            "logged_in": auth.has_session(request),
            "actions_enabled": auth.enabled,
            "csrf_field": CSRF_FIELD,
            "csrf": auth.csrf_token(request),
            "timezone": ctx.config.notifications.timezone,
            **context,
        },
        status_code=status_code,
    )


def _values(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]
