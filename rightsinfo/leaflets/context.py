"""From database rows to leaflet HTML: what each kind of leaflet shows, in one or two languages."""

from __future__ import annotations

import functools
import itertools
import re

import segno
from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from rightsinfo import db, i18n, templating
from rightsinfo.config import PLACEHOLDER_PUBLIC_BASE_URL, placeholder_address_warning
from rightsinfo.leaflets.filters import english_fallback
from rightsinfo.leaflets.model import CARD, DIRECTORY, PAGE, PAPERS, Leaflet
from rightsinfo.site import connection
from rightsinfo.templating import is_short_number, is_stale, language_name, newest_date
from rightsinfo.vocabulary import CONTACT_LABELS, KINDS_OF_HELP

EMERGENCY_SLUG = "emergency"
# The wallet card's key contacts: (organisation id, contact label) as written in content/organisations.
EMERGENCY_CARD_CONTACTS = (("astra", "sos"), ("red-cross", "tracing"), ("ideas", "airport"))
# Choosing a QR code's mask is a few milliseconds of pure Python; a page's A5, A4 and bilingual
# leaflets share one address, so its code is made once. Each entry is under 10 KB of SVG.
QR_CACHE_ENTRIES = 512
NUMBERING_SYSTEM_BY_DIGITS = {digits: name for name, digits in i18n.DIGITS_BY_NUMBERING_SYSTEM.items()}

DIRECTORY_TITLE = _l("Organisations that can help")
PAPERS_TITLE = _l("What does this paper say?")
# Words the wallet card shows in both languages of a bilingual card.
CARD_WORDS = {
    "title": _l("Emergency numbers"),
    # Translators: heading on the wallet card above the full (+381 11 …) police, fire and ambulance numbers.
    "foreign": _l("If the short number does not connect, try:"),
    # Translators: heading on the wallet card above the phone numbers of two or three organisations.
    "contacts": _l("Important contacts"),
}


def placeholder_notice() -> list[dict]:
    """Warn, in the reader's language and in English, while leaflets would print the placeholder address.

    Only the server log said so before; the aid worker printing for tomorrow is the one who must know.
    """
    if placeholder_address_warning(current_app.config) is None:
        return []
    address = PLACEHOLDER_PUBLIC_BASE_URL.split("://", 1)[-1]
    lines = []
    for reader in dict.fromkeys([i18n.current_language(), language_of(i18n.ENGLISH)]):
        with in_language(reader):
            # Translators: on the print page; %(address)s is an example web address (rightsinfo.example).
            template = _("The QR codes and addresses on these leaflets point to %(address)s, an example "
                         "address: whoever runs this site has not yet set its real address (the setting "
                         "PUBLIC_BASE_URL). Ask them to set it before you print.")  # fmt: skip
        lines.append({"language": reader, "text": isolated(template, reader, address=address)})
    return lines


def public_address(endpoint: str, **values) -> str:
    """Return the page's public address (PUBLIC_BASE_URL), which the QR code and links point to."""
    return templating.public_url(url_for(endpoint, **values))


@functools.lru_cache(maxsize=QR_CACHE_ENTRIES)
def qr_svg(url: str) -> str:
    """Return a vector QR code for a URL as inline SVG (sized by the stylesheet; templates mark it safe).

    The address is its title, which a tagged PDF gives a screen reader as the figure's alternative text.
    """
    return segno.make_qr(url, error="m").svg_inline(scale=1, border=2, omitsize=True, title=url)


def language_of(prefix: str) -> i18n.Language:
    """Return the Language of a prefix known to be valid."""
    return i18n.language_by_prefix()[prefix]


def in_language(language: i18n.Language):
    """Return a context manager that switches the interface strings to ``language``."""
    return force_locale(language.locale_id)


def split_sections(html: str) -> list[str]:
    """Split page HTML (sanitised at build time) at its second-level headings, keeping any intro."""
    return [part for part in re.split(r"(?=<h2>)", html) if part.strip()]


