"""Latin names inside right-to-left leaflets, read back with ``pdftotext -bbox`` (word positions).

The words of one Latin phrase must sit side by side, left to right, on one line; separate Latin
names in a right-to-left sentence ("BCHR، IDEAS، APC", "IDEAS، جو UNHCR …") must follow each other
from right to left, in the order of the text, as a reader of Pashto or Urdu reads them.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest

WORD_PATTERN = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
)
LINE_TOLERANCE_POINTS = 2.0


def word_lines(pdf: bytes, folder: Path) -> list[list[tuple[float, float, str]]]:
    """Return the lines of every page as lists of (left, right, word), words stripped of punctuation."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.fail("pdftotext is not installed: apt-get install poppler-utils")
    path = folder / "leaflet.pdf"
    path.write_bytes(pdf)
    output = subprocess.run([pdftotext, "-bbox", path, "-"], capture_output=True, check=True).stdout.decode()
    lines: dict[tuple[int, int], list[tuple[float, float, str]]] = {}
    for number, page in enumerate(output.split("<page ")[1:]):
        for left, top, right, _bottom, word in WORD_PATTERN.findall(page):
            key = (number, round(float(top) / LINE_TOLERANCE_POINTS))
            text = re.sub(r"[^\w]", "", html.unescape(word))
            if text:
                lines.setdefault(key, []).append((float(left), float(right), text))
    return [sorted(words) for words in lines.values()]


def phrase_is_whole_and_in_order(lines, phrase: str) -> bool:
    """Return whether some line shows the phrase's words next to each other, left to right."""
    wanted = phrase.split()
    for words in lines:
        texts = [text for _left, _right, text in words]
        for start in range(len(texts) - len(wanted) + 1):
            if texts[start : start + len(wanted)] == wanted:
                return True
    return False


def phrase_reads_left_to_right_across_lines(lines, phrase: str) -> bool:
    """Return whether each line shows its part of the phrase as one left-to-right piece, in phrase order.

    A long phrase may wrap, so it is read line by line: every word is printed, and the words on one
    line are a stretch of the phrase laid out from left to right.
    """
    wanted = phrase.split()
    printed: list[str] = []
    for words in lines:
        present = [text for _left, _right, text in words if text in wanted]
        if present and (printed or present[0] == wanted[0]):
            printed += present[: len(wanted) - len(printed)]
            if len(printed) == len(wanted):
                break
    return printed == wanted


def names_read_right_to_left(lines, names: list[str]) -> bool:
    """Return whether some line shows the names in text order from right to left."""
    for words in lines:
        lefts = {text: left for left, _right, text in words}
        if all(name in lefts for name in names):
            positions = [lefts[name] for name in names]
            return positions == sorted(positions, reverse=True)
    pytest.fail(f"no line holds all of {names}")


def get_pdf(client, url: str) -> bytes:
    """GET a leaflet, asserting it is a PDF."""
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.data.startswith(b"%PDF-")
    return response.data


@pytest.fixture(scope="module")
def real_client(real_app):
    """A client of the app built from the real content."""
    return real_app.test_client()


def test_pashto_asylum_leaflet_keeps_serbian_terms_whole_and_lists_names_in_reading_order(
    real_client, tmp_path
):
    lines = word_lines(get_pdf(real_client, "/ps/asylum/leaflet.pdf"), tmp_path)
    for phrase in ("potvrda o registraciji", "tražilac azila", "Kancelarija za azil", "Upravni sud"):
        assert phrase_is_whole_and_in_order(lines, phrase), phrase
    assert names_read_right_to_left(lines, ["BCHR", "IDEAS", "APC"])


@pytest.mark.parametrize("lang", ("ps", "prs", "ar", "ur"))
def test_the_courts_postal_address_prints_in_its_own_order(real_client, tmp_path, lang):
    """A reader copies it onto an envelope: "Nemanjina 9, 11000 Belgrade", not "Belgrade 11000 ,9 …"."""
    lines = word_lines(get_pdf(real_client, f"/{lang}/after-refusal/leaflet.pdf"), tmp_path)
    assert phrase_reads_left_to_right_across_lines(lines, "Nemanjina 9 11000 Belgrade")


def test_urdu_directory_leaflet_reads_ideas_before_unhcr(real_client, tmp_path):
    lines = word_lines(get_pdf(real_client, "/ur/organisations/leaflet.pdf"), tmp_path)
    assert names_read_right_to_left(lines, ["IDEAS", "UNHCR"])
    assert phrase_is_whole_and_in_order(lines, "Centar za istraživanje i razvoj društva IDEAS")
