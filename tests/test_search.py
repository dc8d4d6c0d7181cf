"""Search: one folding for index and query, every keyboard finds the same pages, hostile queries."""

from __future__ import annotations

import json
import re

import pytest
from conftest import PROJECT_DIR, make_app
from hostile_queries import HOSTILE_QUERIES

from rightsinfo import i18n, search_index
from rightsinfo.build import build_site
from rightsinfo.site import site_of

REFUSED_IN_CONTENT = re.compile("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]|[۰-۹٠-٩]{3}")
VECTORS = json.loads((PROJECT_DIR / "tests" / "data" / "folding-vectors.json").read_text("utf-8"))
RTL_PREFIXES = tuple(language.prefix for language in i18n.languages() if language.is_rtl)

# What another keyboard types for the same word: Arabic yeh/kaf for Persian ones, marks, ZWNJ, digits.
KEYBOARD_SWAPS = str.maketrans({"ی": "ي", "ک": "ك", "ه": "ة", "۱": "١", "۲": "٢", "۵": "٥"})


def hit_keys(app, lang: str, query: str) -> set[tuple[str, str]]:
    """Return (kind, key) of every search hit."""
    return set(ranked_kinds(app, lang, query))


@pytest.fixture
def vector_app(site_dirs):
    """A fixture site with a page in every language whose text is every vector's input."""
    # The build refuses direction marks and phone numbers in other digits in content (translators never
    # type them); readers may still type them into search, so those vectors are indexed folded.
    body = "\n\n".join(
        vector["folded"] if REFUSED_IN_CONTENT.search(vector["input"]) else vector["input"]
        for vector in VECTORS
        if vector["input"].strip()
    )
    folder = site_dirs["content"] / "pages" / "vectors"
    folder.mkdir()
    header = "---\ntitle: Vectors\nsummary: Folding vectors.\nreviewed: 2026-11-21\n"
    (folder / "en.md").write_text(header + "icon: search\nsources: []\n---\n" + body, "utf-8")
    for prefix in RTL_PREFIXES:
        (folder / f"{prefix}.md").write_text(header + "status: draft\n---\n" + body, "utf-8")
    build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
    return make_app(site_dirs)


@pytest.mark.parametrize("prefix", RTL_PREFIXES)
def test_every_vector_spelling_finds_the_same_pages_as_its_folded_form(vector_app, prefix):
    checked = 0
    for vector in VECTORS:
        if not re.search(r"\w", vector["folded"]):
            continue
        typed = hit_keys(vector_app, prefix, vector["input"])
        canonical = hit_keys(vector_app, prefix, vector["folded"])
        assert ("page", "vectors") in typed, vector
        assert typed == canonical, vector
        checked += 1
    assert checked >= 40


def swapped_variants(word: str) -> list[str]:
    """Return the ways another keyboard or habit might type ``word``."""
    return [
        word.translate(KEYBOARD_SWAPS),
        "\u064e".join(word),  # a fatha after every letter
        word[:2] + "\u200c" + word[2:],  # a zero-width non-joiner inside
        word[:1] + "\u0640" + word[1:],  # tatweel
    ]


@pytest.mark.parametrize("prefix", RTL_PREFIXES)
def test_real_pages_are_found_whichever_keyboard_typed_the_title_words(real_app, prefix):
    with real_app.app_context():
        conn = site_of(real_app).database.connection
        pages = conn.execute(
            "SELECT slug, title FROM pages WHERE lang = ? AND text_lang = ?", (prefix, prefix)
        ).fetchall()
    assert len(pages) >= 5, f"too few {prefix} pages are translated to test search on"
    tried = 0
    for slug, title in pages:
        words = [w for w in re.findall(r"[\u0600-\u06ff\u200c]{4,}", title) if "\u200c" not in w]
        for word in words[:2]:
            canonical = hit_keys(real_app, prefix, word)
            assert ("page", slug) in canonical, (slug, word)
            for variant in swapped_variants(word):
                assert hit_keys(real_app, prefix, variant) == canonical, (slug, word, variant)
            tried += 1
    assert tried >= 5


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_hostile_queries_return_a_normal_results_page(client, query):
    response = client.get("/ps/search", query_string={"q": query})
    assert response.status_code == 200
    assert '<html lang="ps" dir="rtl">' in response.get_data(as_text=True)


def test_empty_query_shows_the_topics(client):
    body = client.get("/ps/search?q=").get_data(as_text=True)
    assert 'href="/ps/alpha/"' in body


def test_serbian_words_from_official_papers_lead_to_the_page_in_the_readers_language(client):
    body = client.get("/ps/search", query_string={"q": "Potvrda o registraciji"}).get_data(as_text=True)
    assert 'href="/ps/alpha/"' in body
    assert "زه څنګه مرسته وغواړم؟" in body


def test_matched_words_are_highlighted(client):
    body = client.get("/en/search", query_string={"q": "hours"}).get_data(as_text=True)
    assert "<mark>hours</mark>" in body


