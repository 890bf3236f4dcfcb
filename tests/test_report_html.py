"""report.html in a real headless browser (Debian's chromium driven by selenium):
the page loads without console errors, shows every figure (each <img> decoded, with a
non-zero natural size) and looks like something (a screenshot that is not blank).

The README's test command installs chromium and chromium-driver where they are missing;
on CI (``CI`` set) their absence is a failure, elsewhere the test is skipped.
"""
from __future__ import annotations

import io
import os
import shutil

import pytest

from accelsim.api import run
from accelsim.report import standard_figures, write_report

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1280,2400")


def _browser_paths() -> tuple[str, str]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not (chromium and driver):
        msg = "chromium and chromedriver are needed (apt-get install chromium chromium-driver)"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    return chromium, driver


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    chromium, driver = _browser_paths()
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")  # never let selenium fetch a driver
    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for f in FLAGS:
        opts.add_argument(f)
    opts.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    drv = webdriver.Chrome(service=Service(driver), options=opts)
    yield drv
    drv.quit()


def test_report_page_in_a_browser(browser, tmp_path):
    r = run("alexnet", "eyeriss", "rs")
    write_report(r, tmp_path)
    stems = list(standard_figures(r))
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get((tmp_path / "report.html").as_uri())
    # a loaded machine may hand the page back while its images are still decoding
    WebDriverWait(browser, 60).until(lambda d: d.execute_script("return document.readyState") == "complete")
    severe = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
    assert severe == []
    imgs = browser.execute_script(
        "return Array.from(document.images).map(i => [i.closest('figure').id, i.complete, i.naturalWidth, i.naturalHeight])")
    assert [i[0] for i in imgs] == [f"fig-{s}" for s in stems]  # every figure, in order
    # each figure has a caption that says how to read it
    caps = browser.execute_script("return Array.from(document.querySelectorAll('figcaption')).map(c => c.innerText)")
    assert len(caps) == len(stems) and all(len(c) > 150 and "Read it" in c for c in caps), caps
    # at 1400 pixels nothing scrolls sideways: the page, the figures, the tables
    browser.set_window_size(1400, 1200)
    wide = browser.execute_script(
        "return [document.documentElement.scrollWidth, window.innerWidth,"
        " Math.max(...Array.from(document.querySelectorAll('img, table')).map(e => e.getBoundingClientRect().right))]")
    assert wide[0] <= wide[1] and wide[2] <= wide[1], wide
    assert all(done and w > 100 and h > 100 for _, done, w, h in imgs), imgs
    text = browser.find_element("tag name", "body").text
    assert "alexnet on eyeriss" in text and "Mapping of each layer" in text and "conv1" in text
    assert "Why data movement dominates" in text and "Energy table" in text and "dram_read" in text
    png = browser.get_screenshot_as_png()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    from matplotlib.image import imread

    pixels = imread(io.BytesIO(png), format="png")
    assert pixels.shape[0] > 500 and pixels.shape[1] > 500
    assert float(pixels[..., :3].std()) > 0.05  # not a blank page
    (tmp_path / "screenshot.png").write_bytes(png)
