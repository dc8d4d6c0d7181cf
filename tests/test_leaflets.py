"""Printed leaflets, read back with the tools a reader's PDF would meet: poppler and zbar.

Every check opens the PDF the way a person or a machine would: ``pdftotext`` for the words and their
order, ``pdffonts`` for what is embedded, ``pdfinfo`` for the paper, ``pdftoppm`` + ``zbarimg`` for
the QR code. A missing tool fails the test (``.ci/run`` installs poppler-utils and zbar-tools); it
never skips, so a green run always means the leaflets were really read.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest
from conftest import make_app, without_isolation

from rightsinfo import db, i18n, leaflets
from rightsinfo.build import build_site
from rightsinfo.folding import fold
from rightsinfo.site import site_of
from rightsinfo.templating import as_day

BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f]")
A5_POINTS = (419.53, 595.28)
A4_POINTS = (595.28, 841.89)
CARD_POINTS = (240.94, 155.91)  # 85 × 55 mm
PASHTO_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def tool(name: str) -> str:
    """Return a command-line tool's path, failing the test (not skipping) when it is missing."""
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed: apt-get install poppler-utils zbar-tools")
    return path


def run(*args: str | Path) -> str:
    """Run a tool and return its standard output as text."""
    result = subprocess.run([tool(str(args[0])), *map(str, args[1:])], capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def save(pdf: bytes, folder: Path, name: str = "leaflet.pdf") -> Path:
    """Write PDF bytes to a file the tools can open."""
    path = folder / name
    path.write_bytes(pdf)
    return path


def pdf_pages(pdf: bytes, folder: Path) -> list[str]:
    """Return each page's text as pdftotext extracts it, bidi controls removed, whitespace squeezed."""
    text = run("pdftotext", "-enc", "UTF-8", save(pdf, folder), "-")
    return [" ".join(BIDI_CONTROLS.sub("", page).split()) for page in text.split("\f")[:-1]]


def pdf_text(pdf: bytes, folder: Path) -> str:
    """Return the PDF's text, its pages one after another."""
    return " ".join(pdf_pages(pdf, folder))


def pdf_fonts(pdf: bytes, folder: Path) -> list[tuple[str, str]]:
    """Return (font name, embedded yes/no) for every font pdffonts lists."""
    lines = run("pdffonts", save(pdf, folder)).splitlines()[2:]
    fonts = []
    for line in lines:
        match = re.match(r"(\S+)\s+.*?\s+(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+$", line)
        assert match, f"unexpected pdffonts line: {line!r}"
        fonts.append((match.group(1), match.group(2)))
    return fonts


def page_sizes(pdf: bytes, folder: Path) -> set[tuple[float, float]]:
    """Return the distinct page sizes in points, from pdfinfo."""
    info = run("pdfinfo", "-f", "1", "-l", "999", save(pdf, folder))
    found = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)
    return {(round(float(w), 2), round(float(h), 2)) for w, h in found}


def page_count(pdf: bytes, folder: Path) -> int:
    """Return the number of pages, from pdfinfo."""
    return int(re.search(r"^Pages:\s+(\d+)", run("pdfinfo", save(pdf, folder)), re.MULTILINE).group(1))


