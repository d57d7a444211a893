"""The HTML report: one self-contained, deterministic page with every text escaped, checked as text
and in a real headless Chromium (loads without console errors, filters, sorts, expands, fits a phone).

The browser tests need Chromium, chromedriver (Debian: `apt-get install -y chromium chromium-driver`)
and selenium (the `test` extra). When one is missing they FAIL with install instructions; set
PRODCHECK_SKIP_BROWSER=1 to skip them on purpose.
"""
from __future__ import annotations

import os
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from prodcheck import api
from prodcheck.cli import main
from prodcheck.config import Config
from prodcheck.model import (
    Area, Component, Confidence, Diagnostic, Endpoint, ExternalCall, Facet, Finding, Fix, Inventory,
    Location, Migration, NotVerified, Report, Service, Severity, Stack, Suppressed,
)
from prodcheck.report import html as html_report
from prodcheck.report import render
from prodcheck.score import score, verdict

# Text an attacker controls in the scanned repository: must show as text and never run.
HOSTILE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
HOSTILE_SNIPPET = 'html = "</script><script>window.__pwned = 3</script>"'
BROWSER_FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-dev-shm-usage", "--window-size=1366,900")
INSTALL_HINT = ("the HTML report's browser tests need Chromium, chromedriver and selenium: on Debian/Ubuntu "
                "run `sudo apt-get update && sudo apt-get install -y chromium chromium-driver` and "
                "`pip install -e '.[test]'` (selenium is in the test extra); set PRODCHECK_SKIP_BROWSER=1 "
                "to skip these tests on purpose")


def html(report: Report) -> str:
    return render(report, "html")


# ---------------------------------------------------------------- the reports under test

def sample_project(root: Path) -> Path:
    """A Dockerfile without USER (GEN-OPS-101, HIGH) and a Python file that does not parse."""
    root.mkdir(parents=True)
    (root / "Dockerfile").write_text('FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD ["python", "main.py"]\n',
                                     encoding="utf-8")
    (root / "main.py").write_text('print("hello")\n', encoding="utf-8")
    (root / "broken.py").write_text("def broken(:\n    return 1\n", encoding="utf-8")
    return root


def scanned_report(root: Path) -> Report:
    return api.scan(root, Config(use_baseline=False, jobs=1, only=("GEN-OPS-101",)))


def at(path: str, line: int, end_line: int | None = None, snippet: str = "", label: str = "") -> Location:
    return Location.at(path, line, 1, end_line, snippet=snippet, label=label)


