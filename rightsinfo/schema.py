"""The tables whose columns hold lists or dicts, declared once with the type ``JSON``.

The build passes lists and dicts straight to sqlite-utils, which stores them as JSON text; the
declared type ``JSON`` is what tells the reading side (``db.py``) to hand them back decoded, through
the converter sqlite3 applies to every column declared with that type. sqlite-utils cannot declare
such a type itself, so these tables are created here; every other table's columns are plain values
and sqlite-utils creates them from the rows.
"""

from __future__ import annotations

import json
import sqlite3

JSON_TYPE = "JSON"

TABLES_WITH_JSON = """
CREATE TABLE pages (
   lang TEXT,
   slug TEXT,
   text_lang TEXT,
   title TEXT,
   summary TEXT,
   html TEXT,
   icon TEXT,
   sort_order INTEGER,
   reviewed TEXT,
   english_reviewed TEXT,
   fact_checked_by TEXT,
   translation_reviewed TEXT,
   translation_reviewed_by TEXT,
   sources_up_to TEXT,
   sources JSON,
   keywords JSON,
   status TEXT,
   outdated INTEGER,
   fingerprint TEXT,
   PRIMARY KEY (lang, slug)
);
CREATE TABLE organisations (
   id TEXT PRIMARY KEY,
   name TEXT,
   local_name TEXT,
   kinds JSON,
   cities JSON,
   website TEXT,
   languages JSON,
   coordinates JSON,
   hours JSON,
   verified_on TEXT,
   source TEXT,
   sources JSON,
   unconfirmed JSON,
   contacts JSON
);
CREATE TABLE translation_status (
   id INTEGER PRIMARY KEY,
   status JSON
);
CREATE TABLE papers (
   id TEXT,
   lang TEXT,
   sort_order INTEGER,
   sr_latn TEXT,
   sr_cyrl TEXT,
   also JSON,
   page TEXT,
   sources JSON,
   sr_confirmed INTEGER,
   name TEXT,
   meaning TEXT,
   action TEXT,
   keywords JSON,
   text_lang TEXT,
   status TEXT,
   PRIMARY KEY (id, lang)
);
"""


def create_tables_with_json(conn: sqlite3.Connection) -> None:
    """Create the tables that have JSON columns in a new, empty database."""
    conn.executescript(TABLES_WITH_JSON)


def decode_json_columns() -> None:
    """Make connections opened with ``PARSE_DECLTYPES`` decode every column declared ``JSON``."""
    sqlite3.register_converter(JSON_TYPE, json.loads)
