"""Shared fixtures: real-data paths, an isolated cache, and the app in headless Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("RECSYS_SHARED_DATA", REPO.parent / "shared" / "data"))
CHROMIUM = os.environ.get("RECSYS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session", autouse=True)
def isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Point the artefact cache at a temporary folder for the whole test session."""
    folder = tmp_path_factory.mktemp("recsys-cache")
    os.environ["RECSYS_CACHE_DIR"] = str(folder)
    return folder


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real public samples; tests that need it skip when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data samples not found at {SHARED_DATA}; set RECSYS_SHARED_DATA to run this test")
    return SHARED_DATA


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _require_browser() -> None:
    missing = []
    if not Path(CHROMIUM).exists():
        missing.append(f"Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing.append("the playwright package")
    if missing:
        reason = "browser tests need " + " and ".join(missing)
        if os.environ.get("RECSYS_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)


class AppServer:
    """A `streamlit run app.py` process on a loopback port."""

    def __init__(self, cache_dir: Path, log_path: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, RECSYS_CACHE_DIR=str(cache_dir), STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
        self.log = open(log_path, "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"),
             "--server.headless", "true", "--server.port", str(self.port),
             "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=REPO, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.process.returncode}; see {log_path}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError(f"streamlit did not answer on {self.url} within 90 s; see {log_path}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory, isolated_cache: Path):
    _require_browser()
    logs = tmp_path_factory.mktemp("streamlit-log")
    server = AppServer(isolated_cache, logs / "streamlit.log")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class RecordedPage:
    """A Playwright page that records every request and every dialog it sees."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.console_errors: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("dialog", self._on_dialog)
        page.on("console", lambda message: message.type == "error" and self.console_errors.append(message.text))

    def _on_dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def foreign_requests(self) -> list[str]:
        """Requests to any origin other than the app's own (data: and blob: URLs are local)."""
        return [url for url in self.requests
                if not url.startswith(self.base_url) and not url.startswith(("data:", "blob:", "about:"))]

    def open(self, path: str, wait_text: str | None = None, timeout_ms: int = 120_000) -> None:
        self.page.goto(f"{self.base_url}/{path.lstrip('/')}")
        self.page.wait_for_selector("[data-testid='stApp']", timeout=timeout_ms)
        if wait_text:
            self.page.get_by_text(wait_text).first.wait_for(timeout=timeout_ms)
        wait_until_idle(self.page, timeout_ms)

    def exceptions(self) -> list[str]:
        return self.page.locator("[data-testid='stException']").all_inner_texts()


def wait_until_idle(page, timeout_ms: int = 120_000) -> None:
    """Wait until Streamlit has finished running the script (no 'Running...' indicator)."""
    deadline = time.monotonic() + timeout_ms / 1000
    time.sleep(0.5)
    while time.monotonic() < deadline:
        running = page.locator("[data-testid='stStatusWidget']").count()
        if not running:
            time.sleep(0.3)
            if not page.locator("[data-testid='stStatusWidget']").count():
                return
        time.sleep(0.3)
    raise TimeoutError(f"the app was still running after {timeout_ms} ms")


def network_frame(page, timeout_s: float = 90):
    """The frame of a pyvis drawing, once vis-network has created its nodes."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for frame in page.frames:
            try:
                if frame.evaluate("typeof network !== 'undefined' && typeof nodes !== 'undefined'"):
                    return frame
            except Exception:  # a frame may navigate or detach while it is inspected
                continue
        time.sleep(0.5)
    raise AssertionError("no frame with a vis-network drawing appeared")


@pytest.fixture()
def app_page(browser, app_server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    recorded = RecordedPage(page, app_server.url)
    yield recorded
    context.close()


def copy_tree(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target
