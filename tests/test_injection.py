"""Content and catalogue injection: hostile text in pages, records or .po files is shown as text only.

Editors and translators are trusted to write words, not code. A ``<script>``, a ``javascript:`` link,
an event attribute or an attribute break-out typed into page Markdown, an organisation record, a card,
an emergency label or a catalogue entry must reach a reader as visible text at most, never as markup a
browser would run or follow. Each test builds the fixture site with the hostile text (the .po file is
compiled by ``msgfmt`` through the real build) and reads every page as a browser would parse it.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import PROJECT_DIR, make_app
from test_security import URL_ATTRIBUTES

from rightsinfo.build import build_site
from rightsinfo.content import ContentError
from rightsinfo.markup import ALLOWED_TAGS
from rightsinfo.serving import REGISTER_SCRIPT, inline_script

MARKER = "PWNED"
HARMLESS_SCRIPT_SOURCE = re.compile(r"^/static/[\w.-]+\.js$")
PAYLOADS = (
    f"<script>alert('{MARKER}-script')</script>",
    f"<img src=x onerror=\"alert('{MARKER}-img')\">",
    f"<a href=\"javascript:alert('{MARKER}-a')\" onclick=\"alert('{MARKER}-click')\">tap</a>",
    f'" onmouseover="alert(\'{MARKER}-attr\')" x="',
    f"' onfocus='alert(`{MARKER}-single`)' autofocus x='",
    f"<svg onload=alert('{MARKER}-svg')>",
    f"<iframe src=\"javascript:alert('{MARKER}-frame')\"></iframe>",
    f"<style>body{{background:url('javascript:alert(\"{MARKER}-css\")')}}</style>",
)
HOSTILE_TEXT = " ".join(PAYLOADS)
HOSTILE_MARKDOWN = "\n\n".join(
    [
        *PAYLOADS,
        f"[tap here](javascript:alert('{MARKER}-md-link'))",
        f"[tap here]( JaVaScRiPt:alert('{MARKER}-md-case'))",
        f"[tap here](data:text/html;base64,PHNjcmlwdD4{MARKER})",
        f"[tap here](vbscript:msgbox('{MARKER}-vb'))",
        f"![picture](javascript:alert('{MARKER}-md-image'))",
        f"<javascript:alert('{MARKER}-autolink')>",
        f'<div style="color:red" onclick="alert(\'{MARKER}-div\')">block</div>',
    ]
)


class Markup(HTMLParser):
    """What a browser would make of a page: its elements, attributes and script or style text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.active: list[str] = []  # places where hostile text would be live
        self._raw_text_tag: str | None = None
        self._inline_text: list[str] | None = None  # the text of an inline script being read

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Flag event attributes, style attributes, odd URLs and scripts not from /static/."""
        self.tags.add(tag)
        attributes = {name.lower(): value or "" for name, value in attrs}
        for name, value in attributes.items():
            if MARKER in name:
                self.active.append(f"<{tag}> has an attribute named from hostile text: {name}")
            if name.startswith("on") or name == "style":
                self.active.append(f"<{tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES:
                scheme = value.strip().lower().split(":", 1)[0] if ":" in value else ""
                empty_icon = tag == "link" and value == "data:,"  # the site's no-request favicon
                if MARKER in value or (scheme in {"javascript", "vbscript", "data"} and not empty_icon):
                    self.active.append(f"<{tag} {name}={value!r}>")
            if name == "http-equiv":
                self.active.append(f"<{tag} http-equiv={value!r}>")
        inline = tag == "script" and "src" not in attributes
        if tag == "script" and not inline and not HARMLESS_SCRIPT_SOURCE.match(attributes["src"]):
            self.active.append(f"<script src={attributes.get('src')!r}>")
        if tag in {"script", "style"}:
            self._raw_text_tag = tag
            self._inline_text = [] if inline else None

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Treat <tag/> like <tag>."""
        self.handle_starttag(tag, attrs)
        if self._raw_text_tag == tag:
            self._raw_text_tag = None

    def handle_data(self, data: str) -> None:
        """Flag hostile text inside a script or style element."""
        if self._raw_text_tag and MARKER in data:
            self.active.append(f"hostile text inside <{self._raw_text_tag}>")
        if self._raw_text_tag and self._inline_text is not None:
            self._inline_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        """Leave a script or style element."""
        if tag == self._raw_text_tag:
            # The one inline script a page may carry is the site's own worker registration, as written.
            if self._inline_text is not None and "".join(self._inline_text) != inline_script(REGISTER_SCRIPT):
                self.active.append("<script> written inline")
            self._raw_text_tag, self._inline_text = None, None