def paired_sections(first: str, second: str | None) -> list[tuple[str | None, str | None]]:
    """Pair each section of a page with the same section in the second language (same headings)."""
    if second is None:
        return [(section, None) for section in split_sections(first)]
    return list(itertools.zip_longest(split_sections(first), split_sections(second)))


def isolated(template: str, reader: i18n.Language, **values: str) -> Markup:
    """Fill a translated sentence, each value isolated in <bdi> so a name keeps its own direction."""
    opening = Markup('<bdi lang="%s">') % reader.tag
    return escape(template) % {
        key: opening + escape(value) + Markup("</bdi>") for key, value in values.items()
    }


def text_notices(record: dict, language: i18n.Language, reader: i18n.Language) -> list[Markup]:
    """Return what ``reader`` must know about a text in ``language``: missing, draft or outdated."""
    name = language_name(language.prefix)
    notices = []
    if record.get("status") == "updating":
        # Translators: %(language)s is the name of the reader's language.
        template = _("The %(language)s translation is being updated; the current English text is shown.")
        notices.append(isolated(template, reader, language=name))
    elif record["text_lang"] != language.prefix:
        # Translators: %(language)s is a language name, e.g. Pashto.
        template = _("There is no %(language)s translation of this text yet; the English text is shown.")
        notices.append(isolated(template, reader, language=name))
    elif record.get("status") == "draft":
        # Translators: %(language)s is a language name, e.g. Pashto.
        template = _("The %(language)s text is a draft translation: a native speaker has not yet checked it.")
        notices.append(isolated(template, reader, language=name))
    if record.get("outdated"):
        # Translators: %(language)s is a language name, e.g. Pashto.
        template = _("The %(language)s text may be out of date: the English page has changed since.")
        notices.append(isolated(template, reader, language=name))
    return notices


def leaflet_dates(page: dict, reader: i18n.Language | None = None) -> Markup:
    """Return a page's date sentences in ``reader``'s language and digits, a space between the two.

    Made here rather than in the template so a bilingual leaflet can say it in both languages, and so
    the sentences never run together ("… 2025.Not yet checked …") however the template trims lines.
    """
    reader = reader or i18n.current_language()

    def day(value: str) -> str:
        return i18n.format_day(templating.as_day(value), reader)

    sentences = []
    with in_language(reader):
        if page.get("sources_up_to"):
            template = _("Based on sources up to %(date)s.")
            sentences.append(isolated(template, reader, date=day(page["sources_up_to"])))
        if page.get("reviewed"):
            template = _("Checked against its sources by a person on %(date)s.")
            sentences.append(isolated(template, reader, date=day(page["reviewed"])))
        else:
            sentences.append(escape(_("Not yet checked by a person.")))
        if page.get("translation_reviewed"):
            template = _("Translation checked by a native speaker on %(date)s.")
            sentences.append(isolated(template, reader, date=day(page["translation_reviewed"])))
        elif page.get("status") == "reviewed" and page.get("text_lang") != i18n.ENGLISH:
            sentences.append(escape(_("Translation checked by a native speaker.")))
    return Markup(" ").join(english_fallback(sentence, reader) for sentence in sentences)


def notices_for(records: list[tuple[dict, i18n.Language]], second: i18n.Language | None) -> list[dict]:
    """Return notices about every text shown, in the reader's language and again in the second one."""
    groups = []
    readers = [i18n.current_language(), *([second] if second else [])]
    for reader in readers:
        with in_language(reader):
            lines = [line for record, language in records for line in text_notices(record, language, reader)]
        if lines:
            groups.append({"language": reader, "lines": lines})
    return groups


