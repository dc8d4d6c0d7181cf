"""Every letter the site shows can be drawn: by the fonts a phone has, and by the fonts a leaflet embeds.

Android ships Noto: Noto Sans for Latin and Cyrillic, Noto Naskh Arabic, and Noto Nastaliq Urdu. Debian
packages the same families (``fonts-noto-core``, installed for the tests), so every page of every language
is checked against their character maps, and the browser tests see what a phone shows rather than
DejaVu's empty boxes. A leaflet embeds only the project's own fonts (``rightsinfo/fonts``); the
characters it prints must be in the fonts ``pdffonts`` finds embedded. A letter without a glyph fails
naming the page, the character and its code point.
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from fontTools.ttLib import TTFont

from rightsinfo import i18n
from rightsinfo.leaflets.batch import job_html
from rightsinfo.leaflets.model import CARD, PAGE, Leaflet
from rightsinfo.leaflets.render import RENDERER, STYLESHEET_PATH

PHONE_FONTS_DIR = Path("/usr/share/fonts/truetype/noto")
PHONE_FONTS = ("NotoSans-Regular.ttf", "NotoNaskhArabic-Regular.ttf", "NotoNastaliqUrdu-Regular.ttf")
UNDRAWN_CATEGORIES = {"Cc", "Cf", "Zs", "Zl", "Zp"}  # controls, format marks and spaces draw no glyph
UNPRINTED_TAGS = {"head", "style", "script", "title", "template"}
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


@cache
def character_map(path: Path) -> frozenset[int]:
    """Return the code points a font file has glyphs for."""
    return frozenset(TTFont(path, lazy=True).getBestCmap())


@cache
def phone_coverage() -> frozenset[int]:
    """Return the code points the phone fonts cover together, failing if the fonts are missing."""
    missing = [name for name in PHONE_FONTS if not (PHONE_FONTS_DIR / name).exists()]
    if missing:
        pytest.fail(f"{', '.join(missing)} missing: apt-get install fonts-noto-core (system-packages.txt)")
    return frozenset().union(*(character_map(PHONE_FONTS_DIR / name) for name in PHONE_FONTS))


def uncovered(text: str, coverage: frozenset[int]) -> list[str]:
    """Return each drawn character of a text that no font covers, as 'ڼ U+06BC', once each."""
    missing = dict.fromkeys(
        char
        for char in text
        if unicodedata.category(char) not in UNDRAWN_CATEGORIES and ord(char) not in coverage
    )
    return [f"{char} U+{ord(char):04X}" for char in missing]


class PageText(HTMLParser):
    """A page's drawn text (head, scripts and styles left out) and the same-language links it has."""

    def __init__(self) -> None:
        super().__init__()
        self.open_tags: list[str] = []
        self.parts: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)
        if tag not in VOID_ELEMENTS:
            self.open_tags.append(tag)

    def handle_endtag(self, tag):
        if tag in self.open_tags:
            while self.open_tags.pop() != tag:
                pass

    def handle_data(self, data):
        if not UNPRINTED_TAGS.intersection(self.open_tags):
            self.parts.append(data)


def site_pages(client, lang: str) -> dict[str, str]:
    """Return every HTML page a reader of a language can reach from its home page, with its text."""
    home = f"/{lang}/"
    pending, texts = [home], {}
    while pending:
        url = pending.pop()
        if url in texts:
            continue
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        parser = PageText()
        parser.feed(response.get_data(as_text=True))
        texts[url] = " ".join(parser.parts)
        for href in parser.links:
            target = urlsplit(urljoin(url, href))
            if not target.scheme and target.path.startswith(home) and target.path not in texts:
                pending.append(target.path)
    return texts


