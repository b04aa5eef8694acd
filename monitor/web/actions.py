"""What is not reading: logging in and out, starting a crawl, and watching it run."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from starlette.responses import Response

from monitor.context import AppContext
from monitor.web.auth import SESSION_COOKIE, Auth, require_same_origin
from monitor.web.jobs import Busy, Job, Jobs
from monitor.web.params import RowId
from monitor.web.render import base_path, render
from storage.models import Page

router = APIRouter(include_in_schema=False)


@router.post("/actions/recrawl")
async def recrawl(
    request: Request,
    kind: Annotated[str, Form()],
    target: Annotated[str, Form()],
    csrf: Annotated[str | None, Form()] = None,
) -> Response:
    """Start `regwatch recrawl URL` (a page) or `regwatch crawl SOURCE` in a child process."""
    auth: Auth = request.app.state.auth
    auth.require_action(request, csrf)
    job = await start_job(request, kind, target)
    return RedirectResponse(f"{base_path(request)}/jobs/{job.id}", 303)


async def start_job(request: Request, kind: str, target: str) -> Job:
    """Check the target against the database, then start the crawl; shared with the API."""
    ctx: AppContext = request.app.state.ctx
    with ctx.db.read() as session:
        if "\x00" in target:
            known = False  # nothing stored holds a NUL, and PostgreSQL would reject the query
        elif kind == "page":
            known = session.scalar(select(Page.id).where(Page.url == target)) is not None
        elif kind == "source":
            known = target in {s.id for s in ctx.config.sources}
        else:
            raise HTTPException(400, "kind is page or source")
    if not known:
        raise HTTPException(404, f"unknown {kind}: {target}")
    jobs: Jobs = request.app.state.jobs
    try:
        return await jobs.start(kind, target)
    except Busy as exc:
        raise HTTPException(429, str(exc)) from exc


@router.get("/jobs/{job_id}")
def job_page(request: Request, job_id: RowId) -> Response:
    jobs: Jobs = request.app.state.jobs
    job = jobs.get(job_id)
    if job is None:
        raise HTTPException(404, f"no job {job_id}")
    page_id = None
    if job.kind == "page":
        ctx: AppContext = request.app.state.ctx
        with ctx.db.read() as session:
            page_id = session.scalar(select(Page.id).where(Page.url == job.target))
    return render(request, "job.html", job=job, page_id=page_id)


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    return render(request, "login.html", next=_safe_next(next), failed=False)


@router.post("/login")
def login(
    request: Request,
    token: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    auth: Auth = request.app.state.auth
    require_same_origin(request)
    if not auth.check_token(token):
        return render(request, "login.html", status_code=401, next=_safe_next(next), failed=True)
    response = RedirectResponse(base_path(request) + _safe_next(next), 303)
    response.set_cookie(
        SESSION_COOKIE,
        auth.session_value(),
        max_age=30 * 86400,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path=base_path(request) or "/",
    )
    return response


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str | None, Form()] = None) -> Response:
    auth: Auth = request.app.state.auth
    auth.require_action(request, csrf)
    response = RedirectResponse(base_path(request) + "/", 303)
    response.delete_cookie(SESSION_COOKIE, path=base_path(request) or "/")
    return response


def _safe_next(target: str) -> str:
    """Only a path on this site: a login link must not bounce anyone elsewhere."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
