"""Browser tests: Kenesh served by uvicorn on 127.0.0.1, driven by Debian's chromium through
Playwright. Nothing is skipped: without /usr/bin/chromium these tests fail, as CI must."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import uvicorn
from playwright.async_api import Browser, Page, async_playwright

from bot.app import App
from bot.http import create_http_app

CHROMIUM = Path("/usr/bin/chromium")
INSTALLED = CHROMIUM.exists()
SCREEN = {"width": 1366, "height": 768}  # an ayil okmotu's office screen


@asynccontextmanager
async def served(app: App) -> AsyncIterator[str]:
    """`app`'s HTTP app on its HTTP_HOST:HTTP_PORT, in this event loop; yields its base URL."""
    settings = app.settings
    config = uvicorn.Config(
        create_http_app(app),
        host=settings.http_host,
        port=settings.http_port,
        log_level="warning",
        lifespan="off",
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    for _ in range(200):
        if server.started or task.done():
            break
        await asyncio.sleep(0.05)
    if not server.started:
        task.result() if task.done() else task.cancel()
        raise RuntimeError("the test server did not start")
    try:
        yield f"http://{settings.http_host}:{settings.http_port}"
    finally:
        server.should_exit = True
        await task


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    """Debian's chromium, headless."""
    assert INSTALLED, "install Debian's chromium: apt-get install -y chromium"
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM))
        try:
            yield browser
        finally:
            await browser.close()


async def new_page(browser: Browser, language: str = "en") -> Page:
    """A fresh browser profile (no cookies) at office-screen size, reporting its errors."""
    context = await browser.new_context(viewport=SCREEN, locale=language)
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: errors.append(message.text) if message.type == "error" else None,
    )
    page.errors = errors  # type: ignore[attr-defined]
    return page
