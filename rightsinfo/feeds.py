"""Atom feeds for aid workers and partner sites: today's alerts per language, and what the content changed.

``/<lang>/alerts.atom`` holds the alerts in force today (by the one clock) in that language;
``/changes.atom`` the pages and records that are new or changed, build by build, newest first. Both
are written by feedgen from the database the build made, name only this site's own addresses (no
tracking parameters, no images, nothing from another host), and are cached like a page: for one
content version on one day.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, url_for
from flask_babel import gettext as _

from rightsinfo import clock, db, i18n
from rightsinfo.changes import NEW
from rightsinfo.serving import mark_cacheable
from rightsinfo.site import connection
from rightsinfo.templating import day_filter, language_name, public_url

bp = Blueprint("feeds", __name__)

ATOM_MIMETYPE = "application/atom+xml"
CHANGES_MAX_ENTRIES = 50
MIDNIGHT_UTC = "T00:00:00+00:00"
# Where each kind of changed item is read, in English: the changes feed is for the people who follow
# the content as a whole, and every language's page sits at the same address under its own prefix.
ITEM_ENDPOINTS = {
    "page": ("pages.topic", "slug"),
    "organisation": ("directory.organisation", "org_id"),
    "card": ("pages.cards", None),
    "emergency": ("pages.home", None),
    "alert": ("pages.home", None),
}


def new_feed(address: str, title: str, lang: str):
    """Return a feed whose id is its own public address, with this site as its only link and author."""
    from feedgen.feed import FeedGenerator  # here, not above: only a feed request needs it (and lxml)

    feed = FeedGenerator()
    feed.id(address)
    feed.title(title)
    feed.language(i18n.get_language(lang).tag)
    feed.author({"name": _("Rights in Serbia")})
    feed.link(href=address, rel="self", type=ATOM_MIMETYPE)
    feed.link(href=public_url(url_for("pages.home", lang=lang)), rel="alternate", type="text/html")
    feed.generator("rightsinfo")  # feedgen's default names its own web site
    feed.updated(db.meta(connection())["built_at"])
    return feed


def atom_response(feed) -> Response:
    """Return a feed as an Atom response the page cache may keep."""
    response = current_app.response_class(feed.atom_str(pretty=True), mimetype=ATOM_MIMETYPE)
    response.charset = "utf-8"
    return mark_cacheable(response)


def alert_address(alert: dict, lang: str) -> str:
    """Return the public address of what an alert is about: its page or record, else the home page."""
    if alert["concerns"] == "page":
        return public_url(url_for("pages.topic", lang=lang, slug=alert["target"]))
    if alert["concerns"] == "organisation":
        return public_url(url_for("directory.organisation", lang=lang, org_id=alert["target"]))
    return public_url(url_for("pages.home", lang=lang))


def alert_notice(alert: dict, lang: str) -> str:
    """Return what a reader must know before an alert's text: that it is English, and why (or nothing)."""
    name = language_name(lang)
    if alert["status"] == "updating":
        return _(
            "The %(language)s translation is being updated; the current English text is shown.", language=name
        )
    if alert["text_lang"] != lang:
        return _(
            "This text is not yet translated into %(language)s. Below is the English text.", language=name
        )
    return ""


@bp.get("/<lang>/alerts.atom")
def alerts(lang: str) -> Response:
    """Return today's alerts in a language as an Atom feed, newest first."""
    address = public_url(url_for("feeds.alerts", lang=lang))
    feed = new_feed(address, _("Rights in Serbia: important news"), lang)
    changed = db.change_times(connection(), "alert")
    for alert in reversed(db.alerts_in_force(connection(), lang, clock.today().isoformat())):
        entry = feed.add_entry()
        entry.id(f"{address}#{alert['id']}")
        entry.title(alert["text"])
        entry.link(href=alert_address(alert, lang), rel="alternate", type="text/html")
        entry.published(alert["starts"] + MIDNIGHT_UTC)
        entry.updated(changed.get(alert["id"]) or alert["starts"] + MIDNIGHT_UTC)
        dates = _(
            "Valid until %(date)s. Source %(source)s, dated %(source_date)s.",
            date=day_filter(alert["ends"]),
            source=alert["source"],
            source_date=day_filter(alert["source_date"]),
        )
        entry.content(" ".join(part for part in (alert_notice(alert, lang), alert["text"], dates) if part))
    return atom_response(feed)


@bp.get("/changes.atom")
def changes() -> Response:
    """Return the newest changes of pages and records as an Atom feed, in English."""
    address = public_url(url_for("feeds.changes"))
    feed = new_feed(address, "Rights in Serbia: changes", i18n.ENGLISH)
    for change in reversed(db.content_changes(connection(), CHANGES_MAX_ENTRIES)):
        endpoint, key = ITEM_ENDPOINTS[change["kind"]]
        values = {"lang": i18n.ENGLISH, **({key: change["id"]} if key else {})}
        entry = feed.add_entry()
        entry.id(f"{address}#{change['kind']}-{change['id']}")
        verb = "New" if change["change"] == NEW else "Changed"
        entry.title(f"{verb} {change['kind']}: {change['title']}")
        entry.link(href=public_url(url_for(endpoint, **values)), rel="alternate", type="text/html")
        entry.updated(change["changed_at"])
    return atom_response(feed)
