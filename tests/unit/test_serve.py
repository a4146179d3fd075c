"""`swarmtui serve`: its arguments, the console command each tab runs, and the token gate
in front of every request (an aiohttp test server on loopback, no console process)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from swarmtui.cli.main import build_parser
from swarmtui.cli.serve import (
    DEFAULT_BIND,
    DEFAULT_PORT,
    TokenFileError,
    access_token,
    console_argv,
    page_url,
)
from swarmtui.cli.serve_server import ConsoleServer, token_cookie_name, token_gate

TOKEN = "s3cret-token-0123456789"


def test_defaults_loopback_port_8022_read_only() -> None:
    args = build_parser().parse_args(["serve"])
    assert (args.bind, args.port, args.write, args.token_file) == (
        DEFAULT_BIND,
        DEFAULT_PORT,
        False,
        None,
    )
    assert DEFAULT_BIND == "127.0.0.1"
    assert console_argv(args)[:3] == [sys.executable, "-m", "swarmtui"]
    assert console_argv(args)[-1] == "--read-only"


def test_write_drops_read_only_unless_also_asked() -> None:
    parser = build_parser()
    assert "--read-only" not in console_argv(parser.parse_args(["serve", "--write"]))
    both = parser.parse_args(["--read-only", "serve", "--write"])
    assert "--read-only" in console_argv(both)


def test_the_consoles_get_the_managers_and_global_options() -> None:
    args = build_parser().parse_args(
        [
            "--host",
            "tcp://m1:2375",
            "--context",
            "prod",
            "--config",
            "/etc/s.toml",
            "--tlsverify",
            "serve",
            "--host",
            "ssh://admin@m2",
            "--bind",
            "::1",
            "--port",
            "9000",
        ]
    )
    argv = console_argv(args)
    assert argv[3:] == [
        "--host",
        "tcp://m1:2375",
        "--host",
        "ssh://admin@m2",
        "--context",
        "prod",
        "--config",
        "/etc/s.toml",
        "--lab",
        "swarmtui-lab",
        "--tlsverify",
        "--read-only",
    ]
    assert page_url(args.bind, args.port, "tok") == "http://[::1]:9000/?token=tok"


def test_a_random_token_each_start_or_the_files(tmp_path: Path) -> None:
    first, second = access_token(None), access_token(None)
    assert first != second and len(first) >= 32
    token_file = tmp_path / "token"
    token_file.write_text(f"  {TOKEN}  \nignored\n")
    assert access_token(token_file) == TOKEN


@pytest.mark.parametrize("content", ["", "short\n"])
def test_an_empty_or_short_token_file_is_refused(tmp_path: Path, content: str) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(content)
    with pytest.raises(TokenFileError, match="shorter than 16"):
        access_token(token_file)
    with pytest.raises(TokenFileError, match="cannot read"):
        access_token(tmp_path / "missing")


def gated_app() -> web.Application:
    async def hello(request: web.Request) -> web.Response:
        return web.Response(text="console")

    app = web.Application(middlewares=[token_gate(TOKEN, "cookie")])
    app.router.add_get("/", hello)
    app.router.add_get("/static/x.js", hello)
    return app


async def test_the_gate_refuses_missing_and_wrong_tokens() -> None:
    async with TestClient(TestServer(gated_app(), host="127.0.0.1")) as client:
        for path in ("/", "/?token=wrong", f"/?token={TOKEN}x", "/static/x.js", "/nowhere"):
            response = await client.get(path)
            assert response.status == 403, path
            assert "set-cookie" not in response.headers
        refused = await client.get("/static/x.js", cookies={"cookie": "wrong"})
        assert refused.status == 403


async def test_the_token_opens_the_page_and_its_cookie_the_assets() -> None:
    async with TestClient(TestServer(gated_app(), host="127.0.0.1")) as client:
        page = await client.get(f"/?token={TOKEN}")
        assert page.status == 200 and await page.text() == "console"
        cookie = page.cookies["cookie"]
        assert cookie.value == TOKEN
        assert cookie["httponly"] and cookie["samesite"] == "Strict"
        # The test client keeps the cookie, as the browser does for the page's own requests.
        asset = await client.get("/static/x.js")
        assert asset.status == 200
        # Another site's page in the same browser (its Origin), even with the cookie.
        host = f"{client.host}:{client.port}"
        mine = await client.get("/static/x.js", headers={"Origin": f"http://{host}"})
        assert mine.status == 200
        foreign = await client.get("/static/x.js", headers={"Origin": "http://evil.example"})
        assert foreign.status == 403


async def test_the_page_has_no_internet_references_and_its_urls_follow_the_browser() -> None:
    server = ConsoleServer("true", bind="127.0.0.1", port=8022, token=TOKEN)
    app = await server._make_app()
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        assert (await client.get("/")).status == 403
        assert (await client.get("/ws")).status == 403
        # An `ssh -L 9999:localhost:8022` tunnel: the page names the browser's address.
        page = await client.get(f"/?token={TOKEN}", headers={"Host": "localhost:9999"})
        html = await page.text()
        assert page.status == 200
        assert page.cookies[token_cookie_name(8022)].value == TOKEN
    assert 'data-session-websocket-url="ws://localhost:9999/ws"' in html
    assert 'src="http://localhost:9999/static/js/textual.js"' in html
    external = [u for u in html.split('"') if u.startswith(("http", "//")) and "9999" not in u]
    assert external == []
    assert "googleapis" not in html
