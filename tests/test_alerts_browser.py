"""An alert in a page saved for offline use disappears after its end date by the phone's own date.

The reader saves English while an alert is in force, the server is killed, and the browser's clock
(Playwright's page clock, not the server's) moves on: the saved page still shows the alert on its last
day and hides it the day after. The server's day is fixed by its ``TODAY`` setting, so the test reads
the same next year.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from browser import Server, SiteDirs, build, copy_real_site, policy_violations, saved_guide, wait_for
from test_accessibility import AXE_OPTIONS, MIN_TAP_TARGET_PX, SMALL_TARGETS_JS

pytestmark = pytest.mark.browser

SERVER_DAY = "2031-03-10"
LAST_DAY = "2031-03-14"
ALERT_TEXT = "The fixture office is closed this week (browser test)."
PAGE_ALERT_TEXT = "The fixture desk has moved (browser test)."
READY_TIMEOUT_SECONDS = 60.0
NARROW_VIEWPORT = {"width": 320, "height": 640}
STATE = "document.querySelector('[data-offline-state]').getAttribute('data-offline-state')"
ALERT_SHOWN = """() => {
  const alert = document.querySelector('[data-alert-ends]');
  const box = document.querySelector('[data-alerts]');
  return {alert: Boolean(alert) && !alert.hidden && alert.offsetHeight > 0,
          box: Boolean(box) && !box.hidden && box.offsetHeight > 0};
}"""
ALERT = f"""starts: {SERVER_DAY}
ends: {LAST_DAY}
concerns: site
source: S140
text:
  en:
    text: {ALERT_TEXT}
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> SiteDirs:
    """The real content with one alert about the whole site, served as on ``SERVER_DAY``."""
    dirs = copy_real_site(tmp_path_factory.mktemp("alerts-site"), TODAY=SERVER_DAY)
    (dirs.content / "alerts").mkdir(exist_ok=True)
    (dirs.content / "alerts" / "browser-test.yaml").write_text(ALERT, encoding="utf-8")
    page_alert = ALERT.replace("concerns: site", "concerns: {page: asylum}").replace(
        ALERT_TEXT, PAGE_ALERT_TEXT
    )
    (dirs.content / "alerts" / "browser-test-asylum.yaml").write_text(page_alert, encoding="utf-8")
    build(dirs)
    return dirs


@pytest.fixture(scope="module")
def server(site) -> Iterator[Server]:
    """gunicorn serving the site; the test kills it to go offline."""
    with Server(site) as running:
        yield running


@pytest.mark.parametrize("lang", ["en", "ar", "ur"])
def test_pages_with_alerts_pass_axe_at_320_px_with_big_enough_targets(server, chromium, lang):
    server.ensure_running()
    context = chromium.new_context(viewport=NARROW_VIEWPORT, service_workers="block")
    context.clock.set_fixed_time(f"{SERVER_DAY}T10:00:00")  # the phone agrees the alerts are in force
    try:
        page = context.new_page()
        failures = []
        for path in (f"/{lang}/", f"/{lang}/asylum/"):
            page.goto(server.base_url + path)
            assert page.locator("[data-alerts]").is_visible(), path
            results = Axe().run(page, options=AXE_OPTIONS)
            if results.violations_count:
                failures.append(f"{path}:\n{results.generate_report()}")
            failures += [f"{path}: {small}" for small in page.evaluate(SMALL_TARGETS_JS, MIN_TAP_TARGET_PX)]
            if page.evaluate("document.documentElement.scrollWidth - window.innerWidth") > 0:
                failures.append(f"{path}: scrolls sideways")
        assert not failures, "\n".join(failures)
    finally:
        context.close()


def reload_at(page, moment: str, url: str) -> dict:
    """Set the phone's clock, open ``url`` again and return whether the alert and its box show."""
    page.context.clock.set_fixed_time(moment)
    page.goto(url)
    page.wait_for_load_state("load")
    return page.evaluate(ALERT_SHOWN)


def test_a_saved_alert_disappears_offline_the_day_after_it_ends(server, chromium):
    context = chromium.new_context(service_workers="allow")
    try:
        context.clock.set_fixed_time(f"{SERVER_DAY}T10:00:00")
        page = context.new_page()
        home = f"{server.base_url}/en/"
        page.goto(home)
        assert ALERT_TEXT in page.inner_text("main")
        assert page.evaluate(ALERT_SHOWN) == {"alert": True, "box": True}
        wait_for(page, f"{STATE} === 'ready'", READY_TIMEOUT_SECONDS, "the pack saved")
        topic = page.evaluate("document.querySelector('.topics a').href")
        server.stop()  # offline from here on: every page comes from the saved pack

        assert reload_at(page, f"{LAST_DAY}T23:30:00", home) == {"alert": True, "box": True}
        assert ALERT_TEXT in page.content()  # the saved page, not a server's answer
        assert reload_at(page, f"{LAST_DAY}T23:30:00", topic) == {"alert": True, "box": True}
        assert reload_at(page, "2031-03-15T00:30:00", home) == {"alert": False, "box": False}
        assert reload_at(page, "2031-03-15T00:30:00", topic) == {"alert": False, "box": False}
        assert reload_at(page, "2031-04-20T12:00:00", home) == {"alert": False, "box": False}
    finally:
        context.close()


def test_the_guide_file_hides_its_alerts_by_the_phones_date(site_dirs, chromium, tmp_path):
    guide = saved_guide(site_dirs, tmp_path, "en", "2024-09-15")
    context = chromium.new_context()
    try:
        page = context.new_page()
        blocked = policy_violations(page)
        shown = """() => Array.from(document.querySelectorAll('[data-alert-ends]'))
                      .filter((alert) => alert.offsetHeight > 0).map((alert) => alert.dataset.alertEnds)"""
        seen = {}
        for day in ("2024-09-16", "2024-09-21", "2024-10-20", "2024-10-21"):
            context.clock.set_fixed_time(f"{day}T12:00:00")
            page.goto(guide.as_uri())
            seen[day] = sorted(page.evaluate(shown))
        assert seen == {
            "2024-09-16": ["2024-09-20", "2024-09-30", "2024-10-20"],
            "2024-09-21": ["2024-09-30", "2024-10-20"],
            "2024-10-20": ["2024-10-20"],
            "2024-10-21": [],
        }
        assert page.evaluate("document.querySelector('[data-alerts]').hidden")
        assert not blocked, blocked  # the inline script runs by its hash; nothing else is asked to
    finally:
        context.close()
