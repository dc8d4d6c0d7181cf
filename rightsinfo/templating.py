"""What every template gets: the reader's language, links to the same page in the others, asset
URLs, and filters for dates and digits in the reader's script. Also ``render_page``, which renders a
template into a response the page cache may keep.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from flask import Flask, current_app, g, request, url_for
from flask import render_template as flask_render_template

from rightsinfo import clock, i18n
from rightsinfo.bidi import isolate_html
from rightsinfo.config import CATALOGUES_DIR_NAME
from rightsinfo.db import SiteNotBuilt
from rightsinfo.markup import normalise_contact
from rightsinfo.partial_date import PartialDate, parse_partial_date
from rightsinfo.serving import REGISTER_SCRIPT, inline_script, mark_cacheable
from rightsinfo.site import build, current_site
from rightsinfo.vocabulary import CONTACT_LABELS, KINDS_OF_HELP, WEEKDAYS

SHORT_NUMBER_MAX_CHARS = 4  # 192, 193, 194: shown big, on the emergency strip and the card's top row


def as_day(value: str | dt.date | PartialDate) -> PartialDate:
    """Return a date as precise as stored ('2013', '2025-07' or a day) from ISO text or a date."""
    if isinstance(value, PartialDate):
        return value
    day = parse_partial_date(value)
    if day is None:
        raise ValueError(f"not a date: {value!r}")
    return day


def day_filter(value: str | dt.date) -> str:
    """Format a date for the reader ('21 Nov 2026', 'July 2025' or '2013', in their digits)."""
    return i18n.format_day(as_day(value), i18n.current_language())


def megabytes_filter(size_bytes: int) -> str:
    """Write a download's size in MB to a tenth, rounded up, in the reader's separator and digits."""
    return i18n.format_megabytes(size_bytes, i18n.current_language())


def digits_filter(value: object) -> str:
    """Write a number in the reader's digits."""
    return i18n.localise_digits(str(value), i18n.current_language())


def newest_date(values: Iterable[str | None]) -> str | None:
    """Return the newest of some ISO dates of any precision ('2013', '2025-07', a day), or None."""
    dates = [as_day(value) for value in values if value]
    return max(dates).isoformat() if dates else None


def names_filter(names: list[str]) -> str:
    """Join a list of names (cities) with the reader's language's commas and 'and'."""
    return i18n.format_names(names, i18n.current_language())


def tel_href(number: str) -> str:
    """Return the tel: URL for a phone number as dialled (digits and a leading +)."""
    return "tel:" + normalise_contact(number)


def alternate_urls() -> list[tuple[i18n.Language, str]]:
    """Return (language, URL) of the current page in every language (each home, for an error page)."""
    if g.get("is_error_page") or request.url_rule is None or "lang" not in (request.view_args or {}):
        return [(lang, url_for("pages.home", lang=lang.prefix)) for lang in i18n.languages()]
    args = dict(request.view_args)
    return [(lang, url_for(request.endpoint, **{**args, "lang": lang.prefix})) for lang in i18n.languages()]


def public_url(path: str) -> str:
    """Return the absolute public address of a site path (PUBLIC_BASE_URL + path).

    Search engines want absolute hreflang alternates; leaflets and the guide print the same addresses.
    """
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def is_stale(value: str | dt.date | None) -> bool:
    """Return whether a contact's verification is older than the configured limit (or unknown)."""
    stale_on = stale_from(value)
    return stale_on is None or clock.today() >= stale_on


def stale_from(value: str | dt.date | None) -> dt.date | None:
    """Return the first day a contact counts as possibly out of date; None if its date is unknown.

    Pages carry this day, so a saved page read offline months later shows the flag by the phone's
    date, not by the day the page was saved (``static/offline.js``).
    """
    if not value:
        return None
    limit = current_app.config["CONTACT_STALE_AFTER_DAYS"]
    return as_day(value).first_day() + dt.timedelta(days=limit + 1)


def language_name(prefix: str) -> str:
    """Return the name of one of the site's languages in the reader's language, from CLDR."""
    return i18n.current_language().name_of(prefix)


def plain_label(labels: dict, key: str) -> str:
    """Return a vocabulary label as plain text.

    flask-babel's lazy strings declare themselves safe HTML (``__html__``), which would let a
    catalogue entry inject markup; ``str`` makes Jinja escape them like any other text.
    """
    label = labels.get(key)
    return str(label) if label is not None else key


def render_page(template: str, **context) -> object:
    """Render a template into a response that the page cache may keep for this content version."""
    html = flask_render_template(template, **context)
    if i18n.current_language().is_rtl:
        html = isolate_html(html)
    response = current_app.make_response(html)
    return mark_cacheable(response)


def is_short_number(number: str) -> bool:
    """Return whether an emergency number is a short one (192, 193, 194), dialled from any Serbian SIM."""
    return len(number) <= SHORT_NUMBER_MAX_CHARS


def init_app(app: Flask) -> None:
    """Register the template context, filters and the catalogues of the build being served."""
    app.jinja_env.filters["day"] = day_filter
    app.jinja_env.filters["digits"] = digits_filter
    app.jinja_env.filters["megabytes"] = megabytes_filter
    app.jinja_env.filters["tel_href"] = tel_href
    app.jinja_env.filters["names"] = names_filter
    app.jinja_env.tests["short_number"] = is_short_number
    app.jinja_env.globals.update(
        languages=i18n.languages,
        alternate_urls=alternate_urls,
        public_url=public_url,
        is_stale=is_stale,
        stale_from=stale_from,
        format_day=day_filter,
        language_name=language_name,
        weekday_label=lambda key: plain_label(WEEKDAYS, key),
        contact_label=lambda key: plain_label(CONTACT_LABELS, key),
        kind_label=lambda key: plain_label(KINDS_OF_HELP, key),
        register_script=lambda: inline_script(REGISTER_SCRIPT),
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def shared_context() -> dict:
        return {
            "language": i18n.current_language(),
            "asset_url": current_site().assets.url,
        }

    catalogues_root = Path(app.instance_path) / CATALOGUES_DIR_NAME

    def catalogue_folder() -> str | None:
        """Return the compiled catalogues of the build being served, or None before the first build."""
        try:
            return str(catalogues_root / build().catalogue_dir)
        except SiteNotBuilt:
            return None

    i18n.use_catalogues(app, catalogue_folder)
