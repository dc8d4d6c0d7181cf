"""Latin names inside right-to-left text, as Chromium lays them out on a 360 px phone.

For every line of running text the words are measured on screen (``Range.getBoundingClientRect``).
Words of one left-to-right run (an organisation, a Serbian term, a case number) must go left to
right; everything else, and each run taken as one piece, must go right to left in the order of the
text. A day number pulled into a case number, a list of names read backwards or a bracket split from
its term all break one of the two.
"""

from __future__ import annotations

import itertools
import re

import pytest
from browser import launch_chromium, served_real_site
from playwright.sync_api import sync_playwright

from rightsinfo import i18n
from rightsinfo.bidi import latin_runs
from rightsinfo.i18n import get_language

pytestmark = pytest.mark.browser

PHONE_VIEWPORT = {"width": 360, "height": 740}
RTL_PREFIXES = tuple(language.prefix for language in i18n.languages() if language.is_rtl)
SAMPLE_PATHS = (
    "/{lang}/organisations/ideas/",
    "/{lang}/hungary-border/",
    "/{lang}/asylum/",
    "/{lang}/organisations/",
    "/{lang}/centres/",
)
SAME_LINE_TOLERANCE_PX = 1.5

# The leaf blocks of running text in <main> whose direction is right to left, with their text and the
# spans of text laid out inside left-to-right elements (the <bdi> around phone numbers and names).
BLOCKS_JS = """() => {
  const selector = 'p, li, h1, h2, h3, h4, td, th, dd, dt, summary';
  return Array.from(document.querySelectorAll('main ' + selector.split(', ').join(', main ')))
    .filter(el => !el.querySelector(selector) && el.offsetParent !== null)
    .filter(el => getComputedStyle(el).direction === 'rtl')
    .map((el, index) => {
      el.dataset.bidiBlock = index;
      const spans = [];
      let offset = 0;
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      while (walker.nextNode()) {
        const node = walker.currentNode;
        const ltr = node.parentElement.closest('[dir=ltr]');
        if (ltr && el.contains(ltr)) spans.push([offset, offset + node.data.length, ltr.outerHTML]);
        offset += node.data.length;
      }
      return {index, text: el.textContent, spans};
    });
}"""

# The on-screen box of each [start, end) piece of a block's text.
BOXES_JS = """([index, pieces]) => {
  const el = document.querySelector(`[data-bidi-block="${index}"]`);
  const nodes = [];
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  let offset = 0;
  while (walker.nextNode()) {
    nodes.push([offset, walker.currentNode]);
    offset += walker.currentNode.data.length;
  }
  const locate = (at, isEnd) => {
    for (const [start, node] of nodes) {
      const after = start + node.data.length;
      if (at < after || (isEnd && at === after)) return [node, at - start];
    }
  };
  return pieces.map(([start, end]) => {
    const range = document.createRange();
    range.setStart(...locate(start, false));
    range.setEnd(...locate(end, true));
    const box = range.getClientRects()[0];
    return box ? {left: box.left, right: box.right, top: box.top, bottom: box.bottom} : null;
  });
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The real site, built and served by gunicorn for the whole module."""
    with served_real_site(tmp_path_factory.mktemp("bidi")) as server:
        yield server


@pytest.fixture(scope="module")
def page(site):
    """A Chromium page as wide as a small phone."""
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context(viewport=PHONE_VIEWPORT, service_workers="block")
        yield context.new_page()
        browser.close()


def words_with_runs(text: str, spans: list) -> list[tuple[int, int, object]]:
    """Split a block's text into words, each with the left-to-right run it belongs to (or None).

    A run is a left-to-right element of the page or, where the page has none, a run of Latin script
    as the isolation defines it; a word is cut where a run begins or ends.
    """
    runs = [(start, end, ("element", html)) for start, end, html in spans]
    covered = {i for start, end, _html in spans for i in range(start, end)}
    runs += [(start, end, ("latin", start)) for start, end in latin_runs(text) if start not in covered]
    cuts = sorted({edge for start, end, _key in runs for edge in (start, end)})
    words = []
    for match in re.finditer(r"\S+", text):
        edges = [match.start(), *(c for c in cuts if match.start() < c < match.end()), match.end()]
        for start, end in itertools.pairwise(edges):
            piece = text[start:end]
            if not any(c.isalnum() for c in piece):
                continue
            run = next((key for s, e, key in runs if s <= start and end <= e), None)
            words.append((start, end, run))
    return words


