"""A reusable harness for browser tests: one headless Chromium (Selenium) for a whole test run,
and one call that checks a page the way a visitor meets it.

``check_page`` loads a URL at a given viewport width and reports every problem it finds:

- axe-core (vendored at src/citygraph/static/vendor/axe-core/, injected with execute_script)
  violations of impact "serious" or "critical" (WCAG 2.x A/AA rules);
- horizontal overflow: the document wider than the viewport (with the widest culprits);
- requests to another origin than the test server (from Chrome's performance log);
- JavaScript errors in the console (a Content-Security-Policy refusal is one).

It saves a screenshot to ``$CITYGRAPH_ARTIFACTS`` (default: a temporary folder), which CI keeps.
The internet is unreachable for the browser (--host-resolver-rules), so a page that depends on
a third party shows it. ``open_browser()`` gives the one browser (the ``browser`` fixture).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "src" / "citygraph" / "static" / "vendor" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or "chromium"  # Debian's packages chromium and
CHROMEDRIVER = shutil.which("chromedriver") or "chromedriver"  # chromium-driver
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--window-size=1366,900", "--hide-scrollbars",
         # No network beyond the local test server: any third-party host is unreachable.
         "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1")
WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}
BAD_IMPACTS = ("serious", "critical")
LOCAL_SCHEMES = ("data", "about", "blob", "chrome", "devtools")


def artifacts_dir(fallback: Path) -> Path:
    folder = Path(os.environ.get("CITYGRAPH_ARTIFACTS") or fallback)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextmanager
def open_browser() -> Iterator[Any]:
    """One Chromium with performance and browser logs on; skips when it is not installed."""
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).exists()]
    if missing:
        pytest.skip(f"chromium/chromedriver not installed: {', '.join(missing)} missing")
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    profile = tempfile.mkdtemp(prefix="citygraph-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(options=options,
                              service=webdriver.ChromeService(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def set_width(driver: Any, width: int, height: int) -> None:
    """The viewport a phone or desktop has (device metrics, not just the window)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})


def drain_logs(driver: Any) -> tuple[list[str], list[str]]:
    """(URLs requested, console errors) since the last call."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    errors = [e["message"] for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    return urls, errors


def foreign_requests(urls: list[str], origin: str) -> list[str]:
    """Requests to any origin but the server's (data:, about: and the like are local)."""
    own = urlsplit(origin)
    out = []
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme in LOCAL_SCHEMES:
            continue
        if (parts.scheme, parts.netloc) != (own.scheme, own.netloc):
            out.append(url)
    return out


def run_axe(driver: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the current page."""
    if not driver.execute_script("return typeof window.axe !== 'undefined'"):
        driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']})"
        ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))))"
        ".catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));")
    return [v for v in result if v.get("impact") in BAD_IMPACTS]


OVERFLOW_JS = """
const width = document.documentElement.clientWidth;
if (document.documentElement.scrollWidth <= width) { return []; }
return Array.from(document.querySelectorAll('body *'))
  .filter(e => e.getBoundingClientRect().right > width + 1)
  .filter(e => !e.closest('[data-scroll-box], .wb-wrap, .ld-wrap, pre'))
  .slice(0, 5)
  .map(e => e.tagName.toLowerCase() + (e.className && e.className.baseVal === undefined
       ? '.' + String(e.className).split(' ').join('.') : '') + ' ' +
       Math.round(e.getBoundingClientRect().right) + 'px');
"""


@dataclass
class PageReport:
    url: str
    width: int
    screenshot: Path
    problems: list[str] = field(default_factory=list)


def load(driver: Any, url: str) -> None:
    """Open a URL and wait for the page and its deferred scripts."""
    driver.get(url)
    driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "if (document.readyState === 'complete') { done(); }"
        "else { window.addEventListener('load', () => done()); }")


def check_page(driver: Any, origin: str, path: str, name: str, width: int, height: int,
               folder: Path, axe: bool = True) -> PageReport:
    """Load ``origin + path`` at this viewport and collect every problem a visitor would have."""
    set_width(driver, width, height)
    drain_logs(driver)
    load(driver, origin + path)
    report = PageReport(origin + path, width, folder / f"{name}-{width}.png")
    driver.save_screenshot(str(report.screenshot))
    urls, errors = drain_logs(driver)
    report.problems += [f"request to another origin: {u}" for u in foreign_requests(urls, origin)]
    # The page's own status (a 404 page is meant to be one) is no script error.
    report.problems += [f"console error: {e}" for e in errors
                        if not e.startswith(origin + path + " - Failed to load resource")]
    overflow = driver.execute_script(OVERFLOW_JS)
    if overflow or driver.execute_script(
            "return document.documentElement.scrollWidth > document.documentElement.clientWidth"):
        wide = driver.execute_script("return document.documentElement.scrollWidth")
        report.problems.append(f"page is {wide}px wide at {width}px: {', '.join(overflow)}")
    if axe:
        for v in run_axe(driver):
            report.problems.append(f"axe {v['impact']} {v['id']}: {v['help']} {v['nodes']}")
    return report


def click_and_load(driver: Any, element: Any) -> None:
    """Click a link or button and wait until the next page has replaced this one."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    # Mark the current document; the next one has no mark. (Waiting for the old <html> to go
    # stale races with Chrome's inspector while the page is being replaced.)
    driver.execute_script("window.citygraphOldPage = true;")
    element.click()
    WebDriverWait(driver, 30, ignored_exceptions=(WebDriverException,)).until(
        lambda d: d.execute_script("return window.citygraphOldPage === undefined "
                                   "&& document.readyState === 'complete'"))
