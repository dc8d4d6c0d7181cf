"""The full-text search index: built once from folded text, queried with folded terms.

Both sides go through ``folding.fold``, so a word typed on an Arabic keyboard finds the same page as
the Persian-keyboard spelling. A query is data, never FTS syntax: it is cut into letter-and-digit
terms, each quoted, so quotes, ``NEAR(``, ``*`` or ``OR`` in a query are just characters.
"""

from __future__ import annotations

import html as html_lib
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import url_for
from markupsafe import Markup, escape

from rightsinfo.folding import fold, fold_query_terms
from rightsinfo.markup import without_tags

if TYPE_CHECKING:
    import sqlite_utils  # only the build writes the index; serving reads it with sqlite3

SNIPPET_WORDS = 24
RESULTS_LIMIT = 20  # what the results page shows; the topics come first, so a common word still finds them

# Where each kind of result lives: (endpoint, the name of the key among its values, or None for an #anchor).
HIT_ENDPOINTS = {
    "page": ("pages.topic", "slug"),
    "organisation": ("directory.organisation", "org_id"),
    "paper": ("papers.index", None),
}


def hit_address(lang: str, kind: str, key: str) -> str:
    """Return the address of a search result: a page, an organisation, or a word on the papers page."""
    endpoint, key_name = HIT_ENDPOINTS[kind]
    if key_name is None:
        return url_for(endpoint, lang=lang, _anchor=key)
    return url_for(endpoint, lang=lang, **{key_name: key})


def plain_text(html: str) -> str:
    """Return the visible text of sanitised HTML."""
    return " ".join(html_lib.unescape(without_tags(html, " ")).split())


def exact_names(*names: str) -> str:
    """Return the folded names a query must equal to put its word on papers first, as ``|a|b|``."""
    folded = dict.fromkeys(" ".join(fold_query_terms(name)) for name in names)
    return "|" + "|".join(folded) + "|"


def paper_row(paper: dict) -> dict:
    """Return the search row of a word on official papers: found by its Serbian in either script.

    The Serbian is kept beside the reader's name for the term, so a result shows what matched, with
    whether a source prints it: a result must not show an unconfirmed name as the paper's words.
    """
    serbian = " ".join([paper["sr_latn"], paper["sr_cyrl"], *paper["also"]])
    body = paper["meaning"] + " " + paper["action"]
    return {
        "lang": paper["lang"],
        "kind": "paper",
        "key": paper["id"],
        "text_lang": paper["text_lang"],
        "title": paper["name"],
        "serbian": f"{paper['sr_latn']} · {paper['sr_cyrl']}",
        "sr_unconfirmed": int(not paper["sr_confirmed"]),
        "summary": paper["meaning"],
        "body": body,
        "folded_title": fold(" ".join([paper["name"], serbian, *paper["keywords"]])),
        "folded_body": fold(body),
        "exact": exact_names(paper["sr_latn"], paper["sr_cyrl"], *paper["also"]),
    }


def write(
    db: sqlite_utils.Database,
    pages: list[dict],
    organisations: list[dict],
    texts: list[dict],
    papers: list[dict],
):
    """Create the ``search`` table and its FTS5 index from page, organisation and paper-word rows."""
    names = {org["id"]: org for org in organisations}
    rows = [paper_row(paper) for paper in papers]
    for page in pages:
        body = plain_text(page["html"])
        keywords = " ".join(page["keywords"])
        rows.append(
            {
                "lang": page["lang"],
                "kind": "page",
                "key": page["slug"],
                "text_lang": page["text_lang"],
                "title": page["title"],
                "serbian": "",
                "sr_unconfirmed": 0,
                "summary": page["summary"],
                "body": body,
                "folded_title": fold(page["title"] + " " + keywords),
                "folded_body": fold(page["summary"] + " " + body),
                "exact": "",
            }
        )
    for text in texts:
        org = names[text["org_id"]]
        title = org["name"] + (" " + org["local_name"] if org["local_name"] else "")
        body = text["summary"] + " " + " ".join(org["cities"])
        rows.append(
            {
                "lang": text["lang"],
                "kind": "organisation",
                "key": org["id"],
                "text_lang": text["text_lang"],
                "title": org["name"],
                "serbian": "",
                "sr_unconfirmed": 0,
                "summary": text["summary"],
                "body": text["summary"],
                "folded_title": fold(title),
                "folded_body": fold(body),
                "exact": "",
            }
        )
    for row in rows:
        # The offline pack's words: folded and de-duplicated, so fold.js matches them as the server would.
        row["pack_words"] = " ".join(dict.fromkeys((row["folded_title"] + " " + row["folded_body"]).split()))
    db["search"].insert_all(rows)
    db["search"].enable_fts(["folded_title", "folded_body"], create_triggers=False)