def parse(body: str) -> Markup:
    """Parse a page the way a browser's tokenizer would."""
    markup = Markup()
    markup.feed(body)
    markup.close()
    return markup


def read_site(dirs: dict[str, Path], paths: list[str]) -> dict[str, str]:
    """Build the site in ``dirs`` and return {path: body} of the given pages (each must be 200)."""
    build_site(dirs["content"], dirs["translations"], dirs["instance"])
    client = make_app(dirs).test_client()
    bodies = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, f"{path}: {response.status_code}"
        bodies[path] = response.get_data(as_text=True)
    return bodies


def assert_only_text(hostile: dict[str, str], clean: dict[str, str], expect_visible: bool = True) -> None:
    """Fail if hostile text is live anywhere, or brought in an element the clean page does not have."""
    seen_as_text = False
    for path, body in hostile.items():
        markup = parse(body)
        assert not markup.active, f"{path}: {markup.active}"
        new_tags = markup.tags - parse(clean[path]).tags - ALLOWED_TAGS  # Markdown may add <code>, <em>…
        assert not new_tags, f"{path}: hostile text created elements {sorted(new_tags)}"
        seen_as_text = seen_as_text or MARKER in body
    if expect_visible:
        assert seen_as_text, "the hostile text shows nowhere: the test would prove nothing"


def replace_in(path: Path, old: str, new: str) -> None:
    """Replace text in a fixture file, failing if the text is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def yaml_string(text: str) -> str:
    """Return text as a double-quoted YAML scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


PAGE_PATHS = [f"/{prefix}/{part}" for prefix in ("en", "ps") for part in ("", "beta/", "search?q=where")]


def test_hostile_page_markdown_and_front_matter_reach_readers_as_text(site_dirs, tmp_path):
    clean = read_site(site_dirs, PAGE_PATHS)
    page = site_dirs["content"] / "pages" / "beta" / "en.md"
    replace_in(
        page, "title: Where is the doctor?", f"title: {yaml_string('Where is the doctor? ' + PAYLOADS[0])}"
    )
    replace_in(page, "summary: Doctors work in the centres.", f"summary: {yaml_string(PAYLOADS[3])}")
    page.write_text(page.read_text(encoding="utf-8") + "\n" + HOSTILE_MARKDOWN + "\n", encoding="utf-8")
    site_dirs["instance"] = tmp_path / "hostile-instance"
    assert_only_text(read_site(site_dirs, PAGE_PATHS), clean)


ORGANISATION_PATHS = [
    f"/{prefix}/{part}"
    for prefix in ("en", "ps")
    for part in ("organisations/", "organisations/helpers/", "search?q=fixture", "", "cards/")
]