def hand_report() -> Report:
    """Every severity, a taint path, a diff, all facet states, and hostile text in many places."""
    diff = ("--- a/app/orders.py\n+++ b/app/orders.py\n@@ -44,2 +44,2 @@\n"
            '-    query = f"SELECT * FROM orders WHERE status = \'{status}\'"\n'
            "-    cur.execute(query)\n"
            '+    cur.execute("SELECT * FROM orders WHERE status = %s", (status,))\n')
    sql = Finding(
        "PY-SEC-001", Area.SEC, Severity.CRITICAL, Confidence.HIGH,
        "request data (query parameter `status`) reaches `cur.execute()` (SQL) unsanitised",
        at("app/orders.py", 44, 45, snippet='    query = f"SELECT * FROM orders WHERE status = \'{status}\'"\n'
                                            "    cur.execute(query)\n    return cur.fetchall()"),
        related=(at("app/orders.py", 41, label="request data enters here (query parameter `status`)"),
                 at("app/orders.py", 44, label="assigned to `query`"),
                 at("app/orders.py", 45, label="reaches `cur.execute()` (SQL)")),
        fix=Fix("Pass request values as bound parameters.", diff), cwe=("CWE-89",), fingerprint="f-sql")
    findings = [
        sql,
        Finding("GEN-SEC-102", Area.SEC, Severity.CRITICAL, Confidence.MEDIUM, "`JWT_SECRET` is assigned a hardcoded secret",
                at("app/config.py", 9, snippet='JWT_SECRET = "changeme"'), fingerprint="f-secret"),
        Finding("GEN-OPS-101", Area.OPS, Severity.HIGH, Confidence.HIGH, "the final image runs as root",
                at("Dockerfile", 1, snippet="FROM python:3.12-slim"), fix=Fix("Add a `USER app` line."),
                fingerprint="f-root"),
        Finding("PY-REL-001", Area.REL, Severity.HIGH, Confidence.HIGH, "`requests.post()` is called without a timeout",
                at("app/services/payments.py", 12, snippet="    requests.post(URL, json=body)"), fingerprint="f-timeout"),
        Finding("GEN-API-101", Area.API, Severity.MEDIUM, Confidence.MEDIUM, HOSTILE,
                at("web/<b>views.py", 3, snippet=HOSTILE_SNIPPET), fingerprint="f-hostile"),
        Finding("GEN-OPS-107", Area.OPS, Severity.LOW, Confidence.LOW, "CMD in shell form",
                at("Dockerfile", 4, snippet="CMD python main.py"), fingerprint="f-shell"),
        Finding("GEN-OPS-102", Area.OPS, Severity.MEDIUM, Confidence.HIGH, "the image declares no HEALTHCHECK",
                at("Dockerfile", 1, snippet="FROM python:3.12-slim"), fingerprint="f-health"),
    ]
    endpoints = (
        Endpoint("GET", "/orders", "list_orders", at("app/orders.py", 40), framework="fastapi", service="app",
                 auth=Facet.present("Depends(current_user)", at("app/orders.py", 40)), validation=Facet.absent(),
                 rate_limit=Facet.present("slowapi")),
        Endpoint("POST", "/orders/<script>x</script>", "create_order", at("app/orders.py", 60), service="app",
                 auth=Facet.absent(at("app/orders.py", 60)), validation=Facet.present("pydantic Order")),
        Endpoint("GET", "/healthz", "health", at("app/main.py", 20), service="app", auth=Facet.absent(),
                 public_by_nature=True),
    )
    inventory = Inventory(
        endpoints=endpoints,
        migrations=(Migration("0001_init", "migrations/0001_init.sql", "sql", 1, ("create table orders",), True,
                              "migrations/0001_init.down.sql"),
                    Migration("0002_drop", "migrations/0002_drop.sql", "sql", 2, ("drop column legacy",), False)),
        external_calls=(ExternalCall("http", "requests.post", at("app/services/payments.py", 12), "app"),),
    )
    stack = Stack(
        services=(Service("app", ".", "python", at("app/main.py", 6), ("requirements.txt",),
                          (Component("framework", "FastAPI", (at("requirements.txt", 2), at("app/main.py", 1))),
                           Component("database", "PostgreSQL", (at("requirements.txt", 4),)))),),
        languages=("python",),
        unsupported=(Component("language", "Rust", (at("tools/Cargo.toml", 1),)),),
        standards_files=("CONTRIBUTING.md",),
    )
    findings = tuple(sorted(findings, key=lambda f: f.sort_key))
    return Report(
        root="shop", tool_version="0.0.test", stack=stack, inventory=inventory, findings=findings,
        suppressed=(Suppressed(replace(findings[0], location=at("worker/Dockerfile", 1)), "inline", HOSTILE),),
        diagnostics=(Diagnostic("app/broken.py", "syntax-error", "invalid syntax near <eof>", 3),),
        scores=score(findings, {Area.OPS, Area.SEC, Area.REL, Area.API}, 2000), verdict=verdict(findings),
        not_verified=(NotVerified("p95 latency", "needs a load test & <a running service>"),),
        files_scanned=12, lines_scanned=480,
    )


# ---------------------------------------------------------------- the page as text

ATTRIBUTE_URL = re.compile(r"""\b(?:src|href|action|formaction|poster|srcset|data)\s*=\s*["']?\s*(?:https?:)?//""", re.I)


