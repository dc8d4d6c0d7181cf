"""``python -m rightsinfo.publish``: write the offline packs and guides the current build lacks.

gunicorn's master starts it once as the server starts or reloads (``gunicorn_conf.py``): a deploy of
new code changes the pack version without a build, and no reader's request may make the files.
"""

from __future__ import annotations

import sys

from rightsinfo import create_app
from rightsinfo.db import SiteNotBuilt
from rightsinfo.publish.crawl import CrawlError
from rightsinfo.publish.published import write_published


def main() -> int:
    """Publish what is missing and say so on stderr (gunicorn's error log); return the exit status."""
    try:
        written = write_published(create_app())
    except SiteNotBuilt:
        print("rightsinfo publish: nothing is built yet; flask build writes the packs", file=sys.stderr)
        return 0
    except CrawlError as error:
        print(f"rightsinfo publish: failed:\n{error}", file=sys.stderr)
        return 1
    print(f"rightsinfo publish: {len(written)} offline packs and guides on disk", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
