"""The HTTP edge: security headers on every response, and the gate in front of writes.

`Edge` is a plain ASGI middleware (no per-request task or buffering, so it costs next to
nothing on the read paths). It

* adds `Content-Security-Policy` (the web UI's policy for `/` and `/static/…`, a policy that
  allows nothing for the JSON API and the downloads; a route may set its own, as /docs does),
  `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`, `X-Frame-Options: DENY`,
  `Cross-Origin-Opener-Policy` and `Cross-Origin-Resource-Policy` (same origin);
* answers a POST to a write path from its headers alone, before a byte of the body is read:
  403 on a read-only server, 401 without the right bearer token, 413 for a declared
  `Content-Length` over the maximum; an authorised body is read here up to the maximum (413
  beyond it, chunked bodies too) and handed on. So an unauthorised client never gets a
  validation message, and a huge body costs the server nothing before it is refused.
"""
from __future__ import annotations

import hmac
import json

MAX_BODY_BYTES = 20_000_000   # bytes of one POST /api/documents body (a document may hold up to 5 MB of text)

CSP_UI = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: https://tile.openstreetmap.org; "
          "connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; "
          "frame-ancestors 'none'")
CSP_API = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
COMMON = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
          (b"x-frame-options", b"DENY"), (b"cross-origin-opener-policy", b"same-origin"),
          (b"cross-origin-resource-policy", b"same-origin")]
_CSP = b"content-security-policy"


def auth_failure(token: str | None, authorization: str | None) -> tuple[int, str] | None:
    """Why a write with this Authorization header is refused (status, message), or None."""
    if not token:
        return 403, "read-only server: start it with --token (or SITREP_TOKEN) to accept documents"
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        return 401, "missing or wrong token: send 'Authorization: Bearer <token>'"
    return None


class Edge:
    """ASGI middleware: security headers on every response; writes gated before their body."""

    def __init__(self, app, *, token: str | None, max_body: int = MAX_BODY_BYTES,
                 write_paths: tuple[str, ...] = ("/api/documents",)):
        self.app, self.token, self.max_body, self.write_paths = app, token, max_body, write_paths
        self.ui_headers = COMMON + [(_CSP, CSP_UI.encode())]
        self.api_headers = COMMON + [(_CSP, CSP_API.encode())]

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope["path"]
        extra = self.ui_headers if path == "/" or path.startswith("/static/") else self.api_headers

        async def send_secure(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or ())
                if any(k.lower() == _CSP for k, _ in headers):   # the route chose its own policy
                    headers += [h for h in extra if h[0] != _CSP]
                else:
                    headers += extra
                message = {**message, "headers": headers}
            await send(message)

        if scope["method"] == "POST" and path in self.write_paths:
            receive = await self._gate(scope, receive, send_secure)
            if receive is None:
                return
        await self.app(scope, receive, send_secure)

    async def _gate(self, scope, receive, send):
        """The receive callable that replays an authorised body, or None when refused (answered)."""
        headers = {}
        for k, v in scope.get("headers") or ():
            headers.setdefault(k.lower(), v)
        refused = auth_failure(self.token, headers.get(b"authorization", b"").decode("latin-1"))
        if refused:
            status, message = refused
            extra = [(b"www-authenticate", b"Bearer")] if status == 401 else []
            await _answer(send, status, message, extra)
            return None
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                await _answer(send, 400, "Content-Length is not a number")
                return None
            if size > self.max_body:
                await _answer(send, 413, self._too_large(size))
                return None
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            body = message.get("body", b"")
            size += len(body)
            if size > self.max_body:
                await _answer(send, 413, self._too_large(size))
                return None
            chunks.append(body)
            if not message.get("more_body"):
                break
        replay = [{"type": "http.request", "body": b"".join(chunks), "more_body": False}]

        async def replayed():
            return replay.pop() if replay else await receive()

        return replayed

    def _too_large(self, size: int) -> str:
        return (f"request body of {size:,} bytes or more is over the maximum of {self.max_body:,} bytes: "
                "send fewer documents per request")


async def _answer(send, status: int, detail: str, headers: list | None = None) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close"), *(headers or [])]})
    await send({"type": "http.response.body", "body": body})
