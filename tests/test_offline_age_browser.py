"""A saved pack that tells the truth about time, in a real Chromium with the page's clock moved.

The reader saves Pashto today, loses the network, and opens the saved pages months later: a contact
that has become "may be out of date" since must say so, the footer must say how long the phone has not
checked for changes (after 30 days) and every page must say it on top (after 90 days). Only the
page's clock moves (Playwright's ``page.clock``); the server and the saved pack stay as they were, so
what the reader sees is decided by the phone from dates the pack carries. Once a pack is complete the
page asks the browser to keep it (``navigator.storage.persist``, stubbed to say yes and no) and says
plainly what a refusal means. The one-file guide, opened from the phone's files, decides its flags
the same way.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator

import pytest
from browser import Server, SiteDirs, build, copy_real_site, policy_violations, saved_guide, wait_for

from rightsinfo.content import read_content

pytestmark = pytest.mark.browser

LANG = "ps"
READY_TIMEOUT_SECONDS = 60.0
NOTICE_TIMEOUT_SECONDS = 10.0
STATE = "document.querySelector('[data-offline-state]')"
STALE_FLAGS = "document.querySelectorAll('main .stale').length"
AGE = f"{STATE}.getAttribute('data-offline-age')"
# Stubs navigator.storage before the page's scripts run; records each persist() call and the state then.
STORAGE_STUB = """(() => {
  window.persistCalls = [];
  const state = () => document.querySelector('[data-offline-state]').getAttribute('data-offline-state');
  Object.defineProperty(navigator, 'storage', { configurable: true, value: {
    persisted: () => Promise.resolve(false),
    persist: () => { window.persistCalls.push(state()); return Promise.resolve(GRANTED); },
    estimate: () => Promise.resolve({ usage: 3 * 1024 * 1024, quota: 200 * 1024 * 1024 }),
  } });
})();"""


@dataclasses.dataclass(frozen=True)
class Freshest:
    """The newest contact check in the content: the day the server is set to, and its organisation."""

    day: dt.date
    org_id: str


def freshest_contact(content_dir) -> Freshest:
    """Return the organisation whose contact was checked most recently, and that day."""
    content = read_content(content_dir)
    checked = [
        (contact.verified_on.first_day(), organisation.id)
        for organisation in content.organisations
        for contact in organisation.contacts
        if contact.verified_on
    ]
    day, org_id = max(checked)
    return Freshest(day, org_id)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> tuple[SiteDirs, Freshest]:
    """The real content, built with the one clock set to the day of its newest contact check."""
    dirs = copy_real_site(tmp_path_factory.mktemp("age-site"))
    freshest = freshest_contact(dirs.content)
    dirs = dataclasses.replace(dirs, settings=(("TODAY", freshest.day.isoformat()),))
    build(dirs)
    return dirs, freshest


@pytest.fixture(scope="module")
def server(site) -> Iterator[Server]:
    """gunicorn serving the module's site."""
    with Server(site[0]) as running:
        yield running


def noon(day: dt.date) -> dt.datetime:
    """Return midday of a day, so no time zone moves it to another date."""
    return dt.datetime.combine(day, dt.time(12))


def saved_context(chromium, server: Server, url: str, day: dt.date):
    """Return a browser context that saved the language at ``url`` with the page clock on ``day``."""
    server.ensure_running()
    context = chromium.new_context(service_workers="allow")
    page = context.new_page()
    page.clock.install(time=noon(day))
    page.goto(server.base_url + url)
    wait_for(page, f"{STATE}.getAttribute('data-offline-state') === 'ready'", READY_TIMEOUT_SECONDS, "ready")
    page.close()
    return context


def offline_page(context, server: Server, url: str, day: dt.date):
    """Open ``url`` from the saved pack with the page clock on ``day`` (the server is gone)."""
    page = context.new_page()
    page.clock.install(time=noon(day))
    page.goto(server.base_url + url)
    wait_for(page, f"{STATE}.getAttribute('data-offline-state') === 'ready'", READY_TIMEOUT_SECONDS, "ready")
    return page


