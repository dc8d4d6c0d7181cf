"""Leaflets a screen reader can read: tagged PDF, read back with poppler and pikepdf.

A tagged leaflet carries a structure tree (headings, paragraphs, lists, a figure with its alternative
text) in reading order, its language in the catalogue's ``/Lang`` and its title shown as the window
title. Urdu in Nastaliq also carries the text of each run (``/ActualText``), because its glyphs do not
map back to their letters: the words read back must be the words printed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pikepdf
import pytest

from rightsinfo import i18n
from rightsinfo.leaflets import tagged_text
from rightsinfo.leaflets.batch import job_html
from rightsinfo.leaflets.model import PAGE, Leaflet
from rightsinfo.leaflets.render import RENDERER

ARABIC_WORD = re.compile(r"[\u0600-\u06ff\u0750-\u077f]+")
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
STRUCT_LINE = re.compile(r"^(?P<indent> *)(?P<tag>[A-Za-z0-9]+)(?: \((?:block|inline)\))?:?$")


def tool(name: str) -> str:
    """Return a command-line tool's path, failing the test (not skipping) when it is missing."""
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed: apt-get install poppler-utils")
    return path


@pytest.fixture(scope="module")
def leaflets(real_app, tmp_path_factory) -> dict[str, tuple[Path, str]]:
    """The asylum leaflet in English, Pashto, Urdu and Pashto with English: PDF file and its HTML."""
    folder = tmp_path_factory.mktemp("tagged")
    made = {}
    for name, leaflet in {
        "en": Leaflet(PAGE, "en", ("asylum",)),
        "ps": Leaflet(PAGE, "ps", ("asylum",)),
        "ur": Leaflet(PAGE, "ur", ("asylum",)),
        "ps+en": Leaflet(PAGE, "ps", ("asylum",), with_lang="en"),
    }.items():
        html, base_url = job_html(real_app, leaflet)
        path = folder / f"{name}.pdf"
        path.write_bytes(RENDERER.render(html, base_url))
        made[name] = (path, html)
    return made


class VisibleText(HTMLParser):
    """The words a leaflet's body prints, in document order.

    Left out: the head, styles and the QR code's title (not printed), and the running footer, which
    is printed in every page's margin as decoration (an artifact), outside the structure tree.
    """

    def __init__(self) -> None:
        super().__init__()
        self.open_tags: list[str] = []
        self.skipped_depth: int | None = None
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID_ELEMENTS:
            return
        self.open_tags.append(tag)
        unprinted = tag in {"head", "style", "title", "script"} or ("class", "running") in attrs
        if unprinted and self.skipped_depth is None:
            self.skipped_depth = len(self.open_tags)

    def handle_endtag(self, tag):
        if self.open_tags and self.open_tags[-1] == tag:
            if self.skipped_depth == len(self.open_tags):
                self.skipped_depth = None
            self.open_tags.pop()

    def handle_data(self, data):
        if self.skipped_depth is None:
            self.parts.append(data)


def printed_arabic_words(html: str) -> list[str]:
    """Return the Arabic-script words of a leaflet's HTML in the order it prints them."""
    parser = VisibleText()
    parser.feed(html)
    return ARABIC_WORD.findall(" ".join(parser.parts))


def structure_elements(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Return the structure elements of a tagged PDF in reading order (depth first)."""
    found = []

    def visit(node) -> None:
        if isinstance(node, pikepdf.Dictionary) and "/S" in node:
            found.append(node)
        kids = node.get("/K") if isinstance(node, pikepdf.Dictionary) else None
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []:
            visit(kid)

    visit(pdf.Root.StructTreeRoot)
    return found


def actual_texts_in_reading_order(pdf: pikepdf.Pdf) -> list[str]:
    """Return the ActualText of every marked run, following the structure tree's order of MCIDs."""
    by_mcid: dict[tuple[int, int], list[str]] = {}
    for number, page in enumerate(pdf.pages):
        open_mcids: list[int | None] = []
        for operands, operator in pikepdf.parse_content_stream(page):
            if str(operator) == "BDC":
                properties = operands[1] if len(operands) > 1 else None
                mcid = (
                    int(properties.MCID)
                    if isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties
                    else None
                )
                open_mcids.append(mcid)
                if isinstance(properties, pikepdf.Dictionary) and "/ActualText" in properties:
                    owner = next((m for m in reversed(open_mcids) if m is not None), None)
                    by_mcid.setdefault((number, owner), []).append(str(properties.ActualText))
            elif str(operator) == "BMC":
                open_mcids.append(None)
            elif str(operator) == "EMC":
                open_mcids.pop()
    page_number = {page.objgen: number for number, page in enumerate(pdf.pages)}
    texts = []
    for element in structure_elements(pdf):
        kids = element.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, int):
                texts += by_mcid.get((page_number[element.Pg.objgen], kid), [])
    return texts


