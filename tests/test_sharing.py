"""Passing a page on: the QR code file beside each page, and the footer that offers it and the guide."""

from __future__ import annotations

import re

import pytest

QR_BOX = re.compile(r'<details class="share-qr" data-share-qr="([^"]+)" data-address="([^"]+)" hidden>')


@pytest.mark.parametrize(
    "page",
    ["/ps/", "/ps/alpha/", "/en/beta/", "/ps/cards/", "/ps/organisations/", "/ps/organisations/helpers/"],
)
def test_each_page_offers_its_own_qr_code_hidden_until_the_script_shows_it(app, page):
    app.config["PUBLIC_BASE_URL"] = "https://help.example.org/"
    client = app.test_client()
    html = client.get(page).get_data(as_text=True)
    found = QR_BOX.findall(html)
    assert found == [(page + "qr.svg", "https://help.example.org" + page)]
    response = client.get(page + "qr.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.data.startswith(b"<svg") and b"<script" not in response.data


@pytest.mark.parametrize(
    "url",
    [
        "/ps/no-such-page/qr.svg",
        "/ps/organisations/no-such-org/qr.svg",
        "/ps/alpha/leaflet.pdf/qr.svg",
        "/xx/qr.svg",
        "/ps/search/qr.svg",
        "/ps/no-such-page//qr.svg",  # slashes are merged, as nginx does: /ps/alpha//qr.svg is alpha's code
        "/ps/" + "a/" * 120 + "qr.svg",
        "/ps/%00/qr.svg",
    ],
)
def test_a_qr_code_exists_only_for_a_real_page(client, url):
    assert client.get(url).status_code == 404


def test_the_search_page_has_no_qr_code_but_keeps_the_guide_link(client):
    html = client.get("/ps/search?q=x").get_data(as_text=True)
    assert "share-qr" not in html
    assert 'href="/ps/guide.html" download="rightsinfo-ps.html"' in html
