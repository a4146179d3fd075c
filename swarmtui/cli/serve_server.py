"""The web server behind `swarmtui serve`: textual-serve's Server behind an access token, with
a page that needs nothing from the internet."""

from __future__ import annotations

import hmac
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
from aiohttp import web
from aiohttp.typedefs import Handler
from textual_serve.server import Server

PAGE_DIR = Path(__file__).resolve().parent / "serve_page"
TOKEN_PARAMETER = "token"


def token_cookie_name(port: int) -> str:
    # Cookies are per host, not per port: two servers on one host keep their own.
    return f"swarmtui_token_{port}"


def offered_token(request: web.Request, cookie: str) -> str:
    return request.query.get(TOKEN_PARAMETER) or request.cookies.get(cookie, "")


def foreign_origin(request: web.Request) -> bool:
    """A request another site's page made (its Origin names another host than the one asked)."""
    origin = request.headers.get("Origin")
    return origin is not None and urlsplit(origin).netloc != request.host


def token_gate(token: str, cookie: str) -> Any:
    """Middleware: 403 for every request (page, assets, websocket) without TOKEN, taken from
    the URL or from the cookie the page's first load sets (the page's own asset and
    websocket requests carry no query of ours), and for every request another site made."""
    expected = token.encode()

    @web.middleware
    async def gate(request: web.Request, handler: Handler) -> web.StreamResponse:
        offered = offered_token(request, cookie).encode()
        if not hmac.compare_digest(offered, expected) or foreign_origin(request):
            raise web.HTTPForbidden(text="swarmtui serve: a valid access token is needed\n")
        response = await handler(request)
        if TOKEN_PARAMETER in request.query and not response.prepared:
            response.set_cookie(cookie, token, httponly=True, samesite="Strict", path="/")
        return response

    return gate


class ConsoleServer(Server):
    """One swarmtui console process per browser tab (textual-serve's AppService)."""

    def __init__(self, command: str, *, bind: str, port: int, token: str) -> None:
        super().__init__(command, host=bind, port=port, title="swarmtui", templates_path=PAGE_DIR)
        self.token = token

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(token_gate(self.token, token_cookie_name(self.port)))
        return app

    async def on_startup(self, app: web.Application) -> None:
        """run_serve prints the URL; textual-serve's banner would print it without the token."""

    @aiohttp_jinja2.template("app_index.html")
    async def handle_index(self, request: web.Request) -> dict[str, Any]:
        # URLs from the address the browser used, so an `ssh -L` on any local port works.
        base = f"{request.scheme}://{request.host}"
        socket_scheme = "wss" if request.scheme == "https" else "ws"
        font_size = request.query.get("fontsize", "16")
        return {
            "font_size": int(font_size) if font_size.isdigit() else 16,
            "app_websocket_url": f"{socket_scheme}://{request.host}/ws",
            "config": {"static": {"url": f"{base}/static/"}},
            "application": {"name": self.title},
        }

    def run(self) -> None:
        # No access log: it would write the token (in the URL) to the terminal.
        web.run_app(
            self._make_app(),
            host=self.host,
            port=self.port,
            access_log=None,
            print=None,
            shutdown_timeout=3,
        )
