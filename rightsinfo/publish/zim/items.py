"""ZIM entries as libzim's writer wants them: each entry an item, each page with its search data.

Kept apart from ``zim`` so that only writing a ZIM loads libzim, not every process that imports the app.
"""

from __future__ import annotations

from libzim.writer import Hint, IndexData, Item, StringProvider

from rightsinfo.publish.zim.pages import ZimEntry, article_text, word_prefixes


class ZimItem(Item):
    """A ZimEntry as libzim's writer wants it."""

    def __init__(self, entry: ZimEntry):
        super().__init__()
        self.entry = entry

    def get_path(self) -> str:
        """Return the entry's path inside the ZIM."""
        return self.entry.path

    def get_title(self) -> str:
        """Return the entry's title, shown by Kiwix's suggestions."""
        return self.entry.title

    def get_mimetype(self) -> str:
        """Return the entry's MIME type."""
        return self.entry.mimetype

    def get_contentprovider(self) -> StringProvider:
        """Return the entry's bytes."""
        return StringProvider(self.entry.body)

    def get_indexdata(self) -> IndexData | None:
        """Index a page by its main text (not the menus on every page), others not at all."""
        return PageIndex(self.entry) if self.entry.is_article else NotIndexed()

    def get_hints(self) -> dict:
        """Mark pages as front articles; leave PDFs and images uncompressed (they already are)."""
        textual = self.entry.mimetype.startswith(("text/", "image/svg", "application/javascript"))
        return {Hint.FRONT_ARTICLE: self.entry.is_article, Hint.COMPRESS: textual}


class PageIndex(IndexData):
    """What Kiwix's full-text search knows of a page: its title, its main text and word beginnings."""

    def __init__(self, entry: ZimEntry):
        super().__init__()
        self.title = entry.title
        self.content = article_text(entry.body)

    def has_indexdata(self) -> bool:
        """Return True: every page is searchable."""
        return True

    def get_title(self) -> str:
        """Return the page's title."""
        return self.title

    def get_content(self) -> str:
        """Return the page's main text."""
        return self.content

    def get_keywords(self) -> str:
        """Return the beginnings of the page's words, so a search for the start of a word finds it."""
        return word_prefixes(f"{self.title} {self.content}")

    def get_wordcount(self) -> int:
        """Return how many words the main text has (Kiwix shows it beside a result)."""
        return len(self.content.split())

    def get_geoposition(self) -> tuple[float, float] | None:
        """Return None: a page has no place on a map."""
        return None


class NotIndexed(IndexData):
    """Index data that keeps an entry (a PDF, a stylesheet) out of the full-text search."""

    def has_indexdata(self) -> bool:
        """Return False."""
        return False
