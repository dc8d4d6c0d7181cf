"""What tagging costs a leaflet: render time and file size, tagged against untagged, same leaflets.

Run by ``bench.run`` as ``python -m bench.tagged_leaflets INSTANCE`` in a fresh process. Each leaflet
(the asylum page in every language, Urdu in Nastaliq and in Naskh) is laid out and written both ways,
alternately, ``ROUNDS`` times, so a machine whose speed drifts slows both alike; the figures are
medians per language and the ratio tagged/untagged. Prints one JSON object.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROUNDS = 5
SLUG = "asylum"


def measure_pair(html: str, base_url: str) -> dict:
    """Return seconds and bytes of one leaflet written untagged and tagged (layout included)."""
    from rightsinfo.leaflets import tagged_text
    from rightsinfo.leaflets.render import RENDERER

    figures = {}
    for tagged in (False, True):
        started = time.perf_counter()
        pdf = tagged_text.write_pdf(RENDERER.lay_out(html, base_url), tagged)
        figures["tagged" if tagged else "untagged"] = (time.perf_counter() - started, len(pdf))
    return figures


def measure(instance: str) -> dict:
    """Render each sample leaflet ROUNDS times both ways and return medians by leaflet."""
    from rightsinfo import create_app, i18n
    from rightsinfo.leaflets.batch import job_html
    from rightsinfo.leaflets.model import NASKH, PAGE, URDU, Leaflet

    app = create_app({"INSTANCE_PATH": instance})
    with app.app_context():
        leaflets = [Leaflet(PAGE, language.prefix, (SLUG,)) for language in i18n.languages()]
    leaflets.append(Leaflet(PAGE, URDU, (SLUG,), script=NASKH))
    report = {}
    for leaflet in leaflets:
        html, base_url = job_html(app, leaflet)
        rounds = [measure_pair(html, base_url) for _ in range(ROUNDS)]
        untagged = statistics.median(figures["untagged"][0] for figures in rounds)
        tagged = statistics.median(figures["tagged"][0] for figures in rounds)
        report[leaflet.filename] = {
            "untagged_median_seconds": untagged,
            "tagged_median_seconds": tagged,
            "time_ratio": tagged / untagged,
            "untagged_bytes": rounds[0]["untagged"][1],
            "tagged_bytes": rounds[0]["tagged"][1],
            "size_ratio": rounds[0]["tagged"][1] / rounds[0]["untagged"][1],
        }
    return report


def run(table, instance: Path, project_dir: Path) -> None:
    """Measure in a fresh process and add the rows to the bench table (section: tagged leaflets)."""
    result = subprocess.run(
        [sys.executable, "-m", "bench.tagged_leaflets", str(instance)],
        cwd=project_dir,
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    table.results["leaflets_tagged"] = report
    table.section("(g2) tagged leaflets: cost against untagged, same leaflet, medians of 5")
    for name, figures in report.items():
        table.add(
            f"{name}: time ×{figures['time_ratio']:.2f}, size ×{figures['size_ratio']:.2f}",
            f"{figures['tagged_median_seconds'] * 1000:.0f} ms, {figures['tagged_bytes'] / 1024:.0f} KB",
            "measured, no goal",
        )


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1])))
