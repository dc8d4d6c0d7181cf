"""Accessibility judged by real tools: axe-core in Chromium at 320 px, tap targets, no sideways scroll."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from browser import served_real_site
from browser_stubs import SPEECH_STUB

from rightsinfo.i18n import LOCALE_BY_PREFIX, languages

pytestmark = pytest.mark.browser

NARROW_VIEWPORT = {"width": 320, "height": 640}
MIN_TAP_TARGET_PX = 48
PREFIXES = tuple(LOCALE_BY_PREFIX)
PATHS = (
    "/{lang}/",
    "/{lang}/asylum/",
    "/{lang}/emergency/",
    "/{lang}/organisations/",
    "/{lang}/organisations/astra/",
    "/{lang}/cards/",
    "/{lang}/papers/",
    "/{lang}/search?q=azil",
    "/{lang}/search?q=qqqzzz",
    "/{lang}/about/",
    "/{lang}/print/",
    "/{lang}/no-such-page/",
)
# "best-practice" adds the rules a screen-reader user feels most: every bit of content inside a landmark
# ("region"), one main, one h1, headings in order.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}

# Every link, button and field a reader taps, measured as laid out (inline links inside running text
# are exempt, as WCAG 2.5.8 allows: they flow with the sentence).
SMALL_TARGETS_JS = """(min) => Array.from(document.querySelectorAll('a, button, select, input'))
  .filter(el => !el.closest('article p, article li, .sources, .notice, .skip'))
  .filter(el => el.offsetParent !== null)
  .map(el => [el, el.getBoundingClientRect()])
  .filter(([el, box]) => box.height < min - 0.5 || box.width < min - 0.5)
  .map(([el, box]) => `${el.tagName} "${el.textContent.trim().slice(0, 30)}" ${box.width}x${box.height}`)"""


# A voice per page language, as a phone with each would have; Dari gets the Persian fallback.
# Each page is read by a voice of its own language (its HTML tag), Dari's by the Persian (Iran) voice
# phones commonly have instead.
VOICES = {language.prefix: language.tag for language in languages()} | {"prs": "fa-IR"}
CONTROL_PATHS = ("/{lang}/asylum/", "/{lang}/organisations/astra/", "/{lang}/cards/")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The real site, with an address for "Report a mistake", served by gunicorn for the whole module."""
    with served_real_site(
        tmp_path_factory.mktemp("a11y"), FEEDBACK_EMAIL="corrections@example.org"
    ) as server:
        yield server


@pytest.fixture(scope="module")
def page(site, chromium):
    """A Chromium page 320 px wide."""
    context = chromium.new_context(viewport=NARROW_VIEWPORT, service_workers="block")
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("lang", PREFIXES)
def test_axe_finds_no_wcag_violations_at_320_px(site, page, lang):
    axe = Axe()
    failures = []
    for path in PATHS:
        page.goto(site.base_url + path.format(lang=lang))
        results = axe.run(page, options=AXE_OPTIONS)
        if results.violations_count:
            failures.append(f"{path.format(lang=lang)}:\n{results.generate_report()}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("lang", PREFIXES)
def test_tap_targets_are_at_least_48_px_and_nothing_scrolls_sideways(site, page, lang):
    problems = []
    for path in PATHS:
        url = site.base_url + path.format(lang=lang)
        page.goto(url)
        small = page.evaluate(SMALL_TARGETS_JS, MIN_TAP_TARGET_PX)
        if small:
            problems.append(f"{url}: {small}")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            problems.append(f"{url}: {overflow}px wider than the 320 px screen")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", PREFIXES)
def test_pages_with_listen_share_and_report_controls_open_stay_clean(site, chromium, lang):
    """axe, tap targets and width with every new control shown: reading, the QR code open."""
    context = chromium.new_context(viewport=NARROW_VIEWPORT, service_workers="block")
    try:
        voices = [{"lang": VOICES[lang], "name": "Voice"}]
        context.add_init_script(script=f"({SPEECH_STUB})({voices!r})")
        page = context.new_page()
        axe = Axe()
        problems = []
        for path in CONTROL_PATHS:
            url = site.base_url + path.format(lang=lang)
            page.goto(url)
            page.locator("[data-read-start]").click()  # fails if the control is not shown
            page.locator(".share-qr summary").click()
            page.locator(".share-qr img").wait_for(state="visible")
            assert page.locator(".read-aloud-current").count() == 1, url
            assert page.locator(".report-mistake a[href^='mailto:']").count() == 1, url
            results = axe.run(page, options=AXE_OPTIONS)
            if results.violations_count:
                problems.append(f"{url}:\n{results.generate_report()}")
            small = page.evaluate(SMALL_TARGETS_JS, MIN_TAP_TARGET_PX)
            if small:
                problems.append(f"{url}: {small}")
            if page.evaluate("document.documentElement.scrollWidth - window.innerWidth") > 0:
                problems.append(f"{url}: wider than the 320 px screen")
    finally:
        context.close()
    assert not problems, "\n".join(problems)
