"""The one-file guide: the whole of a language in one HTML file that opens anywhere and calls no one."""

from __future__ import annotations

import gzip
import html
import re
from pathlib import Path

import pytest
from conftest import FIXTURE_CONTENT, FIXTURE_TRANSLATIONS, make_app
from test_security import csp_hash

from rightsinfo.assets import STATIC_DIR
from rightsinfo.build import build_site
from rightsinfo.guide import localise_page_html
from rightsinfo.markup import without_tags
from rightsinfo.publish.published import write_published

PREFIXES = ["en", "ps", "prs", "ar", "ur"]
EXPECTED_LANG_DIR = {"en": ("en", "ltr"), "ps": ("ps", "rtl"), "prs": ("fa-AF", "rtl"), "ar": ("ar", "rtl"),
                     "ur": ("ur", "rtl")}  # fmt: skip
GUIDE_BUDGET_GZIP_BYTES = 100 * 1024
STYLE_PATTERN = re.compile(r"<style>(.*?)</style>", re.DOTALL)
SCRIPT_PATTERN = re.compile(r"<script>(.*?)</script>", re.DOTALL)
STALE_SCRIPT_PATH = STATIC_DIR / "stale.js"


@pytest.fixture(scope="module")
def published_app(tmp_path_factory):
    """The fixture site built and published once for the module, as ``flask build`` does."""
    root = tmp_path_factory.mktemp("guide-site")
    dirs = {"content": FIXTURE_CONTENT, "translations": FIXTURE_TRANSLATIONS, "instance": root / "instance"}
    build_site(dirs["content"], dirs["translations"], dirs["instance"])
    app = make_app(dirs)
    write_published(app, only=PREFIXES)
    return app


@pytest.fixture
def client(published_app):
    """A client of the published fixture site: guides are files the build wrote."""
    return published_app.test_client()


def guide_text(client, prefix: str) -> str:
    """Return a language's guide as text, failing unless it is served."""
    response = client.get(f"/{prefix}/guide.html")
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_guide_refers_to_no_other_file_or_host(real_app, prefix):
    body = guide_text(real_app.test_client(), prefix)
    assert " src=" not in body and "srcset=" not in body
    for href in re.findall(r'href="([^"]*)"', body):
        assert href.startswith(("#", "tel:", "mailto:")), f"{prefix}: link to another file or host: {href}"
    for forbidden in (
        "url(",
        "@import",
        "<link",
        "<img",
        "<iframe",
        "<object",
        "<embed",
        " style=",
    ):
        assert forbidden not in body, f"{prefix}: {forbidden!r} in the guide"
    assert not re.search(r'="(https?:)?//', body), "an attribute names another host"
    assert len(STYLE_PATTERN.findall(body)) == 1
    assert set(re.findall(r"<script[^>]*>", body)) == {"<script>"}, "scripts are inline, never loaded"


@pytest.mark.parametrize("prefix", PREFIXES)
def test_guide_fits_the_budget_compressed_in_every_language(real_app, prefix):
    body = real_app.test_client().get(f"/{prefix}/guide.html").get_data()
    compressed = len(gzip.compress(body, compresslevel=9))
    print(f"\n/{prefix}/guide.html: {len(body)} bytes, {compressed} bytes gzipped")
    assert compressed <= GUIDE_BUDGET_GZIP_BYTES


@pytest.mark.parametrize("prefix", PREFIXES)
def test_guide_anchors_all_land_inside_the_file(real_app, prefix):
    body = guide_text(real_app.test_client(), prefix)
    ids = set(re.findall(r' id="([^"]+)"', body))
    targets = {href[1:] for href in re.findall(r'href="(#[^"]*)"', body)}
    assert targets, "the guide has no table of contents"
    assert targets <= ids, f"anchors with no target: {sorted(targets - ids)}"


@pytest.mark.parametrize("prefix", PREFIXES)
def test_guide_has_its_languages_lang_and_dir(client, prefix):
    lang, direction = EXPECTED_LANG_DIR[prefix]
    assert f'<html lang="{lang}" dir="{direction}">' in guide_text(client, prefix)


def test_guide_downloads_as_a_file_named_for_its_language(client):
    response = client.get("/ps/guide.html")
    assert response.headers["Content-Disposition"] == 'attachment; filename="rightsinfo-ps.html"'
    assert response.mimetype == "text/html"
    assert "Set-Cookie" not in response.headers


def test_guide_policy_allows_only_its_own_inline_style_and_scripts_by_hash(client):
    response = client.get("/ar/guide.html")
    body = response.get_data(as_text=True)
    style = STYLE_PATTERN.search(body).group(1)
    scripts = SCRIPT_PATTERN.findall(body)
    policy = response.headers["Content-Security-Policy"]
    assert policy.startswith("default-src 'none'; ")
    assert f"style-src {csp_hash(style)};" in policy
    assert scripts and all(csp_hash(script) in policy.split("script-src ")[1] for script in scripts)
    assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    meta_policy = policy.split("; frame-ancestors")[0]  # a <meta> policy cannot say who may frame it
    meta = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', body).group(1)
    assert html.unescape(meta) == meta_policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_guide_carries_the_stale_flag_script_and_its_words(client):
    body = guide_text(client, "ps")
    assert STALE_SCRIPT_PATH.read_text(encoding="utf-8") in SCRIPT_PATTERN.findall(body)
    written = re.search(r'<strong class="stale">(.*?)</strong>', body).group(1)  # by the build: an old check
    words = re.search(r'<body [^>]*data-stale="([^"]*)"', body).group(1)
    assert html.unescape(words) == html.unescape(without_tags(written)), "the same words for the script"


