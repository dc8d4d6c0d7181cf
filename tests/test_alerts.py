"""Alerts: short news with an end date, checked by the build, shown while in force by the one clock.

The fixture alerts (tests/fixtures/content/alerts) hold in September and October 2024: one about the
whole site (translated into Pashto with the same numbers and into Arabic with another date), one
about the page alpha and one about the organisation clinic. Each test sets the day it needs.
"""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

import pytest
from conftest import make_app

from rightsinfo.assets import STATIC_DIR
from rightsinfo.build import build_site
from rightsinfo.content import ContentError, read_content
from rightsinfo.publish.published import write_published

ALL_IN_FORCE = "2024-09-15"
ALERTS_SCRIPT = (STATIC_DIR / "alerts.js").read_text(encoding="utf-8")
SITE_TEXT = "The fixture office is closed until 30 September."
PAGE_TEXT = "The help desk of the alpha page has moved to the second floor."
CLINIC_TEXT = "The fixture clinic sees no new patients this week."
PASHTO_TEXT = "د فکسچر دفتر تر ۳۰ سپتمبر پورې تړل دی."
ARABIC_TEXT = "مكتب الاختبار مغلق حتى 29 سبتمبر."


def client_on(site_dirs, day: str):
    """Return a test client of the fixture site (built once per test) on a given day."""
    if not (site_dirs["instance"] / "rightsinfo.sqlite3").exists():
        build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
    return make_app(site_dirs, TODAY=day).test_client()


def text_of(client, url: str) -> str:
    """Return a page's HTML, failing on anything but 200."""
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def write_alert(content: Path, name: str, text: str) -> Path:
    """Write one alert file into a content folder."""
    path = content / "alerts" / f"{name}.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


GOOD_ALERT = """starts: 2024-09-01
ends: 2024-09-30
concerns: site
source: S1
text:
  en:
    text: Something changed.
"""


def test_home_shows_every_alert_in_force_and_links_to_what_it_concerns(site_dirs):
    html = text_of(client_on(site_dirs, ALL_IN_FORCE), "/en/")
    for text in (SITE_TEXT, PAGE_TEXT, CLINIC_TEXT):
        assert text in html
    assert 'href="/en/alpha/">More about this</a>' in html
    assert 'href="/en/organisations/clinic/">More about this</a>' in html
    assert "Valid until 30 Sep 2024. Source S1, dated 22 Aug 2024." in html


def test_a_page_or_record_shows_the_alerts_about_it_and_the_whole_site(site_dirs):
    client = client_on(site_dirs, ALL_IN_FORCE)
    alpha, beta = text_of(client, "/en/alpha/"), text_of(client, "/en/beta/")
    clinic, helpers = (
        text_of(client, "/en/organisations/clinic/"),
        text_of(client, "/en/organisations/helpers/"),
    )
    assert PAGE_TEXT in alpha and SITE_TEXT in alpha and CLINIC_TEXT not in alpha
    assert PAGE_TEXT not in beta and SITE_TEXT in beta
    assert CLINIC_TEXT in clinic and SITE_TEXT in clinic and PAGE_TEXT not in clinic
    assert CLINIC_TEXT not in helpers and SITE_TEXT in helpers
    # At the top: before the page's own heading.
    assert alpha.index(PAGE_TEXT) < alpha.index("<h1")


def test_an_alert_shows_on_its_last_day_and_not_the_day_after(site_dirs):
    client = client_on(site_dirs, "2024-09-30")
    assert SITE_TEXT in text_of(client, "/en/")
    later = client_on(site_dirs, "2024-10-01")
    assert SITE_TEXT not in text_of(later, "/en/")
    assert PAGE_TEXT in text_of(later, "/en/")
    assert PAGE_TEXT not in text_of(client_on(site_dirs, "2024-10-21"), "/en/alpha/")


def test_an_alert_shows_from_its_first_day_not_before(site_dirs):
    assert SITE_TEXT in text_of(client_on(site_dirs, "2024-09-01"), "/en/")
    assert SITE_TEXT not in text_of(client_on(site_dirs, "2024-08-31"), "/en/")


def test_a_page_without_alerts_carries_no_alert_bytes(site_dirs):
    client = client_on(site_dirs, "2025-01-01")
    for url in ("/en/", "/ps/alpha/", "/en/organisations/clinic/"):
        html = text_of(client, url)
        assert "data-alerts" not in html and "alerts." not in html, url
    with_alerts = text_of(client_on(site_dirs, ALL_IN_FORCE), "/en/")
    assert re.search(r'<script src="/static/alerts\.[0-9a-f]+\.js" defer>', with_alerts)


def test_a_translated_alert_is_shown_in_the_readers_language_as_a_draft(site_dirs):
    html = text_of(client_on(site_dirs, ALL_IN_FORCE), "/ps/")
    assert PASHTO_TEXT in html
    assert SITE_TEXT not in html
    # The alert about alpha has no Pashto: English, marked as English, with the usual notice.
    assert f'<p lang="en" dir="ltr">{PAGE_TEXT}</p>' in html


def test_a_translation_with_other_numbers_than_the_english_is_never_shown(site_dirs):
    html = text_of(client_on(site_dirs, ALL_IN_FORCE), "/ar/")
    assert ARABIC_TEXT not in html
    assert SITE_TEXT in html


