"""Latin text inside right-to-left text: isolated by the build in every output, never by translators."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from rightsinfo.bidi import isolate_html, isolate_text, latin_runs
from rightsinfo.build import build_site
from rightsinfo.content import ContentError

RTL_PREFIXES = ("ps", "prs", "ar", "ur")


def runs_of(text: str) -> list[str]:
    """Return the isolated runs of a text as strings."""
    return [text[start:end] for start, end in latin_runs(text)]


def test_a_case_number_keeps_its_digits_and_the_day_stays_with_its_month():
    assert runs_of("کیس C-808/18، 17 دسمبر 2020:") == ["C-808/18"]


def test_a_number_after_a_latin_name_stays_with_the_right_to_left_words():
    assert runs_of("RC Principovci: 18 سال سے کم") == ["RC Principovci"]


def test_brackets_around_a_serbian_term_go_with_it():
    assert runs_of("د ټولنیز کار مرکز (Centar za socijalni rad) ته ورشئ") == ["(Centar za socijalni rad)"]


def test_each_name_of_a_comma_list_is_isolated_on_its_own():
    assert runs_of("BCHR, IDEAS, APC او Klikaktiv") == ["BCHR", "IDEAS", "APC", "Klikaktiv"]
    assert runs_of("IDEAS، جو UNHCR کی ساتھی تنظیم ہے") == ["IDEAS", "UNHCR"]


def test_a_postal_address_stays_one_run_across_its_commas():
    """A comma before a postcode or after a house number joins an address; a list still splits."""
    assert runs_of("ولېږئ: Nemanjina 9, 11000 Belgrade. بیا") == ["Nemanjina 9, 11000 Belgrade"]
    assert runs_of("پته: Ruska 4, Belgrade. ټیلیفون") == ["Ruska 4, Belgrade"]
    assert runs_of("S1, S2 او BCHR, IDEAS") == ["S1", "S2", "BCHR", "IDEAS"]


def test_a_comma_inside_a_names_brackets_does_not_split_the_name():
    name = "Asylum Office (Ministry of Interior, Border Police Directorate)"
    assert runs_of(f"{name} و") == [name]


def test_a_sentence_full_stop_stays_outside_but_an_abbreviation_keeps_its_dots():
    assert runs_of("UNHCR. بیا") == ["UNHCR"]
    assert runs_of("AC Vranje: Radnička b.b. ته") == ["AC Vranje: Radnička b.b."]


def test_isolated_text_is_escaped_and_marked_as_undetermined_latin():
    assert isolate_text("R&D <x> و", "ar") == '<bdi dir="ltr" lang="und-Latn">R&amp;D &lt;x</bdi>&gt; و'
    assert isolate_text("Центар за социјални рад و", "ur").startswith('<bdi dir="ltr" lang="und-Cyrl">')


def test_html_isolation_leaves_phone_links_code_attributes_and_left_to_right_elements_alone():
    html = (
        '<p title="Serbia IDEAS">زنګ <bdi dir="ltr" class="tel"><a href="tel:192">192</a></bdi> '
        '<a href="tel:+381">call</a> <code>AZIL</code> <span lang="en" dir="ltr">English</span> '
        "UNHCR &amp; IOM</p>"
    )
    isolated = isolate_html(html, "rtl", "ps")
    assert isolated == html.replace("UNHCR &amp; IOM", '<bdi dir="ltr" lang="und-Latn">UNHCR &amp; IOM</bdi>')
    assert isolate_html(isolated, "rtl", "ps") == isolated
    assert isolate_html(html, "ltr", "en") == html


def test_a_whole_document_takes_its_direction_from_the_html_element():
    document = (
        '<!DOCTYPE html><html lang="ur" dir="rtl"><head><title>IDEAS</title></head>'
        "<body><p>IDEAS و</p></body></html>"
    )
    assert isolate_html(document) == document.replace(
        "<p>IDEAS", '<p><bdi dir="ltr" lang="und-Latn">IDEAS</bdi>'
    )


def build(dirs):
    """Build the site in ``dirs``."""
    return build_site(dirs["content"], dirs["translations"], dirs["instance"])


def test_a_typed_direction_mark_fails_the_build_naming_file_and_line(site_dirs):
    page = site_dirs["content"] / "pages" / "alpha" / "ps.md"
    page.write_text(page.read_text().replace("یا [192]", "یا\u200f [192]"))
    with pytest.raises(ContentError) as failure:
        build(site_dirs)
    assert "content/pages/alpha/ps.md:11: invisible direction mark RIGHT-TO-LEFT MARK" in str(failure.value)


def test_a_phone_link_whose_text_is_not_in_0_to_9_fails_the_build_naming_file_and_line(site_dirs):
    page = site_dirs["content"] / "pages" / "alpha" / "ps.md"
    page.write_text(page.read_text().replace("[192](tel:192)", "[د پولیسو شمېره](tel:192)"))
    with pytest.raises(ContentError) as failure:
        build(site_dirs)
    assert "content/pages/alpha/ps.md:11: the text of a phone link must be the number" in str(failure.value)


def test_an_emergency_number_written_in_persian_digits_fails_the_build(site_dirs):
    page = site_dirs["content"] / "pages" / "alpha" / "ps.md"
    page.write_text(page.read_text() + "\nپه ۱۱۲ حساب مه کوئ.\n")
    with pytest.raises(ContentError) as failure:
        build(site_dirs)
    assert "content/pages/alpha/ps.md:13: phone number ۱۱۲ must be written in 0–9 digits: 112" in str(
        failure.value
    )


# ---------------------------------------------------------------------------------------------------
# Every page of the real site, every right-to-left language: no Latin left where the bidi algorithm
# could move it.

UNCHECKED_ELEMENTS = {"script", "style", "title", "svg", "option", "code", "textarea"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class LooseLatin(HTMLParser):
    """Collect the Latin text of right-to-left elements that no isolating element encloses, and links."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, bool]] = [("", False)]  # (tag, right-to-left and not isolated)
        self.loose: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        if tag in VOID:
            return
        exposed = self.stack[-1][1]
        if values.get("dir") == "rtl":
            exposed = True
        if tag == "bdi" or values.get("dir") in ("ltr", "auto") or tag in UNCHECKED_ELEMENTS:
            exposed = False
        self.stack.append((tag, exposed))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                break

    def handle_data(self, data):
        if self.stack[-1][1] and any(c.isalpha() and c.isascii() for c in data):
            self.loose.append(data.strip())


def crawl(client, prefix: str) -> dict[str, list[str]]:
    """Visit every page of one language reachable from its home page; return loose Latin per page."""
    queue, seen, loose = [f"/{prefix}/"], set(), {}
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        parser = LooseLatin()
        parser.feed(response.get_data(as_text=True))
        if parser.loose:
            loose[path] = parser.loose
        for href in parser.links:
            target = urlsplit(urljoin(path, href))
            if not target.scheme and target.path.startswith(f"/{prefix}/") and not target.query:
                queue.append(target.path)
    assert len(seen) > 30, f"only {len(seen)} pages reached in {prefix}"
    return loose


@pytest.mark.parametrize("prefix", RTL_PREFIXES)
def test_no_latin_run_is_left_unisolated_on_any_page(real_app, prefix):
    loose = crawl(real_app.test_client(), prefix)
    assert loose == {}


@pytest.mark.parametrize("prefix", RTL_PREFIXES)
def test_error_pages_isolate_latin_too(client, prefix):
    response = client.get(f"/{prefix}/no-such-page/")
    assert response.status_code == 404
    parser = LooseLatin()
    parser.feed(response.get_data(as_text=True))
    assert parser.loose == []
