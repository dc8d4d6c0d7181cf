"""What keeps a render cheap without changing what it prints: the footer's box, the floats, the collector,
the imports.

The footer is measured on the printed page (``pdftoppm``), the collector and the imports in the process
that renders; no timing is asserted here (``make bench`` measures the time and memory).
"""

from __future__ import annotations

import gc
import subprocess
import sys

from PIL import Image
from test_leaflets import get_pdf, page_count, run, save

from rightsinfo import create_app, leaflets
from rightsinfo.build import build_site
from rightsinfo.leaflets import CARD, CARD_SIZE, DEFAULT_SIZE, DIRECTORY, RENDERER
from rightsinfo.leaflets.batch import job_html
from rightsinfo.leaflets.model import leaflet_for
from rightsinfo.leaflets.render import collector_paused
from rightsinfo.publish.published import write_published

DPI = 100
MM_PER_INCH = 25.4
A5_TEXT_COLUMN_MM = 148 - 12 - 12  # A5 width less the inline margins of @page in leaflet.css
A5_BOTTOM_MARGIN_MM = 16
INK_BELOW = 250  # a pixel darker than this is ink (the 0.4 pt rule anti-aliases to light grey)


def longest_ink_run(image: Image.Image, row: int) -> int:
    """Return the longest run of inked pixels along one row of a greyscale page."""
    longest = current = 0
    for x in range(image.width):
        current = current + 1 if image.getpixel((x, row)) < INK_BELOW else 0
        longest = max(longest, current)
    return longest


def footer_rule_px(page_png) -> int:
    """Return the length of the longest straight line in the page's bottom margin, in pixels."""
    image = Image.open(page_png).convert("L")
    margin_px = round(A5_BOTTOM_MARGIN_MM / MM_PER_INCH * DPI)
    return max(longest_ink_run(image, row) for row in range(image.height - margin_px, image.height))


def test_footer_rule_spans_the_text_column_on_every_page(client, tmp_path):
    # The centre margin box has a definite width, so the footer (and its rule) takes the text
    # column's width instead of being measured down to its words on every page.
    pdf = get_pdf(client, "/ps/alpha/leaflet.pdf")
    run("pdftoppm", "-r", str(DPI), "-png", save(pdf, tmp_path), tmp_path / "page")
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) == page_count(pdf, tmp_path)
    column_px = A5_TEXT_COLUMN_MM / MM_PER_INCH * DPI
    for page in pages:
        assert footer_rule_px(page) >= 0.95 * column_px, page.name


def floats_with_their_containers(box, container=None):
    """Yield each floated box of a laid-out tree with the nearest block container around it."""
    from weasyprint.formatting_structure.boxes import BlockContainerBox

    for child in getattr(box, "children", ()):
        if child.style["float"] != "none":
            yield child, container
        inner = child if isinstance(child, BlockContainerBox) else container
        yield from floats_with_their_containers(child, inner)


def test_every_float_on_a_leaflet_ends_inside_its_own_block(app):
    # A float left in the page's formatting context makes WeasyPrint measure every later line of
    # that page for room beside it (a min-content pass per line), long after the float has ended.
    # (WeasyPrint's own tests read the laid-out tree through ``_page_box`` too.)
    seen = set()
    for slug, size in [("alpha", DEFAULT_SIZE), (DIRECTORY, DEFAULT_SIZE), (CARD, CARD_SIZE)]:
        document = RENDERER.lay_out(*job_html(app, leaflet_for("ps", slug, size, "en", None)))
        for page in document.pages:
            for floated, container in floats_with_their_containers(page._page_box):
                seen.add(floated.element.get("class"))
                assert "flow-root" in container.style["display"], (slug, floated.element.get("class"))
    assert seen >= {"languages", "qr-box", "card-qr"}


def test_a_render_leaves_the_cyclic_collector_as_it_found_it(app):
    with app.app_context():
        leaflets.render_leaflet(app, "en", "alpha")
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # a caller that had switched it off keeps it off
    finally:
        gc.enable()


def test_a_failing_render_still_switches_the_collector_back_on():
    try:
        with collector_paused():
            raise ValueError("layout failed")
    except ValueError:
        pass
    assert gc.isenabled()


def test_the_app_does_not_load_libzim_until_a_zim_is_written(tmp_path):
    # libzim brings Xapian and ICU: megabytes in every web and render worker that never writes a ZIM.
    script = (
        "import sys\n"
        "from rightsinfo import create_app\n"
        f"create_app({{'INSTANCE_PATH': {str(tmp_path)!r}}})\n"
        "import rightsinfo.publish.zim.book\n"
        "print(sorted(name for name in sys.modules if name.startswith('libzim')))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_a_worker_serving_pages_and_leaflets_loads_no_build_time_library(site_dirs):
    # markdown-it, nh3, PyYAML and sqlite-utils turn content files into the database: megabytes in
    # every web and render worker, which only read the database.
    build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
    settings = {
        name.upper() + "_DIR": str(folder) for name, folder in site_dirs.items() if name != "instance"
    }
    settings["INSTANCE_PATH"] = str(site_dirs["instance"])
    write_published(create_app(settings), only=["ar"])  # as the build does: the worker reads the guide
    script = (
        "import sys\n"
        "from rightsinfo import create_app, leaflets\n"
        f"app = create_app({settings!r})\n"
        "client = app.test_client()\n"
        "for url in ('/', '/ps/', '/ps/alpha/', '/ur/organisations/', '/ar/guide.html', '/prs/search?q=a'):\n"
        "    assert client.get(url).status_code == 200, url\n"
        "with app.app_context():\n"
        "    leaflets.render_leaflet(app, 'ps', 'alpha', 'a5', 'en')\n"
        "build_time = ('markdown_it', 'nh3', 'yaml', 'sqlite_utils')\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] in build_time))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
