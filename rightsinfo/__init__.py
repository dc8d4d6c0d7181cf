"""rightsinfo: rights, help and safety information for migrants in Serbia, offline first.

``create_app`` only wires things together: settings, the built database, languages, the page cache,
security headers and the blueprints. Everything that knows about content lives in its own module.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from rightsinfo import serving, site
from rightsinfo.assets import Assets
from rightsinfo.config import DATABASE_NAME, load_settings, placeholder_address_warning
from rightsinfo.db import SiteDatabase


def create_app(test_config: dict | None = None) -> Flask:
    """Create the Flask app; ``test_config`` overrides settings (tests point it at fixtures)."""
    app = Flask(__name__, instance_relative_config=True, static_folder=None)
    app.config.from_mapping(load_settings(test_config))
    if app.config["INSTANCE_PATH"]:
        app.instance_path = str(app.config["INSTANCE_PATH"])
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.json.ensure_ascii = False
    warning = placeholder_address_warning(app.config)
    if warning and not app.testing:
        app.logger.warning(warning)

    database = SiteDatabase(Path(app.instance_path) / DATABASE_NAME, app.config["DB_CHECK_INTERVAL_SECONDS"])
    assets = Assets(serving.security_headers(app.config["HSTS"]))
    cache = serving.PageCache(lambda: database.version)
    cache.static.update(assets.entries)
    site.init_app(app, site.Site(database, assets, cache, factory=create_app))

    from rightsinfo import (
        cli,
        directory,
        errors,
        guide,
        i18n,
        leaflets,
        offline,
        pages,
        search,
        templating,
        translators,
    )

    i18n.init_app(app)
    templating.init_app(app)
    errors.init_app(app)
    for blueprint_module in (pages, directory, search, offline, translators, guide, leaflets):
        app.register_blueprint(blueprint_module.bp)
    cli.init_app(app)
    serving.install(app, cache, lambda: database.version)
    return app