def get_pdf(client, url: str) -> bytes:
    """GET a leaflet, asserting it is a PDF."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    return response.data


def contains_words(text: str, words: str) -> bool:
    """Return whether extracted text contains a phrase, comparing letters the way search does."""
    return fold(words) in fold(text)


@pytest.fixture(scope="module")
def real_client(real_app):
    """A client of the app built from the real content (leaflets cached across this module)."""
    return real_app.test_client()


def real_page(real_app, lang: str, slug: str) -> dict:
    """Return a page row of the real content."""
    with real_app.app_context():
        return db.page(site_of(real_app).database.connection, lang, slug)


@pytest.mark.parametrize("lang", ["ps", "prs", "ar", "en"])
def test_leaflet_text_has_the_title_and_phone_numbers_in_logical_order(real_app, real_client, lang, tmp_path):
    page = real_page(real_app, lang, "emergency")
    text = pdf_text(get_pdf(real_client, f"/{lang}/emergency/leaflet.pdf"), tmp_path)
    assert contains_words(text, page["title"]), f"{page['title']!r} not in {text[:300]!r}"
    for number in ("+381 11 192", "+381 11 193", "+381 11 194"):
        assert number in text, f"{number} not extracted left to right in the {lang} leaflet"
    for number in ("192", "193", "194"):
        assert re.search(rf"(?<!\d){number}(?!\d)", text)


@pytest.mark.parametrize(
    ("lang", "expected", "absent"),
    [
        ("ps", {"Naskh", "Sans"}, {"Nastaliq"}),
        ("prs", {"Naskh", "Sans"}, {"Nastaliq"}),
        ("ar", {"Naskh", "Sans"}, {"Nastaliq"}),
        ("ur", {"Nastaliq", "Sans"}, set()),
        ("en", {"Sans"}, {"Naskh", "Nastaliq"}),
    ],
)
def test_every_font_is_embedded_and_from_the_expected_family(real_client, lang, expected, absent, tmp_path):
    fonts = pdf_fonts(get_pdf(real_client, f"/{lang}/emergency/leaflet.pdf"), tmp_path)
    assert fonts, "pdffonts found no fonts"
    assert all(embedded == "yes" for _name, embedded in fonts), fonts
    families = {name.split("+", 1)[-1] for name, _embedded in fonts}
    assert all(family.startswith("Leaf-") for family in families), f"a system font slipped in: {families}"
    for word in expected:
        assert any(word in family for family in families), (word, families)
    for word in absent:
        assert not any(word in family for family in families), (word, families)


def test_urdu_naskh_variant_extracts_cleanly_where_nastaliq_does_not_need_to(real_app, real_client, tmp_path):
    page = real_page(real_app, "ur", "emergency")
    pdf = get_pdf(real_client, "/ur/emergency/leaflet.pdf?script=naskh")
    families = {name.split("+", 1)[-1] for name, _embedded in pdf_fonts(pdf, tmp_path)}
    assert any("Naskh" in family for family in families)
    assert not any("Nastaliq" in family for family in families)
    text = pdf_text(pdf, tmp_path)
    assert contains_words(text, page["title"])
    assert "+381 11 192" in text


def test_bilingual_leaflet_has_both_languages_labelled(real_app, real_client, tmp_path):
    pashto, english = real_page(real_app, "ps", "emergency"), real_page(real_app, "en", "emergency")
    text = pdf_text(get_pdf(real_client, "/ps/emergency/leaflet.pdf?with=en"), tmp_path)
    assert contains_words(text, pashto["title"])
    assert contains_words(text, english["title"])
    assert "English" in text and contains_words(text, "پښتو")


def test_qr_code_decodes_to_the_pages_public_address(app, tmp_path):
    app.config["PUBLIC_BASE_URL"] = "https://help.example.org/"
    pdf = get_pdf(app.test_client(), "/ps/alpha/leaflet.pdf")
    save(pdf, tmp_path)
    run("pdftoppm", "-r", "150", "-f", "1", "-l", "1", "-png", tmp_path / "leaflet.pdf", tmp_path / "page")
    image = next(tmp_path.glob("page*.png"))
    decoded = run("zbarimg", "--quiet", "--raw", image).strip()
    assert decoded == "https://help.example.org/ps/alpha/"
    text = pdf_text(pdf, tmp_path)
    assert "help.example.org/ps/alpha/" in text  # the "check the latest version at …" line


def test_a5_is_the_default_and_a4_on_request(client, tmp_path):
    assert page_sizes(get_pdf(client, "/en/alpha/leaflet.pdf"), tmp_path) == {A5_POINTS}
    assert page_sizes(get_pdf(client, "/en/alpha/leaflet.pdf?size=a4"), tmp_path) == {A4_POINTS}


def test_leaflet_shows_its_newest_sources_date_in_the_readers_digits(real_app, real_client, tmp_path):
    page = real_page(real_app, "ps", "emergency")
    text = pdf_text(get_pdf(real_client, "/ps/emergency/leaflet.pdf"), tmp_path)
    newest = i18n.format_day(as_day(page["sources_up_to"]), i18n.get_language("ps"))
    # pdftotext moves the space beside a run of digits to its other side: compare without spaces.
    assert newest.replace(" ", "") in text.replace(" ", "")  # e.g. ۳۱ اکتوبر ۲۰۲۵


def page_text(pdf: bytes, folder: Path, number: int) -> str:
    """Return one page's text as pdftotext extracts it, bidi controls removed, whitespace squeezed."""
    text = run("pdftotext", "-enc", "UTF-8", "-f", str(number), "-l", str(number), save(pdf, folder), "-")
    return " ".join(BIDI_CONTROLS.sub("", text).split())