def test_hostile_organisation_card_and_emergency_records_reach_readers_as_text(site_dirs, tmp_path):
    clean = read_site(site_dirs, ORGANISATION_PATHS)
    content = site_dirs["content"]
    record = content / "organisations" / "helpers.yaml"
    replace_in(record, "name: Fixture Helpers", f"name: {yaml_string('Fixture Helpers ' + HOSTILE_TEXT)}")
    replace_in(record, "local_name: Pomoćnici", f"local_name: {yaml_string(PAYLOADS[4])}")
    replace_in(
        record,
        "website: https://example.org",
        f"website: {yaml_string('https://example.org/' + PAYLOADS[3] + PAYLOADS[0])}",
    )
    replace_in(
        record,
        "summary: Free legal help for people asking for asylum.",
        f"summary: {yaml_string('Free legal help ' + HOSTILE_TEXT)}",
    )
    replace_in(
        record, "summary: د پناه غوښتونکو لپاره وړیا حقوقي مرسته.", f"summary: {yaml_string(HOSTILE_TEXT)}"
    )
    replace_in(
        content / "cards" / "asylum.yaml", "ps: زه غواړم پناه وغواړم.", f"ps: {yaml_string(HOSTILE_TEXT)}"
    )
    replace_in(
        content / "emergency.yaml",
        "label: {en: Police, ps: پولیس}",
        f"label: {{en: Police, ps: {yaml_string(PAYLOADS[1])}}}",
    )
    site_dirs["instance"] = tmp_path / "hostile-instance"
    assert_only_text(read_site(site_dirs, ORGANISATION_PATHS), clean)


@pytest.mark.parametrize(
    "website", ["javascript:alert('PWNED')", "data:text/html,PWNED", "http://example.org/"]
)
def test_an_organisation_website_that_is_not_https_fails_the_build(site_dirs, website):
    record = site_dirs["content"] / "organisations" / "helpers.yaml"
    replace_in(record, "website: https://example.org", f"website: {yaml_string(website)}")
    with pytest.raises(ContentError) as failure:
        build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
    assert "helpers.yaml" in str(failure.value) and "https://" in str(failure.value)


CATALOGUE_ENTRIES = {
    "All topics": PAYLOADS[0],
    "More": PAYLOADS[3],
    "Search words": PAYLOADS[4],
    "Search": PAYLOADS[2],
    "Organisations": PAYLOADS[1],
    "Legal help": PAYLOADS[5],
    "Emergency": PAYLOADS[6],
    "Rights in Serbia": PAYLOADS[7],
}
CATALOGUE_PATHS = [
    "/ps/",
    "/ps/beta/",
    "/ps/organisations/",
    "/ps/organisations/helpers/",
    "/ps/search",
    "/ps/cards/",
]


def po_string(text: str) -> str:
    """Return text as a .po string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def test_hostile_catalogue_entries_compiled_by_msgfmt_reach_readers_as_text(site_dirs, tmp_path):
    clean = read_site(site_dirs, CATALOGUE_PATHS)
    catalogue = site_dirs["translations"] / "ps" / "LC_MESSAGES" / "messages.po"
    for msgid, payload in CATALOGUE_ENTRIES.items():
        replace_in(
            catalogue, f'msgid "{msgid}"\nmsgstr ""\n', f'msgid "{msgid}"\nmsgstr {po_string(payload)}\n'
        )
    site_dirs["instance"] = tmp_path / "hostile-instance"
    hostile = read_site(site_dirs, CATALOGUE_PATHS)
    assert "onmouseover" in hostile["/ps/"], "the catalogue was not compiled into the build"
    assert_only_text(hostile, clean)

    client = make_app(site_dirs).test_client()
    manifest = client.get("/ps/manifest.webmanifest")
    assert manifest.mimetype == "application/manifest+json"
    worker = client.get("/ps/sw.js").get_data(as_text=True)
    assert MARKER not in worker, "catalogue text should never be written into the service worker"


def test_no_script_of_the_site_turns_strings_into_markup_or_code():
    scripts = [
        *sorted((PROJECT_DIR / "rightsinfo" / "static").glob("*.js")),
        PROJECT_DIR / "rightsinfo/templates/sw.js",
    ]
    assert scripts
    dangerous = re.compile(
        r"\.innerHTML\s*=|\.outerHTML\s*=|insertAdjacentHTML|document\.write|\beval\s*\(|new\s+Function\s*\("
        r"|setTimeout\s*\(\s*['\"]|setInterval\s*\(\s*['\"]"
    )
    for script in scripts:
        found = dangerous.search(script.read_text(encoding="utf-8"))
        assert not found, f"{script.name}: {found.group(0)}"