def test_a_contact_that_became_stale_is_flagged_offline_by_the_phones_date(site, server, chromium):
    freshest = site[1]
    url = f"/{LANG}/organisations/{freshest.org_id}/"
    context = saved_context(chromium, server, url, freshest.day)
    server.stop()  # offline from here on
    try:
        today = offline_page(context, server, url, freshest.day)
        flags_then = today.evaluate(STALE_FLAGS)
        assert today.evaluate("document.querySelectorAll('main [data-stale-from]').length") > 0
        a_year_on = offline_page(context, server, url, freshest.day + dt.timedelta(days=365))
        flags_later = wait_for(
            a_year_on, f"{STALE_FLAGS} > {flags_then} && {STALE_FLAGS}", NOTICE_TIMEOUT_SECONDS, "a new flag"
        )
        flag = a_year_on.locator("main [data-stale-from] .stale").first
        assert flag.inner_text() == a_year_on.evaluate(f"{STATE}.getAttribute('data-stale')")
        assert flags_later > flags_then
    finally:
        context.close()


def test_the_saved_pack_says_its_age_after_30_days_and_on_every_page_after_90(site, server, chromium):
    freshest = site[1]
    home = f"/{LANG}/"
    context = saved_context(chromium, server, home, freshest.day)
    server.stop()
    try:
        fresh = offline_page(context, server, home, freshest.day + dt.timedelta(days=29))
        assert wait_for(fresh, AGE, NOTICE_TIMEOUT_SECONDS, "an age") == "fresh"
        assert fresh.locator("[data-offline-old]").count() == 0
        aged = offline_page(context, server, home, freshest.day + dt.timedelta(days=31))
        assert wait_for(aged, AGE, NOTICE_TIMEOUT_SECONDS, "an age") == "aged"
        footer = aged.locator("[data-offline-text]").inner_text()
        assert footer == aged.evaluate(f"{STATE}.getAttribute('data-aged')")
        assert aged.locator("[data-offline-old]").count() == 0, "not yet on top of the page"
        for url in (home, f"/{LANG}/organisations/{freshest.org_id}/"):
            old = offline_page(context, server, url, freshest.day + dt.timedelta(days=91))
            assert wait_for(old, AGE, NOTICE_TIMEOUT_SECONDS, "an age") == "old"
            banner = old.locator("main [data-offline-old]")
            assert banner.inner_text() == old.evaluate(f"{STATE}.getAttribute('data-old')")
            assert banner.get_attribute("role") == "alert"
    finally:
        context.close()


@pytest.mark.parametrize("granted", [True, False])
def test_a_complete_pack_asks_to_be_kept_and_says_what_a_refusal_means(site, server, chromium, granted):
    server.ensure_running()
    context = chromium.new_context(service_workers="allow")
    context.add_init_script(STORAGE_STUB.replace("GRANTED", "true" if granted else "false"))
    try:
        page = context.new_page()
        page.goto(f"{server.base_url}/{LANG}/")
        wait_for(page, f"{STATE}.getAttribute('data-offline-kept')", READY_TIMEOUT_SECONDS, "the answer")
        assert page.evaluate("window.persistCalls") == ["ready"], "asked once, when the pack was complete"
        note = page.locator("[data-offline-storage]").inner_text()
        refusal = page.evaluate(f"{STATE}.getAttribute('data-not-kept')")
        assert ("۳۰۷۲" in note) and ("۱۹۷" in note), note  # 3 MiB used, 197 MiB free, in Pashto digits
        assert (refusal in note) is not granted
        assert page.evaluate(f"{STATE}.getAttribute('data-offline-kept')") == ("yes" if granted else "no")
    finally:
        context.close()


def test_a_guide_file_flags_a_contact_that_became_stale_by_the_phones_date(site_dirs, chromium, tmp_path):
    freshest = freshest_contact(site_dirs["content"])
    guide = saved_guide(site_dirs, tmp_path, LANG, freshest.day.isoformat())  # published that day
    context = chromium.new_context()
    try:
        page = context.new_page()
        blocked = policy_violations(page)
        contact = f"#o-{freshest.org_id} [data-stale-from]"
        for day, flags in ((freshest.day, 0), (freshest.day + dt.timedelta(days=365), 1)):
            page.clock.install(time=noon(day))
            page.goto(guide.as_uri())
            assert page.locator(contact).count() == 1, day
            assert page.locator(f"{contact} .stale").count() == flags, day
        written = page.locator(".stale:not([data-stale-from] .stale)").first.inner_text()  # by the build
        assert page.locator(f"{contact} .stale").inner_text() == written  # the words the build writes
        assert not blocked, blocked  # the inline script runs by its hash
    finally:
        context.close()