def test_page_loads_nothing_from_outside(tmp_path: Path) -> None:
    pages = [html(hand_report()), html(scanned_report(sample_project(tmp_path / "sample")))]
    for page in pages:
        assert not ATTRIBUTE_URL.search(page)
        assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.I)
        assert [m.group(0) for m in re.finditer(r"<link\b[^>]*>", page)] == ['<link rel="icon" href="data:,">']
        assert "@import" not in page and "url(" not in page
        assert "default-src 'none'" in page              # and the CSP forbids any fetch at view time
    assert "http://" not in pages[1] and "https://" not in pages[1]


def test_hostile_text_is_escaped() -> None:
    page = html(hand_report())
    assert HOSTILE not in page and "<img" not in page
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;&lt;img src=x onerror=&#34;window.__pwned = 2&#34;&gt;" in page
    assert "&lt;/script&gt;&lt;script&gt;window.__pwned = 3&lt;/script&gt;" in page     # in the snippet
    assert "/orders/&lt;script&gt;x&lt;/script&gt;" in page                               # in an endpoint path
    assert "web/<wbr>&lt;b&gt;views.py:3" in page                                      # in a file name
    assert "&lt;a running service&gt;" in page
    assert len(re.findall(r"<script\b", page)) == 1                                     # the page's own


def test_page_is_deterministic(tmp_path: Path) -> None:
    assert html(hand_report()) == html(hand_report())
    root = sample_project(tmp_path / "sample")
    first, second = html(scanned_report(root)), html(scanned_report(root))
    assert first.encode("utf-8") == second.encode("utf-8")
    assert not re.search(r"\d{4}-\d{2}-\d{2}|\d{2}:\d{2}:\d{2}", first)
    assert str(tmp_path) not in first


def test_page_shows_every_part_of_the_report() -> None:
    page = html(hand_report())
    assert '<div class="verdict-badge verdict-blocked" id="verdict">BLOCKED</div>' in page
    assert "BLOCK (2 critical, 2 high)" in page
    assert len(re.findall(r'<tbody class="finding"', page)) == 7
    assert re.search(r'<b id="overall-score">\d+\.\d</b>', page)
    areas = re.search(r'<ul class="areas" id="area-scores">(.*?)</ul>', page, re.S).group(1)
    assert areas.count("<li ") == len(Area) and areas.count('<li class="na"') == len(Area) - 4
    # the snippet starts at the location's first line; only the flagged lines (44-45) are highlighted
    assert '<span class="ln hl" data-n="44">' in page and '<span class="ln hl" data-n="45">' in page
    assert '<span class="ln" data-n="46">    return cur.fetchall()</span>' in page
    assert "request data enters here (query parameter <code>status</code>)" in page     # the taint path
    assert '<span class="dl add">+    cur.execute(&#34;SELECT' in page                    # the diff
    assert "SQL built from request data" in page and "CWE-89" in page                  # why
    assert "Add a <code>USER app</code> line." in page                                  # the fix
    assert page.count('<td class="gap"><span class="facet absent"') == 2 + 1            # 2 endpoint gaps + 1 migration
    assert '<span class="facet public"' in page and page.count('<span class="facet unknown"') >= 5
    assert "Depends(current_user)" in page and "FastAPI" in page and "requirements.txt:2" in page
    assert "migrations/0001_init.down.sql" in page
    assert "app/<wbr>broken.py:3" in page and "syntax-error" in page
    assert "p95 latency" in page and "worker/<wbr>Dockerfile:1" in page


def test_empty_report_passes() -> None:
    empty = Report(root="empty", tool_version="0.0.test", stack=Stack(), inventory=Inventory(), findings=(),
                   suppressed=(), diagnostics=(), scores=score((), (), 0), verdict=verdict(()))
    page = html(empty)
    assert '<div class="verdict-badge verdict-pass" id="verdict">PASS</div>' in page
    assert "LGTM (0 critical, 0 high)" in page and '<b id="overall-score">n/a</b>' in page
    assert "<p class=\"empty\">No findings.</p>" in page and "No endpoints found." in page
    assert 'id="findings-table"' not in page