def test_leaflet_footer_has_the_publisher_and_page_numbers_in_the_readers_digits(site_dirs, tmp_path):
    # Long enough for several pages, so "page 2 of 2" cannot come from a date or a number in the text.
    page = site_dirs["content"] / "pages" / "alpha" / "ps.md"
    page.write_text(page.read_text() + "\n\nتاسو ساعته لرئ چې مرکز ته ورسیږئ.\n" * 30, "utf-8")
    build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
    app = make_app(site_dirs)
    app.config["PUBLISHER"] = "Fixture Aid Group"
    pdf = get_pdf(app.test_client(), "/ps/alpha/leaflet.pdf")
    pages = page_count(pdf, tmp_path)
    assert pages >= 2
    for number in range(1, pages + 1):
        text = page_text(pdf, tmp_path, number)
        assert "Fixture Aid Group" in text
        # pdftotext writes a right-to-left line in visual order, so "۱ / ۲" may come out as "۲ / ۱".
        footers = {
            f"{number} / {pages}".translate(PASHTO_DIGITS),
            f"{pages} / {number}".translate(PASHTO_DIGITS),
        }
        assert any(footer in text for footer in footers), (footers, text[-200:])
    english = get_pdf(app.test_client(), "/en/alpha/leaflet.pdf")
    assert re.search(r"\b1 / 1\b", page_text(english, tmp_path, 1))


def test_draft_translation_says_so_on_the_leaflet(client, tmp_path):
    pdf = get_pdf(client, "/ps/alpha/leaflet.pdf")
    text = pdf_text(pdf, tmp_path)
    assert "draft" in text.lower() or contains_words(text, "مسوده")
    families = {name.split("+", 1)[-1] for name, _embedded in pdf_fonts(pdf, tmp_path)}
    assert all(family.startswith("Leaf-") for family in families), families  # the notice names پښتو


def test_untranslated_page_says_the_english_text_is_shown(client, tmp_path):
    text = pdf_text(get_pdf(client, "/ps/beta/leaflet.pdf"), tmp_path)
    assert "English" in text


def test_directory_leaflet_lists_organisations_with_their_numbers(client, tmp_path):
    pdf = get_pdf(client, "/ps/organisations/leaflet.pdf")
    text = pdf_text(pdf, tmp_path)
    assert "Fixture Helpers" in text and "Fixture Clinic" in text
    assert "+381 11 785 0000" in text
    assert contains_words(text, "د پناه غوښتونکو لپاره وړیا حقوقي مرسته")
    assert page_sizes(pdf, tmp_path) == {A5_POINTS}


def test_emergency_card_is_wallet_sized_with_numbers_contacts_and_sources(real_client, tmp_path):
    pdf = get_pdf(real_client, "/en/emergency-card.pdf")
    assert page_sizes(pdf, tmp_path) == {CARD_POINTS}
    text = pdf_text(pdf, tmp_path)
    for number in (
        "192",
        "193",
        "194",
        "+381 11 192",
        "+381 11 785 0000",
        "+381 11 30 32 125",
        "+381 69 5657254",
    ):
        assert number in text, number
    assert "ASTRA" in text and "Red Cross" in text and "IDEAS" in text
    assert "S41" in text and "S134" in text  # the sources of the numbers


def test_bilingual_emergency_card_in_arabic_script_keeps_numbers_in_order(real_client, tmp_path):
    pdf = get_pdf(real_client, "/ps/emergency-card.pdf?with=en")
    text = pdf_text(pdf, tmp_path)
    assert "+381 11 785 0000" in text and "Police" in text
    assert page_sizes(pdf, tmp_path) == {CARD_POINTS}


