"""The pack flood of the bench asks for what it says: packs of every language and size, each once."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from bench.pack_flood import PACK_SIZES, pack_urls
from rightsinfo.i18n import languages


def test_the_flood_asks_for_distinct_packs_in_every_language_and_size(app):
    urls = pack_urls(Path(app.instance_path))
    assert len(set(urls)) == len(urls), "the flood asks for some packs more than once"
    asked = {(urlsplit(url).path.split("/")[1], parse_qs(urlsplit(url).query)["size"][0]) for url in urls}
    assert asked == {(language.prefix, size) for language in languages() for size in PACK_SIZES}