def test_long_listings_are_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(html_report, "MAX_FINDINGS", 2)
    monkeypatch.setattr(html_report, "MAX_ROWS", 1)
    page = html(hand_report())
    assert len(re.findall(r'<tbody class="finding"', page)) == 2
    assert "… and 5 more (the JSON report (-f json) lists every item)." in page
    assert "… and 1 more (" in page                                                     # the migrations
    assert ">Findings<span class=\"count\">7</span>" in page                            # the heading counts all


def test_cli_writes_the_html_report(tmp_path: Path) -> None:
    root = sample_project(tmp_path / "sample")
    out = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["scan", str(root), "--select", "GEN-OPS-101", "-f", "html", "-o", str(out), "-q"])
    assert result.exit_code == 1, result.output                   # a HIGH finding fails the default --fail-on
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "GEN-OPS-101" in page and "NEEDS FIX" in page


# ---------------------------------------------------------------- the page in Chromium

@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    if os.environ.get("PRODCHECK_SKIP_BROWSER") == "1":
        pytest.skip("PRODCHECK_SKIP_BROWSER=1: the browser tests of the HTML report are skipped")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.fail(f"selenium is not installed: {INSTALL_HINT}", pytrace=False)
    chromium = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
    driver_path = shutil.which("chromedriver")
    if chromium is None or driver_path is None:
        missing = " and ".join(name for name, path in (("chromium", chromium), ("chromedriver", driver_path)) if not path)
        pytest.fail(f"{missing} not found on PATH: {INSTALL_HINT}", pytrace=False)
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (*BROWSER_FLAGS, f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)   # no Selenium Manager, no download
    try:
        yield driver
    finally:
        driver.quit()


def open_page(driver, report: Report, path: Path) -> None:
    path.write_text(html(report), encoding="utf-8")
    driver.get_log("browser")                                     # drop what an earlier page logged
    driver.get(path.as_uri())


def severe_logs(driver) -> list[dict]:
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def visible_rows(driver) -> list[str]:
    """The finding ids of the visible rows, in page order."""
    return driver.execute_script(
        "return Array.prototype.map.call(document.querySelectorAll('#findings-table tbody.finding'),"
        " function (b) { return b.hidden ? null : b.id; }).filter(Boolean);")


