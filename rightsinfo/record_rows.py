"""Database rows for the records beside the pages: cards, words on papers, emergency numbers, alerts.

The build (``build.py``) writes them; each function turns one kind of record into one row per language,
with English standing in, marked, where a translation is missing or its numbers differ.
"""

from __future__ import annotations

from html import escape

from rightsinfo.content import Content
from rightsinfo.i18n import ENGLISH, LOCALE_BY_PREFIX
from rightsinfo.translation.progress import UPDATING
from rightsinfo.translation.shape import facts_differ

ALERT_COLUMNS = {
    **dict.fromkeys(("id", "lang", "text", "text_lang", "status", "starts", "ends"), str),
    **dict.fromkeys(("concerns", "target", "source", "source_date"), str),
}


def card_rows(content: Content) -> list[dict]:
    """Return one row per card and language."""
    rows = []
    for card in content.cards:
        for lang in LOCALE_BY_PREFIX:
            rows.append(
                {
                    "id": card.id,
                    "lang": lang,
                    "sort_order": card.order,
                    "icon": card.icon,
                    "sr_latn": card.sr_latn,
                    "sr_cyrl": card.sr_cyrl,
                    "status": card.status,
                    "text": card.text.get(lang) or card.text[ENGLISH],
                    "text_lang": lang if lang in card.text else ENGLISH,
                }
            )
    return rows


def paper_rows(content: Content) -> list[dict]:
    """Return one row per word on official papers and language (English where untranslated).

    A reader's romanised keywords (panah, wakeel) are kept with English's, so a Latin-typed query finds
    the term from the reader's language even where the meaning is still shown in English.
    """
    rows = []
    for paper in content.papers:
        english = paper.text[ENGLISH]
        for lang in LOCALE_BY_PREFIX:
            entry = paper.text.get(lang) or english
            own_text = lang != ENGLISH and lang in paper.text
            rows.append(
                {
                    "id": paper.id,
                    "lang": lang,
                    "sort_order": paper.order,
                    "sr_latn": paper.sr_latn,
                    "sr_cyrl": paper.sr_cyrl,
                    "also": paper.also,
                    "page": paper.page,
                    # Every source a term cites, its Serbian name's after its meaning's.
                    "sources": list(dict.fromkeys(paper.sources + paper.sr_sources)),
                    "sr_confirmed": bool(paper.sr_sources),
                    "name": entry["name"],
                    "meaning": entry["meaning"],
                    "action": entry["action"],
                    "keywords": english["keywords"] + (paper.text[lang]["keywords"] if own_text else []),
                    "text_lang": lang if lang in paper.text else ENGLISH,
                    "status": entry["status"] if lang in paper.text else "missing",
                }
            )
    return rows


def emergency_rows(content: Content) -> list[dict]:
    """Return one row per emergency number and language."""
    return [
        {
            "id": number.id,
            "lang": lang,
            "sort_order": position,
            "number": number.number,
            "label": number.labels.get(lang) or number.labels[ENGLISH],
            "verified_on": number.verified_on.isoformat(),
            "source": number.source,
        }
        for position, number in enumerate(content.emergency)
        for lang in LOCALE_BY_PREFIX
    ]


def alert_rows(content: Content) -> list[dict]:
    """Return one row per alert and language; a translation with other numbers is not shown."""
    rows = []
    for alert in content.alerts:
        english = alert.text[ENGLISH]["text"]
        for lang in LOCALE_BY_PREFIX:
            entry = alert.text.get(lang)
            status = "source" if lang == ENGLISH else (entry["status"] if entry else "missing")
            if entry and lang != ENGLISH and facts_differ(escape(english), escape(entry["text"])):
                entry, status = None, UPDATING  # never an old number: today's English, with a notice
            rows.append(
                {
                    "id": alert.id,
                    "lang": lang,
                    "text": (entry or alert.text[ENGLISH])["text"],
                    "text_lang": lang if entry else ENGLISH,
                    "status": status,
                    "starts": alert.starts.isoformat(),
                    "ends": alert.ends.isoformat(),
                    "concerns": alert.concerns,
                    "target": alert.target,
                    "source": alert.source,
                    "source_date": alert.source_date,
                }
            )
    return rows
