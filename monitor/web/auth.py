"""Who may do what: the config's `web.token` is the only credential, and it has no default.

A browser logs in once with the token and then carries a cookie derived from it (HMAC), so the
token itself never sits in a cookie and changing it in the config logs everyone out. Scripts
send it as `Authorization: Bearer …`; feed readers, which only know user and password, as the
password of HTTP Basic. Forms posted with the cookie also carry a CSRF field derived from the
token and the cookie, which a page on another site cannot read or compute.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from fastapi import HTTPException
from starlette.requests import Request

SESSION_COOKIE = "regwatch_session"
CSRF_FIELD = "csrf"
MIN_TOKEN_CHARS = 16
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="regwatch"'}


class WebConfigError(ValueError):
    """The web settings cannot be served safely as asked."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Auth:
    """`private`: reading needs the token too (the server listens beyond this machine)."""

    token: str | None
    private: bool

    def __post_init__(self) -> None:
        if self.token is not None and len(self.token) < MIN_TOKEN_CHARS:
            raise WebConfigError(f"web.token must have at least {MIN_TOKEN_CHARS} characters")
        if self.private and not self.token:
            raise WebConfigError(
                "serving beyond 127.0.0.1 needs web.token in the config: "
                "the whole UI then asks for it"
            )

    @property
    def enabled(self) -> bool:
        return self.token is not None

    def _mac(self, message: str) -> str:
        assert self.token is not None
        return hmac.new(self.token.encode(), message.encode(), hashlib.sha256).hexdigest()

    def session_value(self) -> str:
        return self._mac("regwatch-session")

    def csrf_token(self, request: Request) -> str:
        """Empty when the request has no session: forms are then not offered."""
        session = request.cookies.get(SESSION_COOKIE, "")
        if not self.enabled or not session:
            return ""
        return self._mac("regwatch-csrf:" + session)

    def check_token(self, candidate: str) -> bool:
        return self.token is not None and hmac.compare_digest(
            candidate.encode(), self.token.encode()
        )

    def has_session(self, request: Request) -> bool:
        cookie = request.cookies.get(SESSION_COOKIE)
        return (
            self.enabled
            and cookie is not None
            and hmac.compare_digest(cookie.encode(), self.session_value().encode())
        )

    def has_credential_header(self, request: Request) -> bool:
        """A bearer token, or the token as HTTP Basic password (any user name)."""
        header = request.headers.get("authorization", "")
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "bearer":
            return self.check_token(value.strip())
        if scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(value.strip(), validate=True).decode()
            except (binascii.Error, UnicodeDecodeError):
                return False
            return self.check_token(decoded.partition(":")[2])
        return False

    def authenticated(self, request: Request) -> bool:
        return self.has_session(request) or self.has_credential_header(request)

    def require_action(self, request: Request, csrf: str | None) -> None:
        """Raise unless the request may change state: a credential header, or the session
        cookie together with a matching CSRF field from a same-origin page."""
        if not self.enabled:
            raise HTTPException(403, "actions are disabled: web.token is not configured")
        if self.has_credential_header(request):
            return
        if not self.has_session(request):
            raise HTTPException(401, "authentication required", CHALLENGE)
        expected = self.csrf_token(request)
        if not csrf or not hmac.compare_digest(csrf.encode(), expected.encode()):
            raise HTTPException(403, "missing or wrong CSRF token")
        require_same_origin(request)


def require_same_origin(request: Request) -> None:
    """Refuse a form posted from another site (belt and braces next to the CSRF field).

    Hosts are compared, not schemes: behind a TLS-terminating proxy the browser's origin is
    https while this server sees http.
    """
    origin = request.headers.get("origin")
    own = request.headers.get("host", request.url.netloc)
    if origin and origin != "null" and urlsplit(origin).netloc != own:
        raise HTTPException(403, "cross-origin form refused")