def test_page_works_in_chromium(browser, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    report = hand_report()
    open_page(browser, report, tmp_path / "report.html")
    assert browser.title.startswith("BLOCKED")
    assert browser.find_element(By.ID, "verdict").text == "BLOCKED"
    assert browser.execute_script("return window.__pwned === undefined")                # hostile text did not run
    assert "<script>window.__pwned = 1</script>" in browser.find_element(By.CSS_SELECTOR, "#findings-table").text
    rows = visible_rows(browser)
    assert len(rows) == len(report.findings)
    shown = browser.find_element(By.ID, "findings-shown")

    # filter: severity checkboxes, area, rule, file; then reset
    low = sum(1 for f in report.findings if f.severity is Severity.LOW)
    browser.find_element(By.CSS_SELECTOR, "input[name=severity][value=LOW]").click()
    assert len(visible_rows(browser)) == len(rows) - low and shown.text == str(len(rows) - low)
    browser.find_element(By.CSS_SELECTOR, "input[name=severity][value=CRITICAL]").click()
    assert len(visible_rows(browser)) == sum(1 for f in report.findings if f.severity in (Severity.HIGH, Severity.MEDIUM))
    browser.find_element(By.ID, "reset").click()
    Select(browser.find_element(By.ID, "filter-area")).select_by_value("OPS")
    assert len(visible_rows(browser)) == sum(1 for f in report.findings if f.area is Area.OPS)
    Select(browser.find_element(By.ID, "filter-rule")).select_by_value("GEN-OPS-101")
    assert len(visible_rows(browser)) == 1
    browser.find_element(By.ID, "reset").click()
    browser.find_element(By.ID, "filter-file").send_keys("DOCKER")
    assert len(visible_rows(browser)) == sum(1 for f in report.findings if f.location.path == "Dockerfile")
    browser.find_element(By.ID, "filter-file").send_keys("nothing-matches")
    assert visible_rows(browser) == [] and browser.find_element(By.ID, "findings-empty").is_displayed()
    browser.find_element(By.ID, "reset").click()
    assert visible_rows(browser) == rows

    # sort: by file (ascending, then descending), then by severity
    browser.find_element(By.CSS_SELECTOR, "th[data-sort=location] button").click()
    by_file = visible_rows(browser)
    assert by_file != rows and sorted(by_file) == sorted(rows)
    paths = [browser.find_element(By.CSS_SELECTOR, f"#{row} .loc").text for row in by_file]
    assert paths == sorted(paths, key=lambda ref: (ref.rsplit(":", 1)[0], int(ref.rsplit(":", 1)[1])))
    header = browser.find_element(By.CSS_SELECTOR, "th[data-sort=location]")
    assert header.get_attribute("aria-sort") == "ascending"
    header.find_element(By.TAG_NAME, "button").click()
    assert header.get_attribute("aria-sort") == "descending"
    assert [browser.find_element(By.CSS_SELECTOR, f"#{row} .loc").text for row in visible_rows(browser)] == paths[::-1]
    browser.find_element(By.CSS_SELECTOR, "th[data-sort=severity] button").click()
    severities = [browser.find_element(By.CSS_SELECTOR, f"#{row} .sev").text for row in visible_rows(browser)]
    assert severities == sorted(severities, key=lambda s: -Severity(s).rank)

    # expand: the SQL finding shows its snippet (flagged lines highlighted), path, fix and diff
    sql = next(row for row in rows if browser.find_element(By.CSS_SELECTOR, f"#{row} .rule-id").text == "PY-SEC-001")
    detail = browser.find_element(By.ID, f"{sql}-detail")
    assert not detail.is_displayed()
    toggle = browser.find_element(By.CSS_SELECTOR, f"#{sql} button.toggle")
    toggle.click()
    assert detail.is_displayed() and toggle.get_attribute("aria-expanded") == "true"
    flagged = detail.find_elements(By.CSS_SELECTOR, "pre.code .ln.hl")
    assert [line.get_attribute("data-n") for line in flagged] == ["44", "45"]
    assert "cur.execute(query)" in flagged[1].text and flagged[1].is_displayed()
    assert "request data enters here" in detail.text and "bound parameters" in detail.text
    assert detail.find_element(By.CSS_SELECTOR, "pre.diff .add").is_displayed()
    browser.find_element(By.CSS_SELECTOR, f"#{sql} td.t-msg").click()              # a click on the row closes it
    assert not detail.is_displayed()
    browser.find_element(By.ID, "expand-all").click()
    assert all(browser.find_element(By.ID, f"{row}-detail").is_displayed() for row in rows)

    # the endpoint gaps stand out; unknown is neutral
    gap = browser.find_element(By.CSS_SELECTOR, "#endpoints-table td.gap .facet.absent")
    assert gap.text == "MISSING"                                                  # text-transform: uppercase
    assert browser.find_element(By.CSS_SELECTOR, "#endpoints-table .facet.unknown").value_of_css_property(
        "background-color") in ("rgba(0, 0, 0, 0)", "transparent")

    screenshot = tmp_path / "report.png"
    browser.set_window_size(1366, min(8000, browser.execute_script("return document.documentElement.scrollHeight") + 150))
    assert browser.save_screenshot(str(screenshot))
    assert screenshot.stat().st_size > 10_000 and screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    browser.set_window_size(1366, 900)
    assert severe_logs(browser) == []
    assert browser.execute_script("return window.__pwned === undefined")


def test_page_fits_a_phone(browser, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    open_page(browser, hand_report(), tmp_path / "report.html")
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True})
    try:
        browser.refresh()
        browser.find_element(By.CSS_SELECTOR, "#findings-table tbody.finding button.toggle").click()
        assert browser.execute_script("return document.documentElement.scrollWidth") <= 390   # no sideways scroll
        assert browser.find_element(By.CSS_SELECTOR, "#findings-table tbody.finding.open pre.code").is_displayed()
        assert not browser.find_element(By.ID, "findings-empty").is_displayed()
        browser.find_element(By.CSS_SELECTOR, "input[name=severity][value=CRITICAL]").click()
        assert all(row.is_displayed() == (row.get_attribute("data-severity") != "CRITICAL")
                   for row in browser.find_elements(By.CSS_SELECTOR, "#findings-table tbody.finding"))
        assert browser.save_screenshot(str(tmp_path / "phone.png"))
        assert (tmp_path / "phone.png").stat().st_size > 10_000
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert severe_logs(browser) == []


