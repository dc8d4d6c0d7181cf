"""The words a leaflet prints, carried with them, so that reading the PDF back gives the real text.

Nastaliq (Urdu) draws a letter from shared pieces: one skeleton glyph serves several letters and the
dots are glyphs of their own, on a sloping baseline. A glyph can then map back to only one character,
so a screen reader, a copy-paste or ``pdftotext`` reading the glyphs back gets wrong letters in broken
fragments. PDF's answer is ``/ActualText``: a marked-content span that says which characters its
glyphs stand for. WeasyPrint (70) tags the document but writes no ActualText, so each tagged text run
set in a Nastaliq font is wrapped in one more span that carries its text, in reading order. The span
nests inside WeasyPrint's own (whose MCID stays where the structure tree expects it). Naskh and Latin
runs are left alone: their glyphs map back one to one, and poppler lays an ActualText out left to
right, which would turn a right-to-left run it reads correctly today around.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

ARABIC_LETTER = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
SHARED_GLYPH_FONT_WORD = "Nastaliq"  # the font families whose glyphs do not map back one to one


def needs_actual_text(text: str, font_families: tuple[str, ...]) -> bool:
    """Return whether a run's glyphs need its text beside them to read back right (Nastaliq)."""
    nastaliq = bool(font_families) and SHARED_GLYPH_FONT_WORD in font_families[0]
    return nastaliq and bool(ARABIC_LETTER.search(text))


def install() -> None:
    """Make WeasyPrint's tagged text runs carry their text where the glyphs do not say it."""
    import pydyf
    from weasyprint.formatting_structure.boxes import TextBox
    from weasyprint.pdf.stream import Stream

    if getattr(Stream.marked, "carries_actual_text", False):
        return
    marked = Stream.marked

    @contextmanager
    def marked_with_actual_text(stream: Stream, box, tag: str) -> Iterator[None]:
        with marked(stream, box, tag):
            wrap = (
                stream._tags is not None
                and isinstance(box, TextBox)
                and needs_actual_text(box.text, tuple(box.style["font_family"]))
            )
            if wrap:
                stream.begin_marked_content("Span", pydyf.Dictionary({"ActualText": pydyf.String(box.text)}))
            try:
                yield
            finally:
                if wrap:
                    stream.end_marked_content()

    marked_with_actual_text.carries_actual_text = True
    Stream.marked = marked_with_actual_text
