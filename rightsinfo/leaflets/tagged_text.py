"""What a tagged leaflet says about each run of text: its real text (Nastaliq) and its language.

**Real text.**
Nastaliq (Urdu) draws a letter from shared pieces: one skeleton glyph serves several letters and the
dots are glyphs of their own, on a sloping baseline. A glyph can then map back to only one character,
so a screen reader, a copy-paste or ``pdftotext`` reading the glyphs back gets wrong letters in broken
fragments. PDF's answer is ``/ActualText``: a marked-content span that says which characters its
glyphs stand for. WeasyPrint (70) tags the document but writes no ActualText, so each tagged text run
set in a Nastaliq font is wrapped in one more span that carries its text, in reading order. The span
nests inside WeasyPrint's own (whose MCID stays where the structure tree expects it). Naskh and Latin
runs are left alone: their glyphs map back one to one, and poppler lays an ActualText out left to
right, which would turn a right-to-left run it reads correctly today around.

**Language.** WeasyPrint writes the document's language once, in the catalogue. A bilingual leaflet's
second language would then be read with the first language's voice, so a run whose language differs
from the document's gets a ``/Lang`` in the same kind of nested span. Runs the build isolated as
``und-…`` (Latin names inside right-to-left text, whose language nobody knows) get none. The renderer
says which language the document is in for the length of one write (``write_pdf``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

ARABIC_LETTER = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
SHARED_GLYPH_FONT_WORD = "Nastaliq"  # the font families whose glyphs do not map back one to one
UNDETERMINED_LANGUAGE = "und"

document_language: ContextVar[str | None] = ContextVar("document_language", default=None)


def needs_actual_text(text: str, font_families: tuple[str, ...]) -> bool:
    """Return whether a run's glyphs need its text beside them to read back right (Nastaliq)."""
    nastaliq = bool(font_families) and SHARED_GLYPH_FONT_WORD in font_families[0]
    return nastaliq and bool(ARABIC_LETTER.search(text))


def run_language(run_lang: str | None, document_lang: str | None) -> str | None:
    """Return the language to mark a run with: its own, where it is known and not the document's."""
    if not run_lang or not document_lang or run_lang.split("-")[0] == UNDETERMINED_LANGUAGE:
        return None
    return None if run_lang.lower() == document_lang.lower() else run_lang


def run_properties(text: str, font_families: tuple[str, ...], lang: str | None) -> dict[str, str]:
    """Return what a tagged text run must say beyond its glyphs: ActualText, Lang, or nothing."""
    properties = {}
    if needs_actual_text(text, font_families):
        properties["ActualText"] = text
    if marked := run_language(lang, document_language.get()):
        properties["Lang"] = marked
    return properties


def install() -> None:
    """Make WeasyPrint's tagged text runs carry their text and language where the glyphs do not say it."""
    import pydyf
    from weasyprint.formatting_structure.boxes import TextBox
    from weasyprint.pdf.stream import Stream

    if getattr(Stream.marked, "carries_run_properties", False):
        return
    marked = Stream.marked

    @contextmanager
    def marked_with_run_properties(stream: Stream, box, tag: str) -> Iterator[None]:
        with marked(stream, box, tag):
            properties = {}
            if stream._tags is not None and isinstance(box, TextBox):
                properties = run_properties(box.text, tuple(box.style["font_family"]), box.style["lang"])
            wrap = bool(properties)
            if wrap:
                values = {name: pydyf.String(value) for name, value in properties.items()}
                stream.begin_marked_content("Span", pydyf.Dictionary(values))
            try:
                yield
            finally:
                if wrap:
                    stream.end_marked_content()

    marked_with_run_properties.carries_run_properties = True
    Stream.marked = marked_with_run_properties


def write_pdf(document, tagged: bool = True) -> bytes:
    """Write a laid-out WeasyPrint document as PDF, tagged, its runs marked against its language."""
    language = document_language.set(document.metadata.lang)
    try:
        return document.write_pdf(pdf_tags=tagged)
    finally:
        document_language.reset(language)