def test_the_query_is_shown_escaped_on_the_results_page(client):
    query = '<script>alert("hours")</script>'
    body = client.get("/en/search", query_string={"q": query}).get_data(as_text=True)
    assert "&lt;script&gt;alert(&#34;hours&#34;)&lt;/script&gt;" in body
    assert "<script>alert" not in body


def test_english_results_follow_when_the_language_has_few(client):
    # "centre" is only in the English text of a page that is translated into Pashto.
    body = client.get("/ps/search", query_string={"q": "centre"}).get_data(as_text=True)
    assert "More results in English" in body
    assert 'href="/en/alpha/"' in body


def test_search_works_without_javascript(client):
    # Submit the page's own form as a browser without JavaScript would: GET its action with its field.
    page = client.get("/ar/search").get_data(as_text=True)
    form = re.search(
        r'<form class="search" role="search" method="get" action="([^"]+)">(.*?)</form>', page, re.S
    )
    assert form, "the search page has no GET form"
    action, fields = form.groups()
    field = re.search(r'<input [^>]*name="([^"]+)" type="search"', fields)
    assert field, "the form has no search field"
    response = client.get(action, query_string={field.group(1): "azil"})
    assert response.status_code == 200
    hits = re.search(r'<ol class="hits">(.*?)</ol>', response.get_data(as_text=True), re.S)
    assert hits, "no results list: the query did not reach the search"
    assert re.findall(r'href="([^"]+)"', hits.group(1)) == ["/ar/alpha/"]


# A decision's headings as printed (Cyrillic capitals), and the word on papers each must find.
PAPER_HEADINGS = {"РЕШЕЊЕ": "decision", "ЖАЛБА": "appeal", "Канцеларија за азил": "asylum-office"}
# What a reader types in Latin letters for a word of their language, and the page it must find.
ROMANISED_QUERIES = [
    ("ps", "panah", "asylum"),
    ("prs", "panahandegi", "asylum"),
    ("prs", "bazdasht", "detention"),
    ("prs", "vakil", "after-refusal"),
    ("ar", "lujoo", "asylum"),
    ("ur", "wakeel", "detention"),
    ("ur", "madad", "emergency"),
    ("ps", "madad", "health"),
]


@pytest.mark.parametrize("heading", PAPER_HEADINGS)
@pytest.mark.parametrize("prefix", ["en", *RTL_PREFIXES])
def test_a_heading_copied_off_a_serbian_paper_finds_its_word_in_every_language(real_app, prefix, heading):
    assert ("paper", PAPER_HEADINGS[heading]) in hit_keys(real_app, prefix, heading)
    latin = {"РЕШЕЊЕ": "rešenje", "ЖАЛБА": "zalba", "Канцеларија за азил": "kancelarija za azil"}[heading]
    assert ("paper", PAPER_HEADINGS[heading]) in hit_keys(real_app, prefix, latin)


@pytest.mark.parametrize(("prefix", "query", "slug"), ROMANISED_QUERIES)
def test_a_romanised_word_finds_its_page_in_the_readers_language(real_app, prefix, query, slug):
    assert ("page", slug) in hit_keys(real_app, prefix, query)


@pytest.mark.parametrize("query", ["ILAÇ", "ilaç", "ilac", "ılaç", "İLAÇ"])
def test_turkish_capital_and_dotless_i_find_the_word_with_dotted_i(vector_app, query):
    # The vectors page holds "İlaç"; every way a Turkish or a foreign keyboard types it finds it.
    assert ("page", "vectors") in hit_keys(vector_app, "ps", query)


def ranked_kinds(app, lang: str, query: str) -> list[tuple[str, str]]:
    """Return (kind, key) of every hit in the order the search ranks them."""
    with app.app_context():
        return [
            (hit.kind, hit.key) for hit in search_index.search(site_of(app).database.connection, lang, query)
        ]


@pytest.mark.parametrize(
    ("prefix", "query"), [("en", "asylum"), ("en", "azil"), ("ur", "پناہ"), ("prs", "پناهندگی")]
)
def test_a_common_word_lists_the_topics_before_the_words_on_papers(real_app, prefix, query):
    kinds = [kind for kind, _ in ranked_kinds(real_app, prefix, query)]
    assert "page" in kinds and "paper" in kinds, kinds
    assert kinds.index("paper") > max(i for i, kind in enumerate(kinds) if kind == "page"), kinds
    assert ("page", "asylum") in ranked_kinds(real_app, prefix, query)


@pytest.mark.parametrize(
    ("prefix", "query", "key"),
    [("en", "rešenje", "decision"), ("ps", "РЕШЕЊЕ", "decision"), ("ur", "zalba", "appeal"),
     ("ar", "Канцеларија за азил", "asylum-office"), ("en", "Rešenje o vraćanju", "return-decision")],
)  # fmt: skip
def test_a_serbian_word_off_a_paper_puts_its_word_first(real_app, prefix, query, key):
    assert ranked_kinds(real_app, prefix, query)[0] == ("paper", key)
