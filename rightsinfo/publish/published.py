"""What a build publishes beside its database: each language's offline pack and one-file guide.

``write_published`` writes the files of the current build that are not on disk yet, each atomically,
under ``<instance>/packs/<version>/``. ``flask build`` runs it after each build, gunicorn's master
runs it once as the server starts (a deploy of new code changes the version without a build), and
the static export runs it before it crawls. The views only read these files: no reader's request
crawls, renders the guide or compresses a pack.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from flask import Flask

from rightsinfo import db, i18n
from rightsinfo.config import PACKS_DIR_NAME
from rightsinfo.publish.crawl import in_fresh_context
from rightsinfo.publish.guide_file import PUBLISHING_KEY, guide_files, guide_path, guide_url
from rightsinfo.publish.pack import pack_body, pack_path, pack_urls, pack_version
from rightsinfo.site import connection

VERSIONS_KEPT = 3  # a worker that has not yet seen the newest build still serves its own


def write_atomically(path: Path, body: bytes) -> None:
    """Write a file beside its place and rename it in, so no reader ever gets half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=".publish-", dir=path.parent)
    with os.fdopen(handle, "wb") as temp:
        temp.write(body)
    os.replace(temp_name, path)


def write_published(app: Flask, only: Iterable[str] = ()) -> list[Path]:
    """Write each language's pack and guide of the current build, unless written already; return them.

    ``only`` names the languages to publish, for a test that reads one; all of them when empty.
    """
    return in_fresh_context(write_missing, app, set(only))


def write_missing(app: Flask, only: set[str]) -> list[Path]:
    """Crawl and write the files not yet on disk; write none if a build lands while the pages are read."""
    with app.test_request_context():
        version = pack_version()
        built_on = dt.datetime.fromisoformat(db.meta(connection())["built_at"]).date().isoformat()
        langs = [language.prefix for language in i18n.languages() if not only or language.prefix in only]
        pack_urls_by_lang = {lang: pack_urls(lang) for lang in langs}
        guide_urls = {lang: guide_url(lang) for lang in langs}
    client, publishing = app.test_client(), app.test_client()
    publishing.environ_base[PUBLISHING_KEY] = True
    files: dict[Path, bytes] = {}
    for lang in langs:
        pack = pack_path(app.instance_path, version, lang)
        if not pack.exists():
            urls = pack_urls_by_lang[lang]
            head = {"version": version, "lang": lang, "total": len(urls), "built": built_on}
            files[pack] = pack_body(client, urls, head)
        guide = guide_path(app.instance_path, version, lang)
        if not guide.exists():
            for suffix, body in guide_files(publishing, guide_urls[lang]).items():
                files[guide.with_name(lang + suffix)] = body
    with app.test_request_context():
        if pack_version() != version:  # maybe a mix of two builds: never written
            return []
    for path, body in files.items():
        write_atomically(path, body)
    from rightsinfo.build import remove_old_versions  # a build-time module, kept out of serving workers

    remove_old_versions(Path(app.instance_path) / PACKS_DIR_NAME, keep=version, kept=VERSIONS_KEPT)
    return [
        path
        for lang in langs
        for path in (
            pack_path(app.instance_path, version, lang),
            guide_path(app.instance_path, version, lang),
        )
    ]