def misordered(text: str, words: list, boxes: list) -> list[str]:
    """Return a description of each pair of neighbouring words on one line laid out in the wrong order."""
    problems = []
    for (a_start, a_end, a_run), (b_start, b_end, b_run), a, b in zip(
        words, words[1:], boxes, boxes[1:], strict=False
    ):
        if a is None or b is None:
            continue
        height = min(a["bottom"] - a["top"], b["bottom"] - b["top"])
        if abs((a["top"] + a["bottom"]) - (b["top"] + b["bottom"])) / 2 > height / 2:
            continue  # on different lines
        pair = f"{text[a_start:a_end]!r} then {text[b_start:b_end]!r}"
        if a_run is not None and a_run == b_run:
            if b["left"] < a["right"] - SAME_LINE_TOLERANCE_PX:
                problems.append(f"{pair}: inside a Latin run, the second is not to the right")
        elif b["right"] > a["left"] + SAME_LINE_TOLERANCE_PX:
            problems.append(f"{pair}: in right-to-left text, the second is not to the left")
    return problems


@pytest.mark.parametrize("lang", RTL_PREFIXES)
def test_latin_runs_sit_in_the_order_of_the_right_to_left_text_at_360_px(site, page, lang):
    problems, checked_runs = [], 0
    for template in SAMPLE_PATHS:
        path = template.format(lang=lang)
        response = page.goto(site.base_url + path)
        assert response.status == 200, path
        for block in page.evaluate(BLOCKS_JS):
            words = words_with_runs(block["text"], block["spans"])
            if not any(run for _s, _e, run in words):
                continue
            checked_runs += 1
            boxes = page.evaluate(BOXES_JS, [block["index"], [[s, e] for s, e, _run in words]])
            problems += [f"{path}: {problem}" for problem in misordered(block["text"], words, boxes)]
    assert checked_runs > 10, "the sample pages should have Latin names in right-to-left text"
    assert not problems, "\n".join(problems)


# Postal addresses inside right-to-left sentences, and a page that shows each.
ADDRESSES = {
    "/{lang}/after-refusal/": "Nemanjina 9, 11000 Belgrade",
    "/{lang}/children/": "Ruska 4, Belgrade",
}


@pytest.mark.parametrize("lang", RTL_PREFIXES)
def test_a_postal_address_reads_left_to_right_inside_right_to_left_text(site, page, lang):
    """Word by word on screen: "Nemanjina 9, 11000 Belgrade", never "Belgrade 11000 ,9 Nemanjina"."""
    compared = 0
    for template, address in ADDRESSES.items():
        page.goto(site.base_url + template.format(lang=lang))
        block = next(b for b in page.evaluate(BLOCKS_JS) if address in b["text"])
        at = block["text"].index(address)
        words = [(at + m.start(), at + m.end()) for m in re.finditer(r"\S+", address)]
        boxes = page.evaluate(BOXES_JS, [block["index"], [list(word) for word in words]])
        for (a_start, a_end), (b_start, b_end), a, b in zip(words, words[1:], boxes, boxes[1:], strict=False):
            height = min(a["bottom"] - a["top"], b["bottom"] - b["top"])
            if abs((a["top"] + a["bottom"]) - (b["top"] + b["bottom"])) / 2 > height / 2:
                continue  # the address wraps here
            compared += 1
            text = block["text"]
            assert b["left"] > a["right"] - SAME_LINE_TOLERANCE_PX, (
                f"{template}: {text[a_start:a_end]!r} then {text[b_start:b_end]!r} are not left to right"
            )
    assert compared >= 3, "the addresses should be on one line for the most part"


LIST_STYLE_JS = "() => getComputedStyle(document.querySelector('main ol')).listStyleType"


@pytest.mark.parametrize("lang", ("en", *RTL_PREFIXES))
def test_numbered_lists_count_in_the_digits_of_the_running_text(site, page, lang):
    language = get_language(lang)
    expected = "persian" if language.digits == "۰۱۲۳۴۵۶۷۸۹" else "decimal"
    page.goto(site.base_url + f"/{lang}/asylum/")
    assert page.evaluate(LIST_STYLE_JS) == expected