def topic_context(lang: str, slug: str, with_lang: str | None) -> dict:
    """Return what the leaflet of one topic shows, with the second language's text beside it."""
    page = db.page(connection(), lang, slug)
    second = db.page(connection(), with_lang, slug) if with_lang else None
    if second is not None and second["text_lang"] == page["text_lang"]:
        second = None  # the same English text twice would help nobody
    address = public_address("pages.topic", lang=lang, slug=slug)
    records = [(page, language_of(lang))]
    if second is not None:
        records.append((second, language_of(with_lang)))
    return {
        "page": page,
        "text_language": language_of(page["text_lang"]),
        "second": second,
        "second_text_language": language_of(second["text_lang"]) if second else None,
        "sections": paired_sections(page["html"], second["html"] if second else None),
        "notices": notices_for(records, language_of(with_lang) if second else None),
        "address": address,
        "qr": qr_svg(address),
        "sources": db.sources(connection(), page["sources"]),
    }


def directory_context(lang: str, with_lang: str | None) -> dict:
    """Return the organisations, their phone numbers and sources, with second-language summaries."""
    organisations = db.organisations(connection(), lang)
    translated = {org["id"]: org for org in db.organisations(connection(), with_lang)} if with_lang else {}
    entries = []
    for org in organisations:
        second = translated.get(org["id"])
        if second is not None and second["text_lang"] == org["text_lang"]:
            second = None
        entries.append(
            {
                "org": org,
                "text_language": language_of(org["text_lang"]),
                "second": second,
                "second_text_language": language_of(second["text_lang"]) if second else None,
                "phones": [c for c in org["contacts"] if c["kind"] == "phone"],
            }
        )
    address = public_address("directory.index", lang=lang)
    source_ids = sorted(
        {org["source"] for org in organisations} | {c["source"] for e in entries for c in e["phones"]}
    )
    return {
        "entries": entries,
        "kind_labels": {key: str(label) for key, label in KINDS_OF_HELP.items()},
        "address": address,
        "qr": qr_svg(address),
        "sources": db.sources(connection(), source_ids),
    }


def papers_context(lang: str, with_lang: str | None) -> dict:
    """Return the words on official papers, each with its Serbian, meaning and sources, for one sheet.

    With a second language, each word's meaning in it sits beside the reader's (left out where both are
    the same English text), so the aid worker handing the sheet out can read what it says.
    """
    terms = db.papers(connection(), lang)
    seconds = {term["id"]: term for term in db.papers(connection(), with_lang)} if with_lang else {}
    records = []
    for term in terms:
        term["text_language"] = language_of(term["text_lang"])
        second = seconds.get(term["id"])
        if second is not None and second["text_lang"] != term["text_lang"]:
            second["text_language"] = language_of(second["text_lang"])
            term["second"] = second
            records.append((second, language_of(with_lang)))
        records.append((term, language_of(lang)))
    # One notice per kind of text shown (draft, English), not one per word.
    kinds_of_text = {(record["text_lang"], record["status"], language.prefix): (record, language)
                     for record, language in records}  # fmt: skip
    second_language = language_of(with_lang) if any("second" in term for term in terms) else None
    second_title = None
    if second_language is not None:
        with in_language(second_language):
            second_title = str(PAPERS_TITLE)
    address = public_address("papers.index", lang=lang)
    return {
        "terms": terms,
        "second_title": second_title,
        "paper_notices": notices_for(list(kinds_of_text.values()), second_language),
        "address": address,
        "qr": qr_svg(address),
        "sources": [
            source | {"publisher": publisher(source)}
            for source in db.sources(connection(), sorted({s for term in terms for s in term["sources"]}))
        ],
    }


def publisher(source: dict) -> str:
    """Return who published a source (its title up to the colon), short enough for a sheet's source list."""
    return source["title"].partition(":")[0]


