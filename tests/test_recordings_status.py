"""Recordings in the translators' status: present, outdated (and why) and missing, per page and language."""

from __future__ import annotations

import json

import pytest
from recording_fixtures import recorded_app


@pytest.fixture
def app(site_dirs):
    """The fixture site with the Pashto page 'alpha' recorded: its intro current, its next section older."""
    return recorded_app(site_dirs)


def test_the_status_command_lists_recordings_present_outdated_and_missing(app):
    result = app.test_cli_runner().invoke(args=["translations", "status"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    ps = lines.index(next(line for line in lines if line.startswith("ps ")))
    after = "\n".join(lines[ps:])
    assert "recordings: 1 present, 1 outdated," in after
    assert "pages/alpha: 1 present" in after
    assert "outdated (not played):" in after and "(numbers or links changed)" in after
    data = json.loads(app.test_cli_runner().invoke(args=["translations", "status", "--json"]).output)
    alpha = data["recordings"]["ps"]["pages/alpha"]
    assert alpha["current"] == ["intro"]
    assert len(alpha["outdated"]) == 1 and "numbers or links changed" in alpha["outdated"][0]
    assert data["recordings"]["ps"]["emergency/numbers"]["missing"] == ["numbers"]


def test_the_translators_page_shows_recordings_per_language(app):
    html = app.test_client().get("/translators/").get_data(as_text=True)
    assert "Recordings: 1 sections present, 1 outdated," in html
    assert "pages/alpha: 1 present" in html
    assert "outdated (not played, record again):" in html and "numbers or links changed" in html
