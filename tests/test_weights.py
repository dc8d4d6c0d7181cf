"""Page weights against the budgets, on the real content: bytes are not noisy, so they are tested here
as well as printed by `make bench`. The budgets themselves live in bench/budgets.py. Also what the
leaflet benchmark samples, so its median speaks for every language."""

from __future__ import annotations

from collections import Counter

import pytest

from bench import weights
from bench.budgets import (
    FIRST_VISIT_MAX_BR_BYTES,
    FIRST_VISIT_MAX_REQUESTS,
    HTML_MAX_BR_BYTES,
    HTML_MEDIAN_MAX_BR_BYTES,
    PACK_MAX_BYTES,
    STYLESHEET_MAX_BR_BYTES,
)
from bench.leaflet_renders import spread_sample
from rightsinfo.i18n import languages
from rightsinfo.leaflets import leaflet_jobs


@pytest.fixture(scope="module")
def page_weights(real_app):
    """Every HTML page of every language, weighed once for this module."""
    return weights.page_weights(real_app.test_client())


def test_every_page_is_weighed(page_weights):
    # Five languages of about a dozen topics each, plus lists, cards and search: not a handful.
    assert page_weights["pages"] > 50


def test_no_page_is_heavier_than_the_budget(page_weights):
    heavy = {url: sizes[2] for url, sizes in page_weights["by_url"].items() if sizes[2] > HTML_MAX_BR_BYTES}
    assert not heavy


def test_the_median_page_is_within_its_budget(page_weights):
    assert page_weights["median_br_bytes"] <= HTML_MEDIAN_MAX_BR_BYTES


def test_the_stylesheet_is_within_its_budget(real_app):
    assert weights.stylesheet(real_app.test_client()).br <= STYLESHEET_MAX_BR_BYTES


@pytest.mark.parametrize("lang", [language.prefix for language in languages()])
def test_a_first_visit_is_few_small_requests(real_app, lang):
    visit = weights.first_visit(real_app.test_client(), lang)
    assert visit["requests"] <= FIRST_VISIT_MAX_REQUESTS
    assert visit["br_bytes"] <= FIRST_VISIT_MAX_BR_BYTES


def test_every_offline_pack_is_within_its_budget(real_app):
    packs = weights.offline_packs(real_app.test_client())
    assert set(packs) == {language.prefix for language in languages()}
    for lang, pack in packs.items():
        assert pack["bytes"] <= PACK_MAX_BYTES, lang


def test_the_leaflet_benchmark_renders_every_language_in_its_share(real_app):
    # The first 200 of the list are English, Pashto, Dari and Arabic only: Urdu, the slowest script
    # to set, would never be timed.
    jobs = leaflet_jobs(real_app)
    sample = spread_sample(jobs, 200)
    assert len(set(sample)) == 200
    everyone = Counter(job.lang for job in jobs)
    drawn = Counter(job.lang for job in sample)
    assert set(drawn) == {language.prefix for language in languages()}
    for lang, count in everyone.items():
        assert abs(drawn[lang] / 200 - count / len(jobs)) < 0.02, (lang, drawn, everyone)
