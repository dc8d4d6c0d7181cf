"""The multilingual site: every page in every language, direction, fallbacks, errors, caching."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from conftest import without_isolation

from rightsinfo.i18n import languages
from rightsinfo.publish.published import write_published

# Every language of the site (the languages file), with its HTML tag and direction.
EXPECTED = {language.prefix: (language.tag, language.direction) for language in languages()}
PREFIXES = list(EXPECTED)
# What CLDR must say for some languages: Dari is not Babel's own locale, Turkish is written left to right.
KNOWN_TAGS = {"prs": ("fa-AF", "rtl"), "ps": ("ps", "rtl"), "tr": ("tr", "ltr"), "en": ("en", "ltr")}


def html_attrs(body: str) -> tuple[str, str]:
    """Return the lang and dir of the <html> element."""
    match = re.search(r'<html lang="([^"]+)" dir="([^"]+)">', body)
    assert match, "no <html lang dir> element"
    return match.group(1), match.group(2)


def site_paths(prefix: str) -> list[str]:
    """Return every reader page of the fixture site in one language."""
    return [
        f"/{prefix}/",
        f"/{prefix}/alpha/",
        f"/{prefix}/beta/",
        f"/{prefix}/about/",
        f"/{prefix}/organisations/",
        f"/{prefix}/organisations/helpers/",
        f"/{prefix}/organisations/clinic/",
        f"/{prefix}/cards/",
        f"/{prefix}/search?q=azil",
        f"/{prefix}/offline/",
    ]


@pytest.mark.parametrize("prefix", PREFIXES)
def test_every_page_in_every_language_has_lang_dir_and_language_links(client, prefix):
    lang, direction = EXPECTED[prefix]
    for path in site_paths(prefix):
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.get_data(as_text=True)
        assert html_attrs(body) == (lang, direction), path
        bare = path.split("?")[0]
        for other in PREFIXES:
            same_page = f"/{other}/" + bare.split("/", 2)[2]
            assert f'href="{same_page}"' in body, f"{path} lacks a link to {same_page}"
            assert f'hreflang="{EXPECTED[other][0]}"' in body


@pytest.mark.parametrize("prefix", [prefix for prefix in KNOWN_TAGS if prefix in EXPECTED])
def test_tags_and_directions_are_cldrs(prefix):
    assert EXPECTED[prefix] == KNOWN_TAGS[prefix]


def test_direction_comes_from_babel_locale_data():
    from babel import Locale

    for language in languages():
        assert language.direction == Locale.parse(language.locale_id).text_direction


def test_chooser_names_each_language_in_its_own_script(client):
    body = client.get("/").get_data(as_text=True)
    for language in languages():
        chosen = re.escape(f'lang="{language.tag}" dir="{language.direction}"')
        assert re.search(chosen + f'( class="best")?>{re.escape(language.native_name)}</a>', body), language
    for name in ("English", "پښتو", "دری", "العربية", "اردو", "Türkçe"):
        assert name in body


@pytest.mark.parametrize(
    ("header", "first"),
    [
        ("fa-IR", "/prs/"),
        ("fa", "/prs/"),
        ("prs", "/prs/"),
        ("fa-AF,en;q=0.5", "/prs/"),
        ("ps-AF", "/ps/"),
        ("ur-PK", "/ur/"),
        ("ur-IN", "/ur/"),
        ("ar-EG", "/ar/"),
        ("de-DE,ar-SA;q=0.4", "/ar/"),
        ("de", "/en/"),
        ("", "/en/"),
    ],
)
def test_chooser_puts_best_accept_language_match_first(client, header, first):
    response = client.get("/", headers={"Accept-Language": header})
    body = response.get_data(as_text=True)
    chooser = body.split('class="chooser"', 1)[1]
    links = re.findall(r'<li><a href="(/[a-z]+/)"', chooser)
    assert links[0] == first
    assert "Set-Cookie" not in response.headers
    assert "Accept-Language" in response.headers.get("Vary", "")


def test_untranslated_page_falls_back_to_english_with_notice(client):
    body = client.get("/ps/beta/").get_data(as_text=True)
    assert '<article lang="en" dir="ltr">' in body
    assert "Where is the doctor?" in body
    assert "not yet translated" in body


def test_translated_draft_page_shows_its_language_and_a_draft_notice(client):
    body = client.get("/ps/alpha/").get_data(as_text=True)
    assert "زه څنګه مرسته وغواړم؟" in body
    assert '<article lang="en"' not in body
    assert "draft" in body


def test_outdated_translation_says_the_english_changed(client):
    body = client.get("/ar/alpha/").get_data(as_text=True)
    assert "The English page has changed since this translation was made" in body
    assert 'href="/en/alpha/"' in body


def test_interface_strings_fall_back_to_english_per_string(client):
    body = client.get("/ps/").get_data(as_text=True)
    assert "موضوعګانې" in body  # translated in the fixture catalogue
    assert "Organisations that can help" in body  # not translated: English


def test_dates_use_the_locales_digits(client):
    assert "۲۱ نومبر ۲۰۲۶" in client.get("/ps/alpha/").get_data(as_text=True)
    assert "21 Nov 2026" in client.get("/en/alpha/").get_data(as_text=True)


def test_phone_numbers_are_tel_links_isolated_left_to_right(client):
    body = client.get("/ar/alpha/").get_data(as_text=True)
    assert (
        '<bdi dir="ltr" class="tel"><a href="tel:+381117850000" rel="noopener noreferrer">'
        "+381 11 785 0000</a></bdi>" in body
    )
    org = client.get("/ps/organisations/helpers/").get_data(as_text=True)
    assert '<bdi dir="ltr" class="tel"><a href="tel:+381117850000">+381 11 785 0000</a></bdi>' in org


def test_home_always_shows_the_emergency_numbers(client):
    for prefix in PREFIXES:
        body = client.get(f"/{prefix}/").get_data(as_text=True)
        assert 'href="tel:192"' in body and 'href="tel:194"' in body


def test_directory_filters_by_city_and_kind_without_javascript(client):
    everything = client.get("/en/organisations/").get_data(as_text=True)
    assert "Fixture Helpers" in everything and "Fixture Clinic" in everything
    by_city = client.get("/en/organisations/?city=Niš").get_data(as_text=True)
    assert "Fixture Clinic" in by_city and "Fixture Helpers" not in by_city
    by_kind = client.get("/en/organisations/?kind=legal").get_data(as_text=True)
    assert "Fixture Helpers" in by_kind and "Fixture Clinic" not in by_kind
    unknown = client.get("/en/organisations/?city=<script>&kind=nope")
    assert unknown.status_code == 200
    assert "<script>" not in unknown.get_data(as_text=True)


def test_a_contact_is_flagged_out_of_date_only_after_the_limit(app):
    # The fixture clinic's e-mail address was checked on 1 October 2026; the limit is a setting.
    checked = dt.date(2026, 10, 1)
    last_fresh_day = checked + dt.timedelta(days=app.config["CONTACT_STALE_AFTER_DAYS"])
    client = app.test_client()
    app.config["TODAY"] = last_fresh_day
    flag = '<strong class="stale">May be out of date'  # every page also carries the words for offline.js
    assert flag not in client.get("/en/organisations/clinic/").get_data(as_text=True)
    app.config["TODAY"] = last_fresh_day + dt.timedelta(days=1)
    assert flag in client.get("/en/organisations/clinic/").get_data(as_text=True)
    app.config["TODAY"] = checked
    assert flag in client.get("/en/organisations/helpers/").get_data(as_text=True)


def test_organisation_pages_show_the_date_their_record_and_contacts_were_checked(client):
    english = client.get("/en/organisations/helpers/").get_data(as_text=True)
    assert "Record checked against source S2, dated 3 Jul 2025." in english
    assert "Source S2, dated 1 Jan 2014" in english
    pashto = without_isolation(client.get("/ps/organisations/helpers/").get_data(as_text=True))
    assert "dated ۳ جولای ۲۰۲۵." in pashto and "dated ۱ جنوري ۲۰۱۴" in pashto


def test_sources_read_alike_on_pages_organisations_and_the_guide(app, client):
    write_published(app, only=["ps"])
    entry = re.compile(
        r'<bdi>S1</bdi> Fixture source one <span class="source-date">\([^)]+\)</span> '
        r'<bdi class="url">https://example.org/one</bdi>'
    )
    for path in ("/ps/alpha/", "/ps/organisations/helpers/", "/ps/guide.html"):
        assert entry.search(client.get(path).get_data(as_text=True)), path


@pytest.mark.parametrize(
    ("path", "lang"),
    [
        ("/xx/", "en"),
        ("/xx/alpha/", "en"),
        ("/ps/nowhere/", "ps"),
        ("/prs/organisations/nobody/", "fa-AF"),
        ("/ur/nowhere/deeper/still", "ur"),
    ],
)
def test_unknown_language_or_page_is_a_404_in_the_readers_language(client, path, lang):
    response = client.get(path)
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert html_attrs(body)[0] == lang
    assert 'href="/en/"' in body and 'href="/ps/"' in body


def test_pages_have_etags_and_answer_304(client):
    first = client.get("/en/alpha/")
    etag = first.headers["ETag"]
    again = client.get("/en/alpha/", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""


def test_pages_are_compressed_when_the_client_accepts_it(client):
    import brotli

    plain = client.get("/en/alpha/").get_data()
    compressed = client.get("/en/alpha/", headers={"Accept-Encoding": "gzip, br"})
    assert compressed.headers["Content-Encoding"] == "br"
    assert brotli.decompress(compressed.get_data()) == plain


@pytest.mark.parametrize(
    ("accept_encoding", "sent"),
    [
        ("*", "br"),
        ("gzip;q=1, br;q=0.5", "gzip"),
        ("br;q=0, *", "gzip"),
        ("br;q=0, gzip;q=0", None),
        ("identity", None),
    ],
)
def test_compression_follows_the_readers_accept_encoding_wildcards_included(client, accept_encoding, sent):
    for attempt in ("rendered", "from the page cache"):
        response = client.get("/en/alpha/", headers={"Accept-Encoding": accept_encoding})
        assert response.headers.get("Content-Encoding") == sent, attempt


def test_a_page_the_reader_has_in_any_form_answers_304(client):
    etag = client.get("/en/alpha/").headers["ETag"]
    for if_none_match in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        assert client.get("/en/alpha/", headers={"If-None-Match": if_none_match}).status_code == 304
    assert client.get("/en/alpha/", headers={"If-None-Match": '"other"'}).status_code == 200


def test_static_assets_are_fingerprinted_and_immutable(client):
    body = client.get("/en/").get_data(as_text=True)
    css = re.search(r'href="(/static/site\.[0-9a-f]{10}\.css)"', body).group(1)
    response = client.get(css)
    assert response.status_code == 200
    assert "immutable" in response.headers["Cache-Control"]
    assert client.get("/static/site.0000000000.css").status_code == 404


def test_no_reader_response_sets_a_cookie(client):
    for path in [*site_paths("ps"), "/", "/xx/"]:
        assert "Set-Cookie" not in client.get(path).headers, path


def test_start_up_warns_when_leaflets_would_print_the_placeholder_address(monkeypatch):
    from rightsinfo import gunicorn_conf

    class Server:
        """Stands in for gunicorn's arbiter: only its log is used."""

        def __init__(self):
            self.warnings = []
            self.log = self
            self.warning = self.warnings.append

    publishing = []  # the start hook's other duty, tested with a real gunicorn in test_publish_start
    monkeypatch.setattr(gunicorn_conf, "publish_missing", publishing.append)
    monkeypatch.delenv("RIGHTSINFO_PUBLIC_BASE_URL", raising=False)
    placeholder = Server()
    gunicorn_conf.when_ready(placeholder)
    assert any("RIGHTSINFO_PUBLIC_BASE_URL" in warning for warning in placeholder.warnings)
    monkeypatch.setenv("RIGHTSINFO_PUBLIC_BASE_URL", "https://rights.example.org")
    configured = Server()
    gunicorn_conf.when_ready(configured)
    assert configured.warnings == [] and publishing == [placeholder, configured]