@pytest.mark.parametrize(
    ("query", "dated_in"),
    [
        ("/ps/emergency-card.pdf?with=en", ("ps", "en")),
        ("/en/emergency-card.pdf?with=ar", ("en", "ar")),
        ("/prs/emergency-card.pdf?with=tr", ("prs", "tr")),
        ("/ar/emergency-card.pdf?with=ps", ("ar", "ps")),
        ("/ur/emergency-card.pdf?with=en&script=naskh", ("ur", "en")),
        ("/ur/emergency-card.pdf?with=tr", ("tr",)),  # Nastaliq's own text does not extract
        ("/ps/emergency-card.pdf?with=ur&script=naskh", ("ps", "ur")),
    ],
)
def test_bilingual_wallet_card_dates_its_numbers_in_both_languages_on_its_front(
    real_app, real_client, tmp_path, query, dated_in
):
    pdf = get_pdf(real_client, query)
    pages = pdf_pages(pdf, tmp_path)
    sources_up_to = as_day(real_page(real_app, query.split("/")[1], "emergency")["sources_up_to"])
    for lang in dated_in:
        day = i18n.format_day(sources_up_to, i18n.get_language(lang))
        # Word by word: right-to-left lines come out of pdftotext in visual order.
        assert all(contains_words(pages[0], word) for word in day.split()), f"{lang}: no {day}: {pages[0]}"
    assert "+381 11 192" in pages[1], "the front ran over: the full numbers no longer start page 2"
    assert page_sizes(pdf, tmp_path) == {CARD_POINTS}


def test_print_pack_combines_the_chosen_topics(real_app, real_client, tmp_path):
    url = "/en/print/pack.pdf?topics=asylum&topics=emergency&topics=organisations&size=a4"
    pdf = get_pdf(real_client, url)
    text = pdf_text(pdf, tmp_path)
    for slug in ("asylum", "emergency"):
        assert contains_words(text, real_page(real_app, "en", slug)["title"])
    assert "ASTRA" in text  # the directory
    single = get_pdf(real_client, "/en/asylum/leaflet.pdf?size=a4")
    assert page_count(pdf, tmp_path) > page_count(single, tmp_path)
    assert page_sizes(pdf, tmp_path) == {A4_POINTS}


def test_print_page_offers_topics_second_language_and_paper(client):
    body = client.get("/ps/print/").get_data(as_text=True)
    assert 'action="/ps/print/pack.pdf"' in body and 'method="get"' in body
    assert 'name="topics" value="alpha"' in body and 'name="topics" value="organisations"' in body
    assert 'name="with"' in body and 'value="en"' in body and 'value="ps"' not in body
    assert 'name="size" value="a4"' in body and 'name="script" value="naskh"' in body
    assert 'href="/ps/emergency-card.pdf"' in body and 'href="/ps/organisations/leaflet.pdf"' in body
    pack = client.get("/ps/print/pack.pdf?topics=alpha&topics=beta&with=&size=a5&script=nastaliq")
    assert pack.status_code == 200 and pack.mimetype == "application/pdf"


def test_topic_page_links_to_its_leaflet_and_the_footer_to_the_print_page(client):
    body = client.get("/ps/alpha/").get_data(as_text=True)
    assert '<link rel="alternate" type="application/pdf" href="/ps/alpha/leaflet.pdf"' in body
    assert re.search(r'<a href="/ps/alpha/leaflet.pdf"[^>]*>.*Print leaflet</a>', without_isolation(body))
    assert 'href="/ps/print/"' in body


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/ps/no-such-page/leaflet.pdf", 404),
        ("/xx/alpha/leaflet.pdf", 404),
        ("/xx/emergency-card.pdf", 404),
        ("/xx/print/", 404),
        ("/ps/alpha/leaflet.pdf?size=a3", 400),
        ("/ps/alpha/leaflet.pdf?size=a4&size=a5", 400),
        ("/ps/alpha/leaflet.pdf?with=xx", 400),
        ("/ps/alpha/leaflet.pdf?script=latin", 400),
        ("/ps/organisations/leaflet.pdf?size=letter", 400),
        ("/ps/emergency-card.pdf?with=de", 400),
        ("/ps/print/pack.pdf", 400),
        ("/ps/print/pack.pdf?topics=alpha&topics=nope", 400),
        ("/ps/print/pack.pdf?topics=alpha&size=a3", 400),
    ],
)
def test_bad_parameters_are_a_404_or_400_in_the_readers_language(client, url, status):
    response = client.get(url)
    assert response.status_code == status
    body = response.get_data(as_text=True)
    if not url.startswith("/xx/"):
        assert '<html lang="ps" dir="rtl">' in body