def struct_tags(path: Path) -> list[str]:
    """Return the structure element types as poppler reads them (``pdfinfo -struct``), in order."""
    output = subprocess.run(
        [tool("pdfinfo"), "-struct", str(path)], capture_output=True, text=True, check=True
    )
    return [match["tag"] for line in output.stdout.splitlines() if (match := STRUCT_LINE.match(line))]


@pytest.mark.parametrize("name", ["en", "ps", "ur", "ps+en"])
def test_every_leaflet_is_tagged_with_its_language_and_title(leaflets, real_app, name):
    path, html = leaflets[name]
    info = subprocess.run([tool("pdfinfo"), str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE), info
    lang = name.split("+")[0]
    with real_app.app_context():
        tag = i18n.get_language(lang).tag
    title = re.search(r"<title>(.*?)</title>", html, re.DOTALL)[1].strip()
    with pikepdf.open(path) as pdf:
        assert str(pdf.Root.Lang) == tag
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle) is True
        assert str(pdf.docinfo.Title) == title


@pytest.mark.parametrize("name", ["en", "ps", "ur", "ps+en"])
def test_leaflet_structure_has_headings_paragraphs_and_lists_in_order(leaflets, name):
    tags = struct_tags(leaflets[name][0])
    assert tags.count("H1") >= 1 and "H2" in tags and "P" in tags
    assert tags.index("H1") < tags.index("H2"), "the title comes before the sections"
    assert "L" in tags and tags.index("L") < tags.index("LI"), "lists are lists of items"
    assert "Figure" in tags


@pytest.mark.parametrize("name", ["en", "ur"])
def test_the_qr_code_has_its_address_as_alternative_text(leaflets, real_app, name):
    path, html = leaflets[name]
    address = re.search(r"<title>(https?://[^<]+)</title>", html)[1]
    with pikepdf.open(path) as pdf:
        figures = [element for element in structure_elements(pdf) if element.S == "/Figure"]
    assert [str(figure.get("/Alt")) for figure in figures] == [address]


def test_urdu_nastaliq_leaflet_reads_back_word_for_word(leaflets):
    path, html = leaflets["ur"]
    with pikepdf.open(path) as pdf:
        read_back = ARABIC_WORD.findall(" ".join(actual_texts_in_reading_order(pdf)))
    assert read_back == printed_arabic_words(html)


def test_naskh_and_latin_runs_carry_no_actual_text(leaflets):
    # Their glyphs map back one to one; poppler would lay an ActualText out left to right.
    for name in ("en", "ps"):
        with pikepdf.open(leaflets[name][0]) as pdf:
            assert actual_texts_in_reading_order(pdf) == [], name


def marked_languages(pdf: pikepdf.Pdf) -> list[str]:
    """Return the /Lang of every marked-content span of a PDF, in the order they are drawn."""
    found = []
    for page in pdf.pages:
        for operands, operator in pikepdf.parse_content_stream(page):
            properties = operands[1] if str(operator) == "BDC" and len(operands) > 1 else None
            if isinstance(properties, pikepdf.Dictionary) and "/Lang" in properties:
                found.append(str(properties.Lang))
    return found


def test_a_bilingual_leaflet_marks_its_second_language(leaflets):
    # A Pashto leaflet already has English runs (its list of sources); the English half adds its own.
    with pikepdf.open(leaflets["ps+en"][0]) as pdf:
        bilingual = marked_languages(pdf)
    with pikepdf.open(leaflets["ps"][0]) as pdf:
        pashto_only = marked_languages(pdf)
    assert "ps" not in bilingual + pashto_only, "a run in the document's own language needs no mark"
    assert bilingual.count("en") > pashto_only.count("en"), (
        bilingual.count("en"),
        pashto_only.count("en"),
    )


def test_a_run_is_marked_only_with_a_known_language_other_than_the_documents():
    assert tagged_text.run_language("en", "ps") == "en"
    assert tagged_text.run_language("ps", "ps") is None
    assert tagged_text.run_language("und-Latn", "ps") is None
    assert tagged_text.run_language(None, "ps") is None


def test_only_nastaliq_runs_with_arabic_letters_need_actual_text():
    assert tagged_text.needs_actual_text("میں", ("Leaf Nastaliq", "Leaf Sans"))
    assert not tagged_text.needs_actual_text("میں", ("Leaf Naskh", "Leaf Sans"))
    assert not tagged_text.needs_actual_text("UNHCR", ("Leaf Nastaliq", "Leaf Sans"))