def test_scanned_project_in_chromium(browser, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    report = scanned_report(sample_project(tmp_path / "sample"))
    assert [(f.rule_id, f.severity) for f in report.findings] == [("GEN-OPS-101", Severity.HIGH)]
    assert any(d.kind == "syntax-error" and d.path == "broken.py" for d in report.diagnostics)
    open_page(browser, report, tmp_path / "report.html")
    assert browser.find_element(By.ID, "verdict").text == "NEEDS FIX"
    assert browser.find_element(By.ID, "review").text == "BLOCK (0 critical, 1 high)"
    (row,) = visible_rows(browser)
    assert browser.find_element(By.CSS_SELECTOR, f"#{row} .sev").text == "HIGH"
    browser.find_element(By.CSS_SELECTOR, f"#{row} button.toggle").click()
    assert "FROM python:3.12-slim" in browser.find_element(By.CSS_SELECTOR, f"#{row}-detail pre.code").text
    diagnostics = browser.find_element(By.ID, "diagnostics-table").text
    assert "broken.py" in diagnostics and "syntax-error" in diagnostics
    n_a = browser.find_elements(By.CSS_SELECTOR, "#area-scores li.na")
    assert len(n_a) == sum(1 for a in report.scores.areas if a.score is None)
    assert severe_logs(browser) == []


def test_new_and_existing_findings_can_be_filtered_in_chromium(browser, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    from prodcheck.config import Config
    from prodcheck.pipeline import scan
    from prodcheck.suppress import render_baseline
    root = tmp_path / "project"
    root.mkdir()
    for name in ("a", "b"):
        (root / name).mkdir()
        (root / name / "Dockerfile").write_text("FROM python:3.12-slim\nCMD [\"python\", \"app.py\"]\n")
    accepted = scan(root, Config(only=("GEN-OPS-101",), use_baseline=False, jobs=1)).findings
    (root / ".prodcheck-baseline.json").write_text(render_baseline(list(accepted)), encoding="utf-8")
    (root / "c").mkdir()
    (root / "c" / "Dockerfile").write_text("FROM python:3.12-slim\nCMD [\"python\", \"app.py\"]\n")
    report = scan(root, Config(only=("GEN-OPS-101",), jobs=1))
    assert [f.location.path for f in report.findings] == ["c/Dockerfile"]
    open_page(browser, report, tmp_path / "report.html")
    status = Select(browser.find_element(By.ID, "filter-status"))
    shown = browser.find_element(By.ID, "findings-shown")
    (new,) = visible_rows(browser)
    assert browser.find_element(By.CSS_SELECTOR, f"#{new} .loc").text.startswith("c/Dockerfile") and shown.text == "1"
    status.select_by_value("existing")
    existing = visible_rows(browser)
    assert len(existing) == 2 and shown.text == "2"
    assert all(browser.find_element(By.CSS_SELECTOR, f"#{row} .status-tag").text == "EXISTING" for row in existing)
    status.select_by_value("")
    assert len(visible_rows(browser)) == 3
    browser.find_element(By.ID, "reset").click()
    assert visible_rows(browser) == [new]
    assert browser.find_element(By.ID, "verdict").text == "NEEDS FIX"              # existing ones are not counted
    assert severe_logs(browser) == []