def test_guide_holds_every_topic_organisation_card_and_emergency_number(client):
    body = guide_text(client, "en")
    for text in ("How do I ask for help?", "Where is the doctor?", "About this guide",
                 "Fixture Helpers", "Fixture Clinic", "Free legal help for people asking for asylum.",
                 "Želim da tražim azil.", "Желим да тражим азил.", "I want to ask for asylum."):  # fmt: skip
        assert text in body, text
    assert 'href="tel:192"' in body and 'href="tel:194"' in body
    assert 'href="tel:+381117850000"' in body  # the organisation's contact


def test_guide_marks_drafts_and_english_fallbacks_as_the_site_does(client):
    body = guide_text(client, "ps")
    beta = body.split('id="t-beta"', 1)[1].split("</section>", 1)[0]
    assert "not yet translated" in beta
    assert '<article lang="en" dir="ltr">' in beta
    alpha = body.split('id="t-alpha"', 1)[1].split("</section>", 1)[0]
    assert "زه څنګه مرسته وغواړم؟" in alpha and "draft" in alpha
    clinic = body.split('id="o-clinic"', 1)[1].split("</section>", 1)[0]
    assert "not yet translated" in clinic and '<p lang="en" dir="ltr">Doctors for everyone.</p>' in clinic


def test_guide_shows_the_dates_in_the_languages_digits(client):
    assert "۲۱ نومبر ۲۰۲۶" in guide_text(client, "ps")


def test_links_between_pages_become_anchors_and_other_sites_plain_text(app):
    anchors = {"t-beta", "organisations", "o-clinic", "cards", "contents"}
    html = (
        '<p><a href="../beta/" rel="noopener noreferrer">the other page</a>, '
        '<a href="/ps/organisations/clinic/">clinic</a>, <a href="../organisations/">all</a>, '
        '<a href="/en/beta/">English</a>, <a href="../nowhere/">gone</a>, '
        '<a href="../beta">no slash</a>, <a href="../guide.html">file</a>, <a href="../search">find</a>, '
        '<a href="https://tracetheface.org" rel="noopener noreferrer">Trace the <strong>Face</strong></a>, '
        '<a href="https://example.org/?a=1&amp;b=2">https://example.org/?a=1&amp;b=2</a>, '
        '<bdi dir="ltr" class="tel"><a href="tel:192" rel="noopener noreferrer">192</a></bdi></p>'
        "<h2>Who?</h2><h3>Where?</h3><h4>When?</h4> &amp; &#1575;"
    )
    with app.app_context():
        result = localise_page_html(html, "ps", "alpha", anchors)
    assert '<a href="#t-beta">the other page</a>' in result
    assert '<a href="#o-clinic">clinic</a>' in result and '<a href="#organisations">all</a>' in result
    assert ", English, " in result and ", gone, " in result  # no page of this file: plain words
    assert '<a href="#t-beta">no slash</a>' in result  # where the site would redirect
    assert ", file, find, " in result  # the site's other routes are no part of the file
    assert 'Trace the <strong>Face</strong> (<bdi class="url">https://tracetheface.org</bdi>)' in result
    assert '<bdi class="url">https://example.org/?a=1&amp;b=2</bdi>' in result
    assert '<a href="tel:192" rel="noopener noreferrer">192</a>' in result
    assert "<h3>Who?</h3><h4>Where?</h4><h5>When?</h5> &amp; &#1575;" in result
    assert "https://" not in "".join(re.findall(r'href="([^"]*)"', result))


def test_guide_copies_the_icons_it_uses_as_the_sprite_writes_them(client):
    body = guide_text(client, "en")
    sprite = (Path(__file__).parent.parent / "rightsinfo" / "static" / "icons.svg").read_text()
    symbols = re.findall(r'<symbol id="i-([^"]+)".*?</symbol>', body, re.DOTALL)
    assert {"emergency", "organisations", "cards"} <= set(symbols)
    for name in symbols:
        written = re.search(rf'<symbol id="{name}".*?</symbol>', sprite, re.DOTALL).group(0)
        assert written.replace(f'id="{name}"', f'id="i-{name}"', 1) in body, name


def test_every_page_offers_the_guide_as_a_download(client):
    for path in ("/ps/", "/ps/alpha/", "/ps/organisations/", "/ps/cards/", "/ps/search", "/ps/offline/"):
        body = client.get(path).get_data(as_text=True)
        assert '<a href="/ps/guide.html" download="rightsinfo-ps.html"' in body, path