@dataclass(frozen=True)
class Hit:
    """One search result, with a snippet whose matched words are marked."""

    kind: str
    key: str
    title: str
    text_lang: str
    snippet: Markup
    serbian: str = ""
    sr_unconfirmed: bool = False  # no source prints the Serbian name: the result says so


def fts_query(terms: list[str]) -> str:
    """Return an FTS5 query matching every term as a prefix, each term quoted as plain text."""
    return " ".join(f'"{term}"*' for term in terms)


def snippet(body: str, terms: list[str]) -> Markup:
    """Return a short window of ``body`` around the first match, matched words in <mark>."""
    words = body.split()
    folded = [fold(word) for word in words]

    def matches(index: int) -> bool:
        return any(folded[index].startswith(term) for term in terms if folded[index])

    first = next((i for i in range(len(words)) if matches(i)), 0)
    start = max(0, first - SNIPPET_WORDS // 3)
    window = range(start, min(len(words), start + SNIPPET_WORDS))
    parts = [Markup("<mark>%s</mark>") % words[i] if matches(i) else escape(words[i]) for i in window]
    if start > 0:
        parts.insert(0, Markup("…"))
    if window.stop < len(words):
        parts.append(Markup("…"))
    return Markup(" ").join(parts)


def search(conn: sqlite3.Connection, lang: str, query: str) -> list[Hit]:
    """Return ranked hits in ``lang`` for a reader's query (empty for an empty query)."""
    terms = fold_query_terms(query)
    if not terms:
        return []
    # A common word ("asylum", "azil", پناہ) is in the names of many words on papers, whose short titles
    # would outrank the topics that explain it: topics come first, unless the query is a word on papers
    # itself, in either script, as copied off the paper ("РЕШЕЊЕ"); that word comes before all.
    # static/search.js ranks the offline pack the same way.
    sql = (
        "SELECT search.kind, search.key, search.title, search.text_lang, search.body, search.serbian, "
        "search.sr_unconfirmed "
        "FROM search JOIN search_fts ON search.rowid = search_fts.rowid "
        "WHERE search_fts MATCH ? AND search.lang = ? "
        "ORDER BY CASE WHEN instr(search.exact, '|' || ? || '|') > 0 THEN 0 "
        "WHEN search.kind = 'page' THEN 1 ELSE 2 END, bm25(search_fts, 5.0, 1.0) LIMIT ?"
    )
    whole = " ".join(terms)
    rows = conn.execute(sql, (fts_query(terms), lang, whole, RESULTS_LIMIT)).fetchall()
    if not rows and len(terms) > 1:
        any_term = " OR ".join(f'"{term}"*' for term in terms)
        rows = conn.execute(sql, (any_term, lang, whole, RESULTS_LIMIT)).fetchall()
    return [
        Hit(kind, key, title, text_lang, snippet(body, terms), serbian, bool(unconfirmed))
        for kind, key, title, text_lang, body, serbian, unconfirmed in rows
    ]


def offline_pack_rows(conn: sqlite3.Connection, lang: str) -> list[sqlite3.Row]:
    """Return what the browser's offline search needs of each entry: kind, key, title, summary, words.

    The words are stored folded and de-duplicated at build, so the browser's search (``fold.js``, the
    same folding) matches them exactly as the server would.
    """
    return conn.execute(
        "SELECT kind, key, title, summary, text_lang, serbian, sr_unconfirmed, exact, pack_words "
        "FROM search WHERE lang = ?",
        (lang,),
    ).fetchall()