def card_contacts(lang: str) -> list[dict]:
    """Return the wallet card's key contacts that the content has: organisation, label and number."""
    contacts = []
    for org_id, label in EMERGENCY_CARD_CONTACTS:
        org = db.organisation(connection(), lang, org_id)
        if org is None:
            continue
        for contact in org["contacts"]:
            if contact["kind"] == "phone" and contact["label"] == label:
                contacts.append(
                    {
                        "org": org,
                        "contact": contact,
                        "label": str(CONTACT_LABELS.get(label, label)),
                        "stale": is_stale(contact["verified_on"]),
                    }
                )
                break
    return contacts


def card_context(lang: str, with_lang: str | None) -> dict:
    """Return the emergency numbers, key contacts and their sources for the wallet card."""
    numbers = db.emergency_numbers(connection(), lang)
    labels = {row["id"]: row["label"] for row in numbers}
    words = {key: str(word) for key, word in CARD_WORDS.items()}
    second_labels, second_words = {}, {}
    if with_lang:  # only where the second language says something different
        second_labels = {
            row["id"]: row["label"]
            for row in db.emergency_numbers(connection(), with_lang)
            if row["label"] != labels.get(row["id"])
        }
        with in_language(language_of(with_lang)):
            second_words = {key: str(word) for key, word in CARD_WORDS.items() if str(word) != words[key]}
    contacts = card_contacts(lang)
    emergency_page = db.page(connection(), lang, EMERGENCY_SLUG)
    if emergency_page is not None:
        address = public_address("pages.topic", lang=lang, slug=EMERGENCY_SLUG)
    else:
        address = public_address("pages.home", lang=lang)
    source_ids = sorted({row["source"] for row in numbers} | {item["contact"]["source"] for item in contacts})
    return {
        "short_numbers": [row for row in numbers if is_short_number(row["number"])],
        "long_numbers": [row for row in numbers if not is_short_number(row["number"])],
        "second_labels": second_labels,
        "words": words,
        "second_words": second_words,
        "contacts": contacts,
        "dates": emergency_page
        or {"sources_up_to": newest_date(row["verified_on"] for row in numbers), "reviewed": None},
        "address": address,
        "qr": qr_svg(address),
        "sources": db.sources(connection(), source_ids),
    }


def document_html(leaflet: Leaflet) -> tuple[str, str]:
    """Return the leaflet's HTML and base URL; needs a request context in the leaflet's language."""
    language = language_of(leaflet.lang)
    second = language_of(leaflet.with_lang) if leaflet.with_lang else None
    common = {
        "leaflet": leaflet,
        "second_language": second,
        "size": leaflet.size,
        "numbering": NUMBERING_SYSTEM_BY_DIGITS.get(language.digits, "latn"),
        "publisher": current_app.config["PUBLISHER"],
        "emergency": db.emergency_numbers(connection(), leaflet.lang),
    }
    if leaflet.kind == PAGE:
        context = topic_context(leaflet.lang, leaflet.topics[0], leaflet.with_lang)
        html = render_template("leaflet_page.html", **common, **context)
        return html, context["address"]
    if leaflet.kind == DIRECTORY:
        context = directory_context(leaflet.lang, leaflet.with_lang)
        return render_template("leaflet_directory.html", **common, **context), context["address"]
    if leaflet.kind == PAPERS:
        context = papers_context(leaflet.lang, leaflet.with_lang)
        return render_template("leaflet_papers.html", **common, **context), context["address"]
    if leaflet.kind == CARD:
        context = card_context(leaflet.lang, leaflet.with_lang)
        return render_template("leaflet_card.html", **common, **context), context["address"]
    parts = []
    for slug in leaflet.topics:
        if slug == DIRECTORY:
            parts.append({"kind": DIRECTORY, **directory_context(leaflet.lang, leaflet.with_lang)})
        else:
            parts.append({"kind": PAGE, **topic_context(leaflet.lang, slug, leaflet.with_lang)})
    address = public_address("leaflets.print_page", lang=leaflet.lang)
    return render_template("leaflet_pack.html", **common, parts=parts), address