def test_export_warns_when_its_leaflet_links_would_use_the_placeholder_address(app, tmp_path):
    # The warning comes before any page is fetched, so a folder the export refuses at once shows it
    # without a crawl: the refusal itself proves the command ran past the warning.
    occupied = tmp_path / "occupied"
    occupied.mkdir()
    (occupied / "notes.txt").write_text("mine", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["export", str(occupied)])
    assert result.output.startswith("PUBLIC_BASE_URL is the placeholder")
    assert "not an earlier export" in result.output
    app.config["PUBLIC_BASE_URL"] = "https://rights.example.org"
    result = app.test_cli_runner().invoke(args=["export", str(occupied)])
    assert "not an earlier export" in result.output and "PUBLIC_BASE_URL" not in result.output


def test_hreflang_alternates_are_absolute_public_addresses(app):
    app.config["PUBLIC_BASE_URL"] = "https://rights.example.org/"
    body = app.test_client().get("/ps/alpha/").get_data(as_text=True)
    alternates = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', body))
    assert alternates == {
        tag: f"https://rights.example.org/{prefix}/alpha/" for prefix, (tag, _direction) in EXPECTED.items()
    }


def test_the_organisations_page_asks_for_the_kinds_in_use_once(client, monkeypatch):
    from rightsinfo import db

    calls = []
    kinds_in_use = db.kinds_in_use
    monkeypatch.setattr(db, "kinds_in_use", lambda conn: calls.append(1) or kinds_in_use(conn))
    assert client.get("/ps/organisations/").status_code == 200
    assert len(calls) == 1
