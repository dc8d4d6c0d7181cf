"""rightsinfo: rights, help and safety information for migrants in Serbia, offline first.

``create_app`` only wires things together: settings, the built database, languages, the page cache,
security headers and the blueprints. Everything that knows about content lives in its own module.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from rightsinfo import clock, serving, site
from rightsinfo.assets import Assets
from rightsinfo.config import DATABASE_NAME, load_settings
from rightsinfo.db import SiteDatabase


def create_app(test_config: dict | None = None) -> Flask:
    """Create the Flask app; ``test_config`` overrides settings (tests point it at fixtures)."""
    app = Flask(__name__, instance_relative_config=True, static_folder=None)
    app.config.from_mapping(load_settings(test_config))
    if app.config["INSTANCE_PATH"]:
        app.instance_path = str(app.config["INSTANCE_PATH"])
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.json.ensure_ascii = False

    database = SiteDatabase(Path(app.instance_path) / DATABASE_NAME, app.config["DB_CHECK_INTERVAL_SECONDS"])
    assets = Assets(serving.security_headers(app.config["HSTS"]))

    # A rendered page holds for one content version on one day: the date decides which contacts
    # are flagged as possibly out of date. A page is kept under the build its request read.
    def page_version(build_version: str) -> tuple[str, object]:
        """Return the page cache's key for pages read from ``build_version`` today."""
        return build_version, clock.day_of_cache(app.config)

    cache = serving.PageCache(lambda: page_version(database.version))
    cache.static.update(assets.entries)
    site.init_app(app, site.Site(database, assets, cache))

    from rightsinfo import (
        alerts,
        audio,
        cli,
        directory,
        errors,
        feedback,
        feeds,
        guide,
        i18n,
        leaflets,
        offline,
        pages,
        papers,
        search,
        sharing,
        templating,
        translators,
    )
    from rightsinfo.recordings import record_page

    i18n.init_app(app)
    templating.init_app(app)
    errors.init_app(app)
    feedback.init_app(app)
    alerts.init_app(app)
    blueprint_modules = (
        pages,
        directory,
        papers,
        search,
        offline,
        translators,
        guide,
        leaflets,
        sharing,
        feeds,
        audio,
        record_page,
    )
    for blueprint_module in blueprint_modules:
        app.register_blueprint(blueprint_module.bp)
    cli.init_app(app)
    # The query parameters some view reads; the page cache drops any other before its lookup.
    query_names = [name for module in blueprint_modules for name in getattr(module, "QUERY_PARAMETERS", ())]
    serving.install(app, cache, site.pinned_version, lambda: page_version(site.build().version), query_names)
    return app
