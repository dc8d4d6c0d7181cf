"""Words on official papers: read and checked by the build, shown in every language, found in any script."""

from __future__ import annotations

import re
import subprocess
import textwrap

import pytest
import yaml
from conftest import PROJECT_DIR, make_app
from test_leaflets import contains_words, get_pdf, page_count, pdf_fonts, pdf_text

from rightsinfo.build import build_site
from rightsinfo.content import ContentError, read_content
from rightsinfo.i18n import LOCALE_BY_PREFIX
from rightsinfo.translation.glossary import check_glossary

DECISION = """\
order: 1
sr_latn: Rešenje
sr_cyrl: Решење
page: alpha
sources: [S1]
text:
  en:
    name: Decision
    meaning: The written decision about your case.
    action: Appeal within 8 days.
  ps:
    name: پرېکړه
    meaning: ستاسو د قضیې لیکلې پرېکړه.
    action: په ۸ ورځو کې اعتراض وکړئ.
    status: draft
    keywords: [faisla, prekra]
"""
APPEAL = """\
order: 2
sr_latn: Žalba
sr_cyrl: Жалба
also: [žalba na rešenje]
page: beta
sources: [S1, S2]
text:
  en:
    name: Appeal
    meaning: Asking a higher authority to change a decision.
"""


def write_papers(content, **files: str) -> None:
    """Write papers records into a content folder, one YAML file each."""
    folder = content / "papers"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.yaml").write_text(textwrap.dedent(text), "utf-8")


@pytest.fixture
def papers_app(site_dirs):
    """The fixture site with two words on papers: one translated into Pashto, one in English only."""
    write_papers(site_dirs["content"], decision=DECISION, appeal=APPEAL)
    build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
    return make_app(site_dirs)


@pytest.fixture
def papers_client(papers_app):
    """A client of the site with words on papers."""
    return papers_app.test_client()


def build_problem(site_dirs, **files: str) -> str:
    """Write papers records, build, and return the build's error message (failing if it builds)."""
    write_papers(site_dirs["content"], **files)
    with pytest.raises(ContentError) as error:
        build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
    return str(error.value)


@pytest.mark.parametrize("lang", list(LOCALE_BY_PREFIX))
def test_papers_page_shows_each_word_in_both_scripts_in_every_language(papers_client, lang):
    response = papers_client.get(f"/{lang}/papers/")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert '<span class="paper-sr" lang="sr-Latn" dir="ltr">Rešenje</span>' in body
    assert '<span class="paper-sr" lang="sr-Cyrl" dir="ltr">Решење</span>' in body
    assert f'href="/{lang}/alpha/"' in body
    assert 'href="#s-S2"' in body


def test_papers_page_explains_in_the_readers_language_and_marks_english_and_drafts(papers_client):
    body = papers_client.get("/ps/papers/").get_data(as_text=True)
    assert "ستاسو د قضیې لیکلې پرېکړه." in body
    assert '<p class="notice" role="note">' in body.split("<article>")[1]
    english_body = papers_client.get("/en/papers/").get_data(as_text=True)
    assert '<p class="notice" role="note">' not in english_body.split("<article>")[1]
    english = re.search(r'<div lang="en" dir="ltr">\s*<p class="paper-name"><strong>Appeal</strong>', body)
    assert english, "an untranslated meaning is marked as English"


def test_home_page_links_the_papers_page(papers_client):
    assert 'href="/ar/papers/"' in papers_client.get("/ar/").get_data(as_text=True)


def test_unknown_language_papers_page_is_a_404(papers_client):
    assert papers_client.get("/xx/papers/").status_code == 404


@pytest.mark.parametrize("query", ["РЕШЕЊЕ", "Решење", "rešenje", "RESENJE", "resenje"])
@pytest.mark.parametrize("lang", list(LOCALE_BY_PREFIX))
def test_a_word_from_a_paper_in_either_script_finds_its_entry_in_every_language(papers_client, lang, query):
    body = papers_client.get(f"/{lang}/search", query_string={"q": query}).get_data(as_text=True)
    assert f'href="/{lang}/papers/#decision"' in body
    assert '<bdi class="hit-sr" lang="sr" dir="ltr">Rešenje · Решење</bdi>' in body


def test_another_spelling_of_a_word_finds_its_entry(papers_client):
    body = papers_client.get("/ur/search", query_string={"q": "ЖАЛБА НА РЕШЕЊЕ"}).get_data(as_text=True)
    assert 'href="/ur/papers/#appeal"' in body


