"""The fixed words content files may use (icons, kinds of help, contact labels), with their labels.

Content files name these by key; readers see the translated label. Keeping both here means the build
can refuse an unknown key and the catalogue extractor finds every label.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ICONS: tuple[str, ...] = (
    "asylum",
    "rights",
    "border",
    "pushback",
    "health",
    "emergency",
    "child",
    "trafficking",
    "family",
    "centre",
    "detention",
    "refusal",
    "about",
    "organisations",
    "cards",
    "search",
    "print",
)

KINDS_OF_HELP = {
    "legal": _l("Legal help"),
    "medical": _l("Medical help"),
    "psychosocial": _l("Mental health and support"),
    "children": _l("Children"),
    "trafficking": _l("Trafficking and exploitation"),
    "family-tracing": _l("Finding family"),
    "shelter": _l("Safe housing"),
    "information": _l("Information"),
    "complaints": _l("Complaints"),
    "monitoring": _l("Recording violence"),
    "return": _l("Going home"),
    "accommodation": _l("Places to stay"),
}

CONTACT_KINDS: tuple[str, ...] = ("phone", "email", "address")

CONTACT_LABELS = {
    "main": _l("Phone"),
    "sos": _l("SOS hotline"),
    "hotline": _l("Hotline"),
    "airport": _l("Airport legal help"),
    "fax": _l("Fax"),
    "tracing": _l("Tracing service"),
}

WEEKDAYS = {
    "mon": _l("Monday"),
    "tue": _l("Tuesday"),
    "wed": _l("Wednesday"),
    "thu": _l("Thursday"),
    "fri": _l("Friday"),
    "sat": _l("Saturday"),
    "sun": _l("Sunday"),
}

SPOKEN_LANGUAGES: tuple[str, ...] = ("fa", "ps", "ar", "ur", "en", "sr", "ku", "fr", "tr")

TRANSLATION_STATUSES: tuple[str, ...] = ("draft", "reviewed")
# The status of a page stub nobody has translated yet: the build shows the English page in its place.
MISSING = "missing"
