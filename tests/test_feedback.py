"""'Report a mistake': a mailto: link in the reader's language when FEEDBACK_EMAIL is set, else nothing."""

from __future__ import annotations

import html as html_lib
import re
import subprocess
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import PROJECT_DIR, make_app
from flask_babel import force_locale, gettext

from rightsinfo import create_app, db, i18n
from rightsinfo.build import build_site
from rightsinfo.publish.published import write_published
from rightsinfo.site import connection

ADDRESS = "fix-it@example.org"
MAILTO = re.compile(r'<p class="report-mistake"><a href="(mailto:[^"]+)">([^<]+)</a></p>')
READER_PAGES = (
    "/{lang}/asylum/",
    "/{lang}/organisations/astra/",
    "/{lang}/cards/",
    "/{lang}/organisations/",
    "/{lang}/guide.html",
)


@pytest.fixture(scope="module")
def feedback_app(tmp_path_factory):
    """The real content and catalogues, with an address for mistakes."""
    instance = tmp_path_factory.mktemp("feedback-instance")
    dirs = {"content": PROJECT_DIR / "content", "translations": PROJECT_DIR / "translations"}
    dirs["instance"] = instance
    build_site(dirs["content"], dirs["translations"], instance)
    app = make_app(dirs)
    app.config.update(FEEDBACK_EMAIL=ADDRESS, PUBLIC_BASE_URL="https://help.example.org")
    write_published(app)  # the guides hold the address as the build wrote them
    return app


def report_link(client, url: str) -> tuple[str, dict[str, str], str]:
    """Return the page's report link: address, decoded subject and body, and the link's text."""
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.get_data(as_text=True)
    found = MAILTO.findall(html)
    assert len(found) == 1, f"{url}: expected one report link, found {len(found)}"
    href, text = found[0]
    href = html_lib.unescape(href)  # Turkish titles carry apostrophes ("Sırbistan'da"), written &#39;
    assert not re.search(r"[\s<>\"#&%]", href.split("?", 1)[1].replace("&body=", "").replace("%", "")), href
    parts = urlsplit(href)
    fields = {name: values[0] for name, values in parse_qs(parts.query, strict_parsing=True).items()}
    return parts.path, fields, text


@pytest.mark.parametrize("lang", list(i18n.LOCALE_BY_PREFIX))
def test_every_reader_page_has_a_report_link_in_the_readers_language(feedback_app, lang):
    client = feedback_app.test_client()
    for template in READER_PAGES:
        address, fields, text = report_link(client, template.format(lang=lang))
        assert address == ADDRESS
        assert sorted(fields) == ["body", "subject"]
        url = template.format(lang=lang)
        assert url in fields["subject"]  # the editor's key to the page
        assert fields["body"].endswith("\r\n\r\nhttps://help.example.org" + url)
    with feedback_app.test_request_context(f"/{lang}/asylum/"):
        title = db.page(connection(), lang, "asylum")["title"]
    assert title in report_link(client, f"/{lang}/asylum/")[1]["subject"]
    # The link, the subject and the body are the reader's catalogue's words (English until translated).
    _address, fields, text = report_link(client, f"/{lang}/asylum/")
    with feedback_app.test_request_context(f"/{lang}/asylum/"), force_locale(i18n.LOCALE_BY_PREFIX[lang]):
        assert text == gettext("Report a mistake")
        body = gettext("What is wrong on this page? Write what it says, what is right, and how you know.")
        assert fields["body"].startswith(body)
        assert fields["subject"].startswith(gettext("Mistake on %(page)s (%(language)s)").split("%")[0])


def test_translated_languages_report_in_their_own_words(feedback_app):
    """Pashto, say, does not fall back to English: a translated catalogue is really used."""
    text = report_link(feedback_app.test_client(), "/ps/asylum/")[2]
    assert re.search("[\u0600-\u06ff]", text) and "Report a mistake" not in text


def language_request(client, url: str) -> tuple[str, dict[str, str]] | None:
    """Return the "My language is not here" link's address and decoded fields, or None without one."""
    html = client.get(url).get_data(as_text=True)
    found = re.findall(r'<p class="report-mistake language-request"><a href="(mailto:[^"]+)">', html)
    if not found:
        return None
    parts = urlsplit(html_lib.unescape(found[0]))
    return parts.path, {name: values[0] for name, values in parse_qs(parts.query).items()}


@pytest.mark.parametrize("lang", list(i18n.LOCALE_BY_PREFIX))
def test_my_language_is_not_here_opens_a_mail_to_the_feedback_address(feedback_app, lang):
    client = feedback_app.test_client()
    found = language_request(client, f"/{lang}/about/")
    assert found is not None
    address, fields = found
    assert address == ADDRESS
    with feedback_app.test_request_context(f"/{lang}/about/"), force_locale(i18n.LOCALE_BY_PREFIX[lang]):
        assert fields["subject"] == gettext("Please add my language")
        assert fields["body"].startswith(gettext("Please add my language:"))
    # Only on the About page and the chooser, not on every page.
    assert language_request(client, f"/{lang}/asylum/") is None
    chooser = language_request(client, "/")
    assert chooser is not None and chooser[0] == ADDRESS


def test_my_language_is_not_here_is_absent_without_an_address(client):
    assert language_request(client, "/") is None
    assert language_request(client, "/en/about/") is None


def test_subject_names_the_page_title_and_the_language(feedback_app):
    _address, fields, _text = report_link(feedback_app.test_client(), "/prs/organisations/astra/")
    assert fields["subject"].endswith("(دری) /prs/organisations/astra/")
    assert "ASTRA" in fields["subject"]


def test_no_report_link_anywhere_without_an_address(client):
    for url in ("/en/alpha/", "/ps/alpha/", "/ps/organisations/helpers/", "/ps/cards/", "/translators/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "mailto:" not in response.get_data(as_text=True), url
        assert "report-mistake" not in response.get_data(as_text=True), url


def test_translators_page_gives_reviewers_the_address(feedback_app):
    html = feedback_app.test_client().get("/translators/").get_data(as_text=True)
    assert f'href="mailto:{ADDRESS}"' in html


def pdf_text(pdf: bytes, folder) -> str:
    """Return the words pdftotext reads from a PDF."""
    path = folder / "leaflet.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return " ".join(result.stdout.decode().split())


def test_leaflet_gives_the_address_only_when_one_is_set(site_dirs, tmp_path):
    build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
    app = make_app(site_dirs)
    without = app.test_client().get("/en/alpha/leaflet.pdf")
    assert without.status_code == 200
    assert "Write to" not in pdf_text(without.data, tmp_path)
    # A second app on the same folder, as after a restart with the setting: the PDF saved on disk
    # by the first must not be served again without the line.
    app_with_address = create_app({**app.config, "FEEDBACK_EMAIL": ADDRESS})
    with_address = app_with_address.test_client().get("/en/alpha/leaflet.pdf")
    assert with_address.status_code == 200
    assert f"Something wrong on this leaflet? Write to {ADDRESS}" in pdf_text(with_address.data, tmp_path)
