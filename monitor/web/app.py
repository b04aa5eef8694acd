"""The ASGI app: server-rendered pages, Atom feeds and a JSON API over the same database.

Read-mostly: the only thing it changes is starting a crawl, as a child process (see jobs).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from monitor.context import AppContext
from monitor.web import actions, api, feeds, pages
from monitor.web.auth import CHALLENGE, Auth
from monitor.web.i18n import LANG_COOKIE, LANGUAGES
from monitor.web.jobs import Jobs
from monitor.web.render import base_path, render

HERE = Path(__file__).parent
OPEN_PATHS = frozenset({"/login"})

# No script runs on these pages at all; styles come from our sheet and the diff's inline
# styles (shared with the HTML email). Policy text is escaped anyway: this is the second lock.
CSP = (
    "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def create_app(ctx: AppContext, *, private: bool = False, log_level: str = "WARNING") -> FastAPI:
    """`private`: the server listens beyond loopback, so reading needs the token as well."""
    auth = Auth(token=ctx.config.web.token, private=private)
    jobs = Jobs(ctx.loaded.path, ctx.config.database, ctx.loaded.secrets, log_level)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await jobs.close()

    app = FastAPI(
        title="regwatch",
        version="1",
        summary="What changed on the watched government regulation pages.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.ctx = ctx
    app.state.auth = auth
    app.state.jobs = jobs
    app.include_router(pages.router)
    app.include_router(actions.router)
    app.include_router(feeds.router)
    app.include_router(api.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.add_exception_handler(StarletteHTTPException, _error_page)  # type: ignore[arg-type]
    app.middleware("http")(_headers)
    return app


def _gate(request: Request) -> Response | None:
    """When served beyond loopback, everything but the login form and the stylesheet needs
    the token: pages, feeds, the API and its description."""
    auth: Auth = request.app.state.auth
    path = request.url.path.removeprefix(base_path(request))
    if not auth.private or path in OPEN_PATHS or path.startswith("/static/"):
        return None
    if auth.authenticated(request):
        return None
    if _wants_html(request):
        target = quote(path + (f"?{request.url.query}" if request.url.query else ""))
        return RedirectResponse(f"{base_path(request)}/login?next={target}", 303)
    return JSONResponse({"detail": "authentication required"}, 401, headers=CHALLENGE)


def _wants_html(request: Request) -> bool:
    path = request.url.path.removeprefix(base_path(request))
    return not path.startswith("/api/") and not path.endswith(".atom") and path != "/openapi.json"


async def _error_page(request: Request, exc: StarletteHTTPException) -> Response:
    if not _wants_html(request) or exc.status_code < 400:
        return await http_exception_handler(request, exc)
    response = render(
        request,
        "error.html",
        status_code=exc.status_code,
        code=exc.status_code,
        message=str(exc.detail or ""),
    )
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


async def _headers(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    response = _gate(request) or await call_next(request)
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    chosen = request.query_params.get("lang")
    if chosen in LANGUAGES and request.cookies.get(LANG_COOKIE) != chosen:
        response.set_cookie(LANG_COOKIE, chosen, max_age=365 * 86400, samesite="lax")
    return response
