"""The topics added for people in detention and after a refusal reach readers everywhere topics do."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_offline import pack_urls

import rightsinfo
from rightsinfo.i18n import LOCALE_BY_PREFIX

PREFIXES = list(LOCALE_BY_PREFIX)
NEW_TOPICS = {"detention": "detention", "after-refusal": "refusal"}  # slug: icon
SEARCH_WORDS = {"detention": "Padinska", "after-refusal": "Komisija"}  # Serbian words from their pages


@pytest.mark.parametrize("prefix", PREFIXES)
def test_new_topics_are_on_the_home_page_with_their_own_icons(real_app, prefix):
    home = real_app.test_client().get(f"/{prefix}/").get_data(as_text=True)
    for slug, icon in NEW_TOPICS.items():
        link = re.search(rf'<a [^>]*href="/{prefix}/{slug}/".*?</a>', home, re.DOTALL)
        assert link, f"/{prefix}/ does not list {slug}"
        assert f"#{icon}" in link.group(0), f"{slug} has no {icon} icon"


def test_new_icons_are_drawn_in_the_sprite():
    sprite = (Path(rightsinfo.__file__).parent / "static" / "icons.svg").read_text(encoding="utf-8")
    for icon in NEW_TOPICS.values():
        assert f'<symbol id="{icon}"' in sprite


@pytest.mark.parametrize("prefix", PREFIXES)
def test_new_topics_are_found_by_search(real_app, prefix):
    client = real_app.test_client()
    for slug, word in SEARCH_WORDS.items():
        results = client.get(f"/{prefix}/search?q={word}").get_data(as_text=True)
        assert f'href="/{prefix}/{slug}/"' in results, f"searching {word} in {prefix} misses {slug}"


@pytest.mark.parametrize("prefix", PREFIXES)
def test_new_topics_are_saved_for_offline_use(real_app, prefix):
    urls = pack_urls(real_app.test_client(), prefix)
    for slug in NEW_TOPICS:
        assert f"/{prefix}/{slug}/" in urls


@pytest.mark.parametrize("prefix", PREFIXES)
def test_new_topics_are_in_the_one_file_guide(real_app, prefix):
    guide = real_app.test_client().get(f"/{prefix}/guide.html").get_data(as_text=True)
    for slug in NEW_TOPICS:
        assert f'id="h-{slug}"' in guide


@pytest.mark.parametrize("prefix", PREFIXES)
def test_new_topics_have_leaflets_on_the_print_page(real_app, prefix):
    client = real_app.test_client()
    page = client.get(f"/{prefix}/print/").get_data(as_text=True)
    for slug in NEW_TOPICS:
        assert f"/{prefix}/{slug}/leaflet.pdf" in page, f"print page misses {slug}"


def test_new_topic_leaflet_is_a_pdf(real_app):
    response = real_app.test_client().get("/ps/detention/leaflet.pdf")
    assert response.status_code == 200
    assert response.get_data().startswith(b"%PDF")