def test_a_romanised_keyword_finds_the_word_in_its_language_only(papers_client):
    body = papers_client.get("/ps/search", query_string={"q": "faisla"}).get_data(as_text=True)
    assert 'href="/ps/papers/#decision"' in body
    assert "ستاسو د قضیې لیکلې پرېکړه." in body
    other = papers_client.get("/ar/search", query_string={"q": "faisla"}).get_data(as_text=True)
    assert 'href="/ar/papers/#decision"' not in other


def test_the_offline_search_pack_carries_the_word_its_address_and_its_serbian(papers_client):
    entries = papers_client.get("/prs/search-pack.json").get_json()["entries"]
    decision = next(entry for entry in entries if entry["u"] == "/prs/papers/#decision")
    assert decision["r"] == "Rešenje · Решење"
    assert "resenje" in decision["w"].split()


def test_the_offline_pack_holds_the_papers_page(papers_app):
    from rightsinfo.offline import pack_urls

    with papers_app.test_request_context():
        assert "/ps/papers/" in pack_urls("ps")


def test_nothing_found_suggests_the_papers_page_and_the_emergency_numbers(papers_client):
    body = papers_client.get("/ar/search", query_string={"q": "qqqzzz"}).get_data(as_text=True)
    found = re.search(r'<div class="nothing-found">(.*?)</div>', body, re.S)
    assert found, "an empty result says what to try"
    assert 'href="/ar/papers/"' in found.group(1)
    assert 'href="tel:' in found.group(1)
    assert "mailto:" not in body.split('id="results"')[1]


def test_nothing_found_offers_a_mail_with_the_query_only_when_feedback_is_set(site_dirs):
    build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
    client = make_app(site_dirs, FEEDBACK_EMAIL="editors@example.org").test_client()
    body = client.get("/en/search", query_string={"q": "qqqzzz rok"}).get_data(as_text=True)
    link = re.search(r'<a href="(mailto:editors@example\.org\?subject=[^"]*)" data-mailto="([^"]*)"', body)
    assert link, "the mail link is offered"
    assert link.group(1).endswith("qqqzzz%20rok")
    assert link.group(2) and "qqqzzz" not in link.group(2)  # the script appends the query offline
    found = client.get("/en/search", query_string={"q": "hours"}).get_data(as_text=True)
    assert "Tell us what you looked for" not in found


def test_a_cyrillic_spelling_that_is_another_word_stops_the_build_naming_file_and_line(site_dirs):
    message = build_problem(site_dirs, decision=DECISION.replace("sr_cyrl: Решење", "sr_cyrl: Решeњe жалба"))
    assert re.search(r"content/papers/decision\.yaml:3: 'sr_cyrl' must spell the same words", message)


def test_an_unknown_page_or_source_stops_the_build(site_dirs):
    broken = DECISION.replace("page: alpha", "page: nowhere").replace("sources: [S1]", "sources: [S99]")
    message = build_problem(site_dirs, decision=broken)
    assert "decision.yaml:4: 'page': there is no page 'nowhere'" in message
    assert "decision.yaml:5: 'sources': source 'S99' is not in content/sources.yaml" in message


def test_a_word_without_sources_stops_the_build(site_dirs):
    message = build_problem(site_dirs, decision=DECISION.replace("sources: [S1]", "sources: []"))
    assert "decision.yaml:5: 'sources' must name the sources" in message


def test_a_translation_with_other_numbers_stops_the_build(site_dirs):
    message = build_problem(site_dirs, decision=DECISION.replace("په ۸ ورځو", "په ۱۵ ورځو"))
    assert "decision.yaml:11: 'text' for 'ps' must write the same numbers as English" in message


def test_a_bad_status_or_missing_meaning_stops_the_build(site_dirs):
    broken = DECISION.replace("status: draft", "status: final")
    broken = broken.replace("    meaning: The written", "    gist: The written")
    message = build_problem(site_dirs, decision=broken)
    assert "'status' must be one of: draft reviewed" in message
    assert "'text' for 'en' needs a 'name' and a 'meaning'" in message


def test_the_papers_leaflet_prints_the_serbian_in_both_scripts_and_the_readers_words(papers_client):
    response = papers_client.get("/ps/papers/leaflet.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.data, capture_output=True, check=True, timeout=60
    ).stdout.decode("utf-8")
    assert "Rešenje" in text
    assert "Решење" in text
    assert "Appeal" in text  # untranslated: English, marked as such
    assert papers_client.get("/ps/papers/leaflet.pdf?size=b9").status_code == 400


