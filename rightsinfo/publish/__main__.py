"""``python -m rightsinfo.publish``: write the offline packs and guides the current build lacks.

gunicorn's master starts it once as the server starts or reloads (``gunicorn_conf.py``): a deploy of
new code changes the pack version without a build, and no reader's request may make the files.
With ``PRERENDER_LEAFLETS_AT_START`` (``make run`` and the systemd environment file set it) it then
pre-renders the leaflets the print page offers, at the render processes' lower priority, so the
server answers pages at once instead of waiting minutes for ~270 PDFs before it starts.
"""

from __future__ import annotations

import sys

from rightsinfo import create_app
from rightsinfo.db import SiteNotBuilt
from rightsinfo.publish.crawl import CrawlError
from rightsinfo.publish.leaflets import prerender_leaflets
from rightsinfo.publish.published import write_published


def main() -> int:
    """Publish what is missing and say so on stderr (gunicorn's error log); return the exit status."""
    app = create_app()
    try:
        written = write_published(app)
    except SiteNotBuilt:
        print("rightsinfo publish: nothing is built yet; flask build writes the packs", file=sys.stderr)
        return 0
    except CrawlError as error:
        print(f"rightsinfo publish: failed:\n{error}", file=sys.stderr)
        return 1
    print(f"rightsinfo publish: {len(written)} offline packs and guides on disk", file=sys.stderr)
    if app.config["PRERENDER_LEAFLETS_AT_START"]:
        report = prerender_leaflets(app)
        print(
            f"rightsinfo publish: {report.rendered} leaflets pre-rendered in {report.seconds:.0f} s, "
            f"{report.already_made} already made",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
