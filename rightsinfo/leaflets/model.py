"""What a leaflet is: its kinds, sizes and scripts, and the ``Leaflet`` record that names one PDF."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

PAGE = "page"
DIRECTORY = "organisations"
CARD = "emergency-card"
PAPERS = "papers"  # words on official papers beside the Serbian, on one sheet
PACK = "pack"
SIZES = ("a5", "a4")
DEFAULT_SIZE = "a5"
CARD_SIZE = "card"
URDU = "ur"
NASKH = "naskh"
SCRIPTS = ("nastaliq", NASKH)  # Urdu's choice; every other Arabic-script language is always Naskh


@dataclass(frozen=True)
class Leaflet:
    """One printable document: what it shows, in which languages, on which paper."""

    kind: str
    lang: str
    topics: tuple[str, ...] = ()
    size: str = DEFAULT_SIZE
    with_lang: str | None = None
    script: str | None = None

    @property
    def filename(self) -> str:
        """Return the file's path below a leaflet folder, e.g. ``ps/asylum-a5-with-en.pdf``."""
        if self.kind == PAGE:
            stem = f"{self.topics[0]}-{self.size}"
        elif self.kind == PACK:
            digest = hashlib.sha256(",".join(self.topics).encode()).hexdigest()[:12]
            stem = f"pack-{digest}-{self.size}"
        elif self.kind in (DIRECTORY, PAPERS):
            stem = f"{self.kind}-{self.size}"
        else:
            stem = CARD
        if self.with_lang:
            stem += f"-with-{self.with_lang}"
        if self.script:
            stem += f"-{self.script}"
        return f"{self.lang}/{stem}.pdf"


def every_topic(slugs: list[str]) -> tuple[str, ...]:
    """Return the topics of the "All topics" pack: every topic page in home-page order, then the directory."""
    return (*slugs, DIRECTORY)


def leaflet_for(lang: str, slug: str, size: str = DEFAULT_SIZE, with_lang: str | None = None,
                script: str | None = None) -> Leaflet:  # fmt: skip
    """Return the Leaflet a slug names: a topic, ``organisations``, ``papers`` or ``emergency-card``."""
    if slug == DIRECTORY:
        return Leaflet(DIRECTORY, lang, (), size, with_lang, script)
    if slug == PAPERS:
        return Leaflet(PAPERS, lang, (), size, with_lang, script)
    if slug == CARD:
        return Leaflet(CARD, lang, (), CARD_SIZE, with_lang, script)
    return Leaflet(PAGE, lang, (slug,), size, with_lang, script)