def test_second_request_is_served_from_the_disk_cache(site_dirs, app, monkeypatch):
    url = "/ps/alpha/leaflet.pdf?with=en&size=a4"
    first = app.test_client().get(url)
    assert first.status_code == 200
    cached = list((Path(app.instance_path) / leaflets.CACHE_DIR_NAME).rglob("*.pdf"))
    assert [path.name for path in cached] == ["alpha-a4-with-en.pdf"]

    def no_rendering(*args, **kwargs):
        raise AssertionError("rendered again instead of reading the cache")

    monkeypatch.setattr(leaflets.views, "render_elsewhere", no_rendering)
    fresh_worker = make_app(site_dirs).test_client()  # nothing in memory: only the disk has it
    second = fresh_worker.get(url)
    assert second.status_code == 200 and second.data == first.data
    assert second.headers["ETag"] == first.headers["ETag"]
    assert fresh_worker.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    plain = fresh_worker.get("/ps/alpha/leaflet.pdf?with=en&size=a4")
    assert plain.headers["ETag"] == first.headers["ETag"]


def test_default_leaflet_has_an_etag_and_answers_304(client):
    first = client.get("/en/alpha/leaflet.pdf")
    etag = first.headers["ETag"]
    assert client.get("/en/alpha/leaflet.pdf", headers={"If-None-Match": etag}).status_code == 304


def test_a_new_content_version_renders_a_new_leaflet(site_dirs, app):
    before = app.test_client().get("/en/alpha/leaflet.pdf?size=a4")
    cache = Path(app.instance_path) / leaflets.CACHE_DIR_NAME
    (old_version,) = cache.iterdir()
    an_hour_ago = time.time() - 3600
    os.utime(old_version, (an_hour_ago, an_hour_ago))
    page = site_dirs["content"] / "pages" / "alpha" / "en.md"
    page.write_text(page.read_text(encoding="utf-8").replace("72 hours", "72 hours (three days)"), "utf-8")
    build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
    after = app.test_client().get("/en/alpha/leaflet.pdf?size=a4")
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
    (new_version,) = cache.iterdir()  # the old content version's leaflets are dropped
    assert new_version != old_version


def test_a_busy_worker_answers_503_with_retry_after(app):
    slots = site_of(app).leaflet_slots
    slots.wait_seconds = 0.05
    holder_ready, release = threading.Event(), threading.Event()

    def hold_the_only_slot():
        with slots.claim():
            holder_ready.set()
            release.wait(5)

    holder = threading.Thread(target=hold_the_only_slot)
    holder.start()
    try:
        holder_ready.wait(5)
        response = app.test_client().get("/ps/alpha/leaflet.pdf?size=a4")
    finally:
        release.set()
        holder.join()
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert '<html lang="ps" dir="rtl">' in response.get_data(as_text=True)
    assert app.test_client().get("/ps/alpha/leaflet.pdf?size=a4").status_code == 200


def test_same_leaflet_renders_to_identical_bytes(app):
    first = leaflets.render_leaflet(app, "ar", "alpha", "a5", "en")
    assert leaflets.render_leaflet(app, "ar", "alpha", "a5", "en") == first


