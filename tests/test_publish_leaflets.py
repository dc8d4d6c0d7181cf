"""Leaflets pre-rendered at publish (issue 30): what aid workers print is a file read, never a render.

``flask build --leaflets`` renders, once the new database serves, every leaflet the print page links
to and the "All topics" pack; a request for any of them afterwards reads the build's cache folder.
Other packs are still rendered on request, as one document: joining pre-rendered leaflets would
drop the tagged structure that screen readers follow (the last test holds that line).
"""

from __future__ import annotations

import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pikepdf

from rightsinfo import i18n
from rightsinfo.leaflets import views
from rightsinfo.leaflets.cache import store, trim, write_prerendered_list
from rightsinfo.publish import leaflets as publish_leaflets
from tests.test_leaflets import tool


class PdfLinks(HTMLParser):
    """Collect the addresses of the links a page marks as PDFs."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Keep the href of every ``<a type="application/pdf">``."""
        found = dict(attrs)
        if tag == "a" and found.get("type") == "application/pdf" and found.get("href"):
            self.hrefs.append(found["href"])


def printed_addresses(client, lang: str) -> list[str]:
    """Return every PDF the print page of a language links to, and its "All topics" pack in both sizes."""
    parser = PdfLinks()
    parser.feed(client.get(f"/{lang}/print/").get_data(as_text=True))
    packs = [f"/{lang}/print/pack.pdf?all=1&with=&size={size}&script=nastaliq" for size in ("a5", "a4")]
    return [*parser.hrefs, *packs]


def test_build_with_leaflets_pre_renders_everything_the_print_page_offers(app, monkeypatch):
    # At full priority: no reader's page waits here, and a busy test machine would starve the renders.
    monkeypatch.setattr(publish_leaflets, "PRERENDER_NICENESS", 0)
    result = app.test_cli_runner().invoke(args=["build", "--leaflets"])
    assert result.exit_code == 0, result.output
    assert "Pre-rendered" in result.output

    def no_render(html: str, base_url: str) -> bytes:
        raise AssertionError("a printed leaflet was rendered on request")

    monkeypatch.setattr(views, "render_elsewhere", no_render)
    client = app.test_client()
    with app.app_context():
        prefixes = [language.prefix for language in i18n.languages()]
    checked = 0
    for lang in prefixes:
        addresses = printed_addresses(client, lang)
        assert len(addresses) >= 10, addresses  # topics, their sizes, directory, papers, card, packs
        for address in addresses:
            response = client.get(address)
            assert response.status_code == 200, address
            assert response.data.startswith(b"%PDF-"), address
            checked += 1
    again = app.test_cli_runner().invoke(args=["build", "--leaflets"])
    assert again.exit_code == 0, again.output
    assert "Pre-rendered 0 leaflets" in again.output, "a second run renders nothing already made"
    assert checked >= 10 * len(prefixes)


def test_a_plain_build_leaves_leaflets_to_be_rendered_on_request(app):
    result = app.test_cli_runner().invoke(args=["build"])
    assert result.exit_code == 0, result.output
    assert not (Path(app.instance_path) / "leaflets").exists()


def test_the_cache_trim_spares_pre_rendered_leaflets_for_packs_made_on_request(tmp_path):
    folder = tmp_path / "leaflets" / "version"
    write_prerendered_list(folder, ["en/alpha-a5.pdf"])
    store(folder / "en" / "alpha-a5.pdf", b"%PDF-" + b"x" * 1000)  # written first: the oldest
    for number in range(3):
        store(folder / "en" / f"pack-{number}-a5.pdf", b"%PDF-" + b"y" * 1000)
    trim(folder, 2500)
    assert (folder / "en" / "alpha-a5.pdf").exists()
    assert not (folder / "en" / "pack-0-a5.pdf").exists(), "the oldest pack made on request goes first"
    assert (folder / "en" / "pack-2-a5.pdf").exists()


def test_a_print_pack_is_one_tagged_document_with_its_contents_numbered(client, tmp_path):
    response = client.get("/ps/print/pack.pdf?topics=alpha&topics=beta&topics=organisations")
    assert response.status_code == 200
    path = tmp_path / "pack.pdf"
    path.write_bytes(response.data)
    info = subprocess.run([tool("pdfinfo"), str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE), info
    with pikepdf.open(path) as pdf:
        assert str(pdf.Root.Lang) == "ps"
        assert "/StructTreeRoot" in pdf.Root
        assert all("/StructParents" in page for page in pdf.pages), "every page's marks reach the tree"
        with pdf.open_outline() as outline:
            assert len(outline.root) >= 3


def test_a_print_pack_contents_give_the_page_each_topic_starts_on(client, tmp_path):
    path = tmp_path / "pack.pdf"
    path.write_bytes(client.get("/en/print/pack.pdf?topics=alpha&topics=beta&topics=organisations").data)

    def page_text(number: int) -> str:
        """Return one page's text as pdftotext reads it."""
        command = [tool("pdftotext"), "-f", str(number), "-l", str(number), str(path), "-"]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout

    entries = re.findall(r"^\d+\. (.+?) ?\.{3,} (\d+)$", page_text(1), re.MULTILINE)
    assert len(entries) == 3, page_text(1)
    for title, page in entries:
        assert title in " ".join(page_text(int(page)).split()), (title, page)


def run_start_publish(instance: Path, monkeypatch, prerender_at_start: str) -> list[str]:
    """Run what gunicorn's master runs at start on a built instance; return what it pre-rendered for."""
    from rightsinfo.publish import __main__ as start

    monkeypatch.setenv("RIGHTSINFO_INSTANCE_PATH", str(instance))
    monkeypatch.setenv("RIGHTSINFO_PRERENDER_LEAFLETS_AT_START", prerender_at_start)
    calls: list[str] = []

    def prerender(app, progress=None):
        calls.append(app.instance_path)
        return publish_leaflets.PrerenderReport(rendered=0, already_made=0, bytes_written=0, seconds=0.0)

    monkeypatch.setattr(start, "prerender_leaflets", prerender)
    assert start.main() == 0
    return calls


def test_the_server_start_pre_renders_leaflets_in_the_background_only_when_set(app, monkeypatch):
    # make run serves at once and leaves the ~270 PDFs to the start hook's child process: the
    # setting decides, so test servers and benches never render behind the figures they take.
    instance = Path(app.instance_path)
    assert run_start_publish(instance, monkeypatch, "1") == [str(instance)]
    assert run_start_publish(instance, monkeypatch, "0") == []