def leaflet_font_files() -> dict[str, Path]:
    """Return the stylesheet's font files by the name WeasyPrint embeds them under (``Leaf-Sans-Bold``).

    WeasyPrint names an embedded font after its ``@font-face`` family, with ``-Bold`` for weight 700.
    """
    import tinycss2

    files = {}
    rules = tinycss2.parse_stylesheet(STYLESHEET_PATH.read_text(encoding="utf-8"), skip_whitespace=True)
    for rule in rules:
        if rule.type != "at-rule" or rule.lower_at_keyword != "font-face":
            continue
        declarations = {
            item.lower_name: [token for token in item.value if token.type not in {"whitespace", "comment"}]
            for item in tinycss2.parse_declaration_list(rule.content, skip_whitespace=True)
            if item.type == "declaration"
        }
        family = declarations["font-family"][0].value.replace(" ", "-")
        bold = declarations["font-weight"][0].value == 700
        source = declarations["src"][0]
        url = source.value if source.type == "url" else source.arguments[0].value
        files[family + ("-Bold" if bold else "")] = (STYLESHEET_PATH.parent / url).resolve()
    return files


def embedded_font_coverage(pdf_path: Path) -> frozenset[int]:
    """Return what the fonts a PDF embeds cover, reading them from the project's own font files."""
    output = subprocess.run([tool("pdffonts"), str(pdf_path)], capture_output=True, text=True, check=True)
    names = {line.split()[0].split("+", 1)[-1] for line in output.stdout.splitlines()[2:] if line.strip()}
    files = leaflet_font_files()
    assert names <= set(files), f"embedded fonts that are not the leaflets' own: {sorted(names - set(files))}"
    return frozenset().union(*(character_map(files[name]) for name in names))


def tool(name: str) -> str:
    """Return a command-line tool's path, failing the test (not skipping) when it is missing."""
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed: apt-get install poppler-utils")
    return path


def printed_text(html: str) -> str:
    """Return the text a leaflet's HTML prints (its body, footer included)."""
    parser = PageText()
    parser.feed(html)
    return " ".join(parser.parts)


def languages(real_app) -> list[str]:
    """Return the site's language prefixes."""
    with real_app.app_context():
        return [language.prefix for language in i18n.languages()]


def test_every_character_of_every_page_has_a_glyph_in_the_phone_fonts(real_app):
    client = real_app.test_client()
    problems = {}
    for lang in languages(real_app):
        pages = site_pages(client, lang)
        assert len(pages) > 10, f"{lang}: the crawl reached only {sorted(pages)}"
        for url, text in pages.items():
            if missing := uncovered(text, phone_coverage()):
                problems[url] = missing
    assert problems == {}


@pytest.mark.parametrize("kind", [PAGE, CARD])
def test_every_character_a_leaflet_prints_is_in_a_font_it_embeds(real_app, tmp_path, kind):
    problems = {}
    for lang in languages(real_app):
        leaflet = Leaflet(
            kind, lang, ("asylum",) if kind == PAGE else (), size="a5" if kind == PAGE else "card"
        )
        html, base_url = job_html(real_app, leaflet)
        path = tmp_path / f"{lang}.pdf"
        path.write_bytes(RENDERER.render(html, base_url))
        if missing := uncovered(printed_text(html), embedded_font_coverage(path)):
            problems[f"{lang} {leaflet.filename}"] = missing
    assert problems == {}


def test_a_letter_missing_from_the_fonts_is_named_with_its_code_point():
    # How the checks above fail: take Pashto's ڼ (U+06BC) out of the phone fonts' coverage.
    coverage = phone_coverage() - {ord("ڼ")}
    assert uncovered("د ښځو او ماشومانو لپاره ځانګړې مرستې", coverage) == []
    assert uncovered("ماشومانو ته ډېر ښه ځای ورکړل شوی، ګڼه ګوڼه", coverage) == ["ڼ U+06BC"]


def test_the_phone_fonts_cover_every_letter_of_each_alphabet():
    # Pashto, Dari, Arabic, Urdu and Turkish letters a reader types or reads (the fonts' job, not ours,
    # but a font package that lost a script would make the page check above pass vacuously).
    alphabets = "ټډړږښګڼۍېئپچژکگیۀہھےۓ" + "ğĞıİşŞçÇöÖüÜ" + "čćđšžČĆĐŠŽ" + "абвгдђежзијклљмнњопрстћуфхцчџш"
    assert uncovered(alphabets, phone_coverage()) == []