def test_leaflets_command_prerenders_every_leaflet_and_seeds_the_cache(app, runner, tmp_path):
    out = tmp_path / "print"
    result = runner.invoke(args=["leaflets", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    expected = [job.filename for job in leaflets.leaflet_jobs(app) if job.lang == "en"]
    written = sorted(path.relative_to(out).as_posix() for path in out.rglob("*.pdf"))
    assert written == sorted(expected)
    assert "en/alpha-a4.pdf" in written and "en/emergency-card.pdf" in written
    assert all(path.read_bytes().startswith(b"%PDF-") for path in out.rglob("*.pdf"))
    assert f"Rendered {len(expected)} leaflets" in result.output
    cached = app.test_client().get("/en/alpha/leaflet.pdf?size=a4")
    assert cached.data == (out / "en" / "alpha-a4.pdf").read_bytes()


def prerender(runner, folder: Path, *options: str):
    """Run ``flask leaflets`` into ``folder`` without touching the server's cache."""
    return runner.invoke(args=["leaflets", str(folder), "--no-seed-cache", *options])


def written_pdfs(folder: Path) -> dict[str, bytes]:
    """Return every PDF below a folder by its relative name."""
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*.pdf")}


def test_leaflets_on_two_processes_are_the_same_files_as_on_one(app, runner, tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    first = prerender(runner, one, "--lang", "en", "--jobs", "1")
    assert first.exit_code == 0, first.output
    second = prerender(runner, two, "--lang", "en", "--jobs", "2")
    assert second.exit_code == 0, second.output
    assert "(2 processes)" in second.output and "(in this process)" in first.output
    in_process, in_pool = written_pdfs(one), written_pdfs(two)
    expected = {job.filename for job in leaflets.leaflet_jobs(app) if job.lang == "en"}
    assert set(in_pool) == set(in_process) == expected
    assert in_pool == in_process  # byte for byte: the fonts and layout do not depend on the process
    for name, pdf in in_pool.items():  # each one a PDF poppler reads, with the address every leaflet prints
        assert "rightsinfo.example/en/" in pdf_text(pdf, tmp_path), name


def test_lang_takes_several_languages_and_refuses_an_unknown_one(app, runner, tmp_path):
    command = leaflets.leaflets_command
    context = command.make_context("leaflets", [str(tmp_path), "--lang", "ps,ar", "--lang", "en"])
    assert context.params["langs"] == ("ps", "ar", "en")
    result = prerender(runner, tmp_path / "out", "--lang", "en,xx")
    assert result.exit_code == 2
    assert "unknown language xx" in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_leaflet_that_fails_stops_the_command_naming_it(site_dirs, app, runner, tmp_path, jobs):
    import sqlite3

    database = site_dirs["instance"] / "rightsinfo.sqlite3"
    with sqlite3.connect(database) as conn:  # a built row the leaflet cannot read
        conn.execute("UPDATE pages SET sources = '[not json' WHERE lang = 'en' AND slug = 'alpha'")
    result = prerender(runner, tmp_path / "out", "--lang", "en", "--jobs", jobs)
    assert result.exit_code == 1
    assert re.search(r"could not render en/alpha-a[45]\.pdf: JSONDecodeError", result.output), result.output


def test_every_language_gets_every_kind_of_leaflet_in_the_jobs(app):
    jobs = leaflets.leaflet_jobs(app)
    for lang in i18n.LOCALE_BY_PREFIX:
        names = {job.filename for job in jobs if job.lang == lang}
        assert {f"{lang}/alpha-a5.pdf", f"{lang}/alpha-a4.pdf", f"{lang}/organisations-a5.pdf"} <= names
        assert f"{lang}/emergency-card.pdf" in names
    assert "ps/alpha-a5-with-en.pdf" in {job.filename for job in jobs}
    assert "ur/alpha-a5-naskh.pdf" in {job.filename for job in jobs}


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["ps", "ur", "en"])
def test_print_page_is_accessible_at_320_px_and_builds_the_pack_address(tmp_path, lang):
    from axe_playwright_python.sync_playwright import Axe
    from browser import launch_chromium, served_real_site
    from playwright.sync_api import sync_playwright
    from test_accessibility import AXE_OPTIONS, MIN_TAP_TARGET_PX, NARROW_VIEWPORT, SMALL_TARGETS_JS

    with served_real_site(tmp_path) as server, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_context(viewport=NARROW_VIEWPORT, service_workers="block").new_page()
        page.goto(f"{server.base_url}/{lang}/print/")
        results = Axe().run(page, options=AXE_OPTIONS)
        assert not results.violations_count, results.generate_report()
        assert not page.evaluate(SMALL_TARGETS_JS, MIN_TAP_TARGET_PX)
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        page.check("#topic-asylum")
        page.check("#topic-organisations")
        page.check("#size-a4")
        with page.expect_response(lambda response: "/print/pack.pdf" in response.url) as answer:
            page.evaluate("document.querySelector('form.print-form').submit()")
        response = answer.value
        assert response.status == 200 and response.headers["content-type"] == "application/pdf"
        assert "topics=asylum&topics=organisations" in response.url and "size=a4" in response.url
        browser.close()


def test_print_page_warns_in_both_languages_while_the_address_is_the_placeholder(app):
    body = app.test_client().get("/ps/print/").get_data(as_text=True)
    assert "rightsinfo.example" in body and "before you print" in body  # English, and Pashto (a draft)
    assert body.count('class="notice notice-warn" role="note"') == 1
    assert 'lang="en" dir="ltr"' in body.split('role="note"', 1)[1].split("</div>", 1)[0]
    translators = app.test_client().get("/translators/").get_data(as_text=True)
    assert "rightsinfo.example" in translators and "before you print" in translators
    app.config["PUBLIC_BASE_URL"] = "https://help.example.org"
    assert "rightsinfo.example" not in make_app_client_body(app, "/ps/print/")


def make_app_client_body(app, url: str) -> str:
    """Return a page's HTML from a fresh client (the page cache keeps nothing between settings here)."""
    site_of(app).cache.clear()
    return app.test_client().get(url).get_data(as_text=True)


def test_print_page_names_each_topic_in_english_too_for_aid_workers(client):
    body = without_isolation(client.get("/ps/print/").get_data(as_text=True))
    assert '<small class="english-name" lang="en" dir="ltr">How do I ask for help?</small>' in body
    assert '<small class="english-name" lang="en" dir="ltr">Organisations that can help</small>' in body
    assert "english-name" not in client.get("/en/print/").get_data(as_text=True)


def test_all_topics_makes_the_pack_of_every_topic_and_the_directory(client, tmp_path):
    body = client.get("/ps/print/").get_data(as_text=True)
    assert '<input type="checkbox" name="all" value="1" id="topic-all">' in body
    every = get_pdf(client, "/en/print/pack.pdf?all=1")
    ticked = get_pdf(client, "/en/print/pack.pdf?topics=alpha&topics=beta&topics=about&topics=organisations")
    assert every == ticked
    text = pdf_text(every, tmp_path)
    assert "Contents" in text and "Fixture Helpers" in text and "How do I ask for help?" in text
    assert re.search(r"How do I ask for help\?\s*\.{3,}\s*2\b", text), text[:400]  # its page, in the contents


def test_a_pack_with_nothing_ticked_shows_the_form_with_a_friendly_message(client):
    response = client.get("/ps/print/pack.pdf?with=&size=a5&script=nastaliq")
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert '<html lang="ps" dir="rtl">' in body
    assert 'role="alert"' in body and "All topics" in without_isolation(body)
    assert 'action="/ps/print/pack.pdf"' in body


def chosen_in_form(body: str) -> dict[str, str]:
    """Return the second language, size and script the print form shows as chosen."""
    options = re.findall(r'<option value="([a-z]*)"( selected)?', body)
    selected = [value for value, mark in options if mark]
    checked = dict(re.findall(r'<input type="radio" name="(\w+)" value="(\w+)" id="[\w-]+" checked>', body))
    assert len(selected) == 1 and len(checked) == 2, (selected, checked)
    return {"with": selected[0], **checked}


@pytest.mark.parametrize(
    ("query", "chosen"),
    [
        ("with=ur&size=a4&script=naskh", {"with": "ur", "size": "a4", "script": "naskh"}),
        ("with=en&size=A4&script=naskh", {"with": "en", "size": "a4", "script": "naskh"}),
        ("size=a5", {"with": "", "size": "a5", "script": "nastaliq"}),
    ],
)
def test_a_pack_with_nothing_ticked_keeps_the_readers_choices(client, query, chosen):
    response = client.get(f"/ps/print/pack.pdf?{query}")
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert 'role="alert"' in body
    assert chosen_in_form(body) == chosen
    assert 'name="topics" value="alpha" id="topic-alpha">' in body, "no topic ticked that was not"


def test_the_print_page_starts_with_a5_nastaliq_and_no_second_language(client):
    assert chosen_in_form(client.get("/ps/print/").get_data(as_text=True)) == {
        "with": "",
        "size": "a5",
        "script": "nastaliq",
    }


def test_leaflet_date_sentences_are_apart_and_in_both_languages_of_a_bilingual_leaflet(client, tmp_path):
    text = pdf_text(get_pdf(client, "/en/alpha/leaflet.pdf"), tmp_path)
    assert re.search(r"Based on sources up to \S+ \S+ \S+\. Checked against its sources", text), text
    # The fixture's Pashto catalogue leaves these sentences in English: one line per language.
    bilingual = pdf_text(get_pdf(client, "/ps/alpha/leaflet.pdf?with=en"), tmp_path)
    assert bilingual.count("Based on sources up to") == 2, bilingual