def test_an_empty_or_missing_alerts_folder_is_no_alerts(site_dirs):
    shutil.rmtree(site_dirs["content"] / "alerts")
    assert read_content(site_dirs["content"]).alerts == []
    (site_dirs["content"] / "alerts").mkdir()
    assert read_content(site_dirs["content"]).alerts == []
    build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
    assert "data-alerts" not in text_of(make_app(site_dirs, TODAY=ALL_IN_FORCE).test_client(), "/en/")


@pytest.mark.parametrize(
    ("change", "line", "message"),
    [
        # A missing key is reported at the start of the mapping it is missing from (the YAML parser's mark).
        (("ends: 2024-09-30\n", ""), 1, "'ends' is missing"),
        (
            ("ends: 2024-09-30", "ends: 2024-12-01"),
            2,
            "'ends' is 91 days after 'starts'; an alert lasts at most 90",
        ),
        (("ends: 2024-09-30", "ends: 2024-08-30"), 2, "'ends' is before 'starts'"),
        (("starts: 2024-09-01", "starts: 2024-09"), 1, "'starts' must be a day (YYYY-MM-DD)"),
        (
            ("concerns: site", "concerns: {page: gamma}"),
            3,
            "'concerns': there is no page 'gamma' in content/pages",
        ),
        (("concerns: site", "concerns: {organisation: nobody}"), 3, "there is no organisation 'nobody'"),
        (("concerns: site", "concerns: everything"), 3, "'concerns' must say what the alert is about"),
        (("source: S1", "source: S99"), 4, "'source': source 'S99' is not in content/sources.yaml"),
        (
            ("    text: Something changed.", "    words: Something changed."),
            6,  # the English entry's own line, inside 'text'
            "'text' for 'en' needs a 'text'",
        ),
    ],
)
def test_a_broken_alert_fails_the_build_naming_file_and_line(site_dirs, change, line, message):
    write_alert(site_dirs["content"], "broken", GOOD_ALERT.replace(*change))
    with pytest.raises(ContentError) as caught:
        read_content(site_dirs["content"])
    where = "content/alerts/broken.yaml" + (f":{line}" if line else "")
    assert any(
        problem.startswith(f"{where}: ") and message in problem for problem in caught.value.problems
    ), caught.value.problems


def test_an_alert_needs_a_source_that_shows_a_date(site_dirs):
    sources = site_dirs["content"] / "sources.yaml"
    sources.write_text(
        sources.read_text() + "S9:\n  url: https://example.org/nine\n  title: Undated\n  supports: x\n"
    )
    write_alert(site_dirs["content"], "undated", GOOD_ALERT.replace("source: S1", "source: S9"))
    with pytest.raises(ContentError) as caught:
        read_content(site_dirs["content"])
    assert "content/alerts/undated.yaml:4: 'source': S9 shows no date; an alert needs a dated source" in (
        caught.value.problems
    )


def test_a_good_alert_of_ninety_days_builds(site_dirs):
    write_alert(site_dirs["content"], "long", GOOD_ALERT.replace("ends: 2024-09-30", "ends: 2024-11-30"))
    alerts = {alert.id: alert for alert in read_content(site_dirs["content"]).alerts}
    assert (alerts["long"].ends - alerts["long"].starts).days == 90


def published_guide(site_dirs, day: str):
    """Return the English guide as the build publishes it on a given day."""
    client_on(site_dirs, day)
    app = make_app(site_dirs, TODAY=day)
    write_published(app, only=["en"])
    return app.test_client().get("/en/guide.html")


def test_the_guide_prints_alerts_in_force_with_their_last_day_and_their_script_inline(site_dirs):
    response = published_guide(site_dirs, ALL_IN_FORCE)
    html = response.get_data(as_text=True)
    assert SITE_TEXT in html and PAGE_TEXT in html
    assert "Valid until 30 Sep 2024." in html
    scripts = re.findall(r"<script>(.*?)</script>", html, re.DOTALL)
    assert ALERTS_SCRIPT in scripts and " src=" not in html
    digest = base64.b64encode(hashlib.sha256(ALERTS_SCRIPT.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in response.headers["Content-Security-Policy"]
    assert f"'sha256-{digest}'" in unescape(html)  # the file's own policy, for when it is opened offline


def test_a_guide_without_alerts_holds_no_alert_script(site_dirs):
    html = published_guide(site_dirs, "2025-01-01").get_data(as_text=True)
    assert "data-alerts" not in html and ALERTS_SCRIPT not in html


def test_a_leaflet_prints_the_alerts_of_its_page_with_their_last_day(site_dirs):
    response = client_on(site_dirs, ALL_IN_FORCE).get("/en/alpha/leaflet.pdf")
    assert response.status_code == 200
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.data, capture_output=True, check=True
    ).stdout.decode()
    assert "moved to the second floor." in text
    assert "Valid until 20 Oct 2024." in " ".join(text.split())
    assert "no new patients" not in text


def test_the_directory_and_pack_leaflets_print_every_alert_in_force(site_dirs):
    client = client_on(site_dirs, ALL_IN_FORCE)
    for url in ("/en/organisations/leaflet.pdf", "/en/print/pack.pdf?topics=beta&topics=organisations"):
        response = client.get(url)
        assert response.status_code == 200, url
        text = " ".join(
            subprocess.run(["pdftotext", "-", "-"], input=response.data, capture_output=True, check=True)
            .stdout.decode()
            .split()
        )
        assert "The fixture clinic sees no new patients this week." in text, url
        assert "Valid until 20 Sep 2024." in text, url
