"""'Report a mistake': a mailto: link in the reader's language when FEEDBACK_EMAIL is set, else nothing."""

from __future__ import annotations

import re
import subprocess
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import PROJECT_DIR, make_app

from rightsinfo import create_app, db
from rightsinfo.build import build_site
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
    return app


def report_link(client, url: str) -> tuple[str, dict[str, str], str]:
    """Return the page's report link: address, decoded subject and body, and the link's text."""
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.get_data(as_text=True)
    found = MAILTO.findall(html)
    assert len(found) == 1, f"{url}: expected one report link, found {len(found)}"
    href, text = found[0]
    href = href.replace("&amp;", "&")
    assert not re.search(r"[\s<>\"#&%]", href.split("?", 1)[1].replace("&body=", "").replace("%", "")), href
    parts = urlsplit(href)
    fields = {name: values[0] for name, values in parse_qs(parts.query, strict_parsing=True).items()}
    return parts.path, fields, text


@pytest.mark.parametrize("lang", ["en", "ps", "prs", "ar", "ur"])
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
    if lang != "en":
        # Arabic-script text in the link, the subject and the body: the reader's language, not English.
        _address, fields, text = report_link(client, f"/{lang}/asylum/")
        for shown in (text, fields["subject"].split("(")[0], fields["body"]):
            assert re.search("[\u0600-\u06ff]", shown), shown
        assert "Report a mistake" not in text and "What is wrong" not in fields["body"]


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