def test_the_papers_leaflet_is_listed_for_printing_and_for_the_static_export(papers_app):
    from rightsinfo.publish.export import leaflet_urls

    assert "/ar/papers/leaflet.pdf" in leaflet_urls(papers_app)
    print_page = papers_app.test_client().get("/ar/print/").get_data(as_text=True)
    assert 'href="/ar/papers/leaflet.pdf"' in print_page
    assert 'href="/ar/papers/leaflet.pdf?size=a4&amp;with=en"' in print_page


@pytest.fixture(scope="module")
def real_papers_client(real_app):
    """A client of the real content: its 25 words on papers, in every language."""
    return real_app.test_client()


@pytest.mark.parametrize(
    "url",
    [
        "/en/papers/leaflet.pdf?size=a4",
        "/ps/papers/leaflet.pdf?size=a4",
        "/tr/papers/leaflet.pdf?size=a4",
        "/ur/papers/leaflet.pdf?size=a4&script=naskh",
        "/ur/papers/leaflet.pdf?size=a4",
        "/ar/papers/leaflet.pdf?size=a4",
        "/prs/papers/leaflet.pdf?size=a4",
    ],
)
def test_the_papers_leaflet_is_one_a4_page_with_every_word_in_both_scripts(real_papers_client, tmp_path, url):
    pdf = get_pdf(real_papers_client, url)
    assert page_count(pdf, tmp_path) == 1
    text = pdf_text(pdf, tmp_path)
    for printed in ("Rešenje", "Решење", "Žalba", "Жалба", "Prekršaj", "Прекршај", "Komisija za azil"):
        assert printed in text, printed
    assert last_source_entry() in " ".join(text.split()), "the source list is printed to its end"
    assert all(embedded == "yes" for _, embedded in pdf_fonts(pdf, tmp_path))


def last_source_entry() -> str:
    """Return how the sheet lists the last of the words' sources: its number and publisher."""
    ids = {source for paper in read_content(PROJECT_DIR / "content").papers for source in paper.sources}
    last = max(ids, key=lambda source: (int(re.sub(r"\D", "", source)), source))
    sources = yaml.safe_load((PROJECT_DIR / "content" / "sources.yaml").read_text(encoding="utf-8"))
    title = sources[last]["title"]
    return f"{last} {title.partition(':')[0]}"


@pytest.mark.parametrize("lang", ["en", "ps", "ar"])
def test_the_papers_leaflet_is_one_a5_sheet_front_and_back(real_papers_client, tmp_path, lang):
    pdf = get_pdf(real_papers_client, f"/{lang}/papers/leaflet.pdf")
    assert page_count(pdf, tmp_path) <= 2
    assert "Старатељ" in pdf_text(pdf, tmp_path)


def test_the_papers_leaflet_puts_english_beside_the_readers_language_on_one_a4_sheet(
    real_papers_client, tmp_path
):
    pdf = get_pdf(real_papers_client, "/ps/papers/leaflet.pdf?size=a4&with=en")
    assert page_count(pdf, tmp_path) <= 2
    text = pdf_text(pdf, tmp_path)
    assert "What does this paper say?" in text
    assert "Show it to a free legal aid organisation the same day" in text  # the English of Rešenje
    assert contains_words(text, "پرېکړه")  # and its Pashto
    alone = pdf_text(get_pdf(real_papers_client, "/ps/papers/leaflet.pdf?size=a4"), tmp_path)
    assert "Show it to a free legal aid organisation the same day" not in alone


def test_every_word_on_papers_has_a_turkish_draft_meaning(real_papers_client):
    body = real_papers_client.get("/tr/papers/").get_data(as_text=True)
    assert "Kayıt belgesi" in body
    assert "Üst Mahkeme" in body
    assert "Bu çeviri bir taslaktır." in body
    content = read_content(PROJECT_DIR / "content")
    untranslated = [paper.id for paper in content.papers if "tr" not in paper.text]
    assert untranslated == []
    assert {paper.text["tr"]["status"] for paper in content.papers} == {"draft"}


def test_a_word_to_avoid_in_a_papers_meaning_is_found_in_its_language(site_dirs):
    meaning = "    meaning: Sizin iltica başvurunuz hakkında yazılı karar."
    turkish = DECISION + f"  tr:\n    name: Karar\n{meaning}\n    action: 8 gün içinde itiraz edin.\n"
    write_papers(site_dirs["content"], decision=turkish)
    content = read_content(site_dirs["content"])
    findings = check_glossary(content, site_dirs["content"], PROJECT_DIR / "translations")
    line = turkish.splitlines().index(meaning) + 1
    assert [(finding.where, finding.variant) for finding in findings] == [
        (f"content/papers/decision.yaml:{line}", "iltica")
    ]
