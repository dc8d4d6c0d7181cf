"""Settings as data: every setting has a default, a one-line help and an environment override.

An environment variable named ``RIGHTSINFO_<NAME>`` overrides the default, so a deployment changes
behaviour without editing code. Paths are resolved against the project folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
# Inside the instance folder: the built database, each build's compiled catalogues and offline packs.
DATABASE_NAME = "rightsinfo.sqlite3"
CATALOGUES_DIR_NAME = "catalogues"
PACKS_DIR_NAME = "packs"  # each build's offline packs, one folder per pack version
AUDIO_DIR_NAME = "audio"  # recordings as served, one file per distinct recording, named by its hash
# A placeholder no reader can reach: leaflets' QR codes and links point here until a deployment sets its own.
PLACEHOLDER_PUBLIC_BASE_URL = "https://rightsinfo.example"
# The one place the site's languages are named: prefix, Babel locale, Accept-Language aliases.
LANGUAGES_FILE_NAME = "languages.toml"


@dataclass(frozen=True)
class Setting:
    """One setting: its name, default value and what it is for."""

    name: str
    default: object
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("CONTENT_DIR", str(PROJECT_DIR / "content"), "Folder of Markdown pages and YAML records."),
    Setting("TRANSLATIONS_DIR", str(PROJECT_DIR / "translations"), "Folder of gettext catalogues."),
    Setting(
        "LANGUAGES_FILE",
        str(PROJECT_DIR / "translations" / LANGUAGES_FILE_NAME),
        "The site's languages, one entry each (read once per process, from the environment only).",
    ),
    Setting("INSTANCE_PATH", "", "Folder for the built database and caches (empty: ./instance)."),
    Setting("PUBLIC_BASE_URL", PLACEHOLDER_PUBLIC_BASE_URL, "Public address on leaflets and QR codes."),
    Setting("PUBLISHER", "rightsinfo volunteers", "Publisher's name in leaflet footers."),
    Setting("HSTS", False, "Send Strict-Transport-Security (only when served over HTTPS)."),
    Setting("LEAFLET_MAX_CONCURRENT_RENDERS", 1, "PDF renders at once per worker, each in a render process."),
    Setting("LEAFLET_QUEUE_WAIT_SECONDS", 2.0, "How long the one waiting PDF request may wait for a slot."),
    Setting("CONTACT_STALE_AFTER_DAYS", 183, "Contacts older than this show 'may be out of date'."),
    Setting("DB_CHECK_INTERVAL_SECONDS", 1.0, "How often a worker looks for a rebuilt database."),
    Setting(
        "REVIEW_DUE_AFTER_DAYS", 365, "Pages last reviewed longer ago than this are listed as review due."
    ),
    Setting("TODAY", "", "Fix today's date (YYYY-MM-DD) for tests and rehearsals; empty: the real date."),
    Setting("FEEDBACK_EMAIL", "", "Address for 'Report a mistake' links (empty: no link anywhere)."),
    Setting(
        "PRERENDER_LEAFLETS_AT_START",
        False,
        "As the server starts, pre-render in the background the leaflets the print page offers.",
    ),
)


def _coerce(raw: str, default: object) -> object:
    """Turn an environment string into the type of the default."""
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    return raw


def load_settings(overrides: dict | None = None) -> dict:
    """Return every setting: defaults, then environment, then explicit overrides (tests)."""
    values = {}
    for setting in SETTINGS:
        raw = os.environ.get(f"RIGHTSINFO_{setting.name}")
        values[setting.name] = setting.default if raw is None else _coerce(raw, setting.default)
    values.update(overrides or {})
    return values


def placeholder_address_warning(settings: dict) -> str | None:
    """Return a warning when leaflets would print the placeholder address, else None."""
    if settings["PUBLIC_BASE_URL"].rstrip("/") != PLACEHOLDER_PUBLIC_BASE_URL:
        return None
    return (
        f"PUBLIC_BASE_URL is the placeholder {PLACEHOLDER_PUBLIC_BASE_URL}: printed leaflets and their QR "
        "codes will point there. Set RIGHTSINFO_PUBLIC_BASE_URL to the site's real address before printing."
    )


def languages_file() -> Path:
    """Return the languages file: the environment's, else the project's; read before any app exists."""
    return Path(load_settings()["LANGUAGES_FILE"])
