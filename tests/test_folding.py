"""Tests for search folding: the vectors, Python/JavaScript agreement, and hostile queries.

The vectors in data/folding-vectors.json are the contract: rightsinfo/folding.py and
rightsinfo/static/fold.js must both produce every "folded" value, or a reader searching in
the browser and a reader searching on the server would find different pages.
"""

import json
import os
import random
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from hostile_queries import HOSTILE_QUERIES
from hypothesis import given
from hypothesis import strategies as st

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))  # run from anywhere without installing the app

from rightsinfo.folding import (  # noqa: E402
    MAX_QUERY_TERM_CHARS,
    MAX_QUERY_TERMS,
    SERBIAN_CYRILLIC_FOLDS,
    fold,
    fold_query_terms,
)

VECTORS_PATH = PROJECT_ROOT / "tests" / "data" / "folding-vectors.json"
FOLD_JS_PATH = PROJECT_ROOT / "rightsinfo" / "static" / "fold.js"
VECTORS: list[dict[str, str]] = json.loads(VECTORS_PATH.read_text(encoding="utf-8"))
MIN_VECTORS = 40
SERBIAN_ALPHABET_LETTERS = 30
MAX_FOLD_JS_BYTES = 3 * 1024
NODE_TIMEOUT_SECONDS = 60
RANDOM_SEED = 20261121
RANDOM_TEXT_COUNT = 2000

# Characters every rule in the folding.py docstring is about; each must appear in a vector.
RULE_CHARACTERS = (
    "ي ى ی ئ ك ک أ إ آ ٱ ة ۃ ہ ھ ە ۀ ؤ ء ـ ٰ َ ِ ُ ٌ ّ ْ ، ؟ ؛ ۔ ګ گ ې ۍ ے ۓ ں "
    "ټ ډ ړ ږ ښ ڼ ځ څ ٹ ڈ ڑ š č ć ž đ Đ ß ı İ ç ğ ş "
    "а б в г д ђ е ж з и ј к л љ м н њ о п р с т ћ у ф х ц ч џ ш "
    "\u200c \u200d \u200e \u200f \u202a \u202b \u202c \u202d \u202e \u2066 \u2067 \u2068 \u2069 "
    "٠ ١ ٢ ٣ ٤ ٥ ٦ ٧ ٨ ٩ ۰ ۱ ۲ ۳ ۴ ۵ ۶ ۷ ۸ ۹"
)
CHARACTERS_THE_VECTORS_MUST_COVER = [char for char in RULE_CHARACTERS if char != " "]

# Spellings of one word from different keyboards: each group must fold to one string.
SAME_WORD_SPELLINGS = [
    ("علي", "علی", "على"),
    ("كابل", "کابل"),
    ("۱۵", "١٥", "15", "１５"),
    ("طبيب", "طَبِيبٌ", "طبـــيب", "ﻃﺒﻴﺐ"),
    ("می\u200cخواهم", "میخواهم", "می\u200dخواهم"),
    ("ګواښ", "گواښ"),
    ("أمن", "إمن", "آمن", "امن", "ٱمن"),
    ("شرطة", "شرطه"),
    ("پناہ", "پناه", "پنا\u06be"),
    ("لجوء", "لجو"),
    ("zaštita", "zastita", "ZAŠTITA", "zas\u030ctita"),
    ("Komesarijat", "komesarijat", "KOMESARIJAT"),
    ("međunarodna", "medunarodna"),
    ("پولیس", "پوليس", "\u202bپولیس\u202c"),
    ("решење", "РЕШЕЊЕ", "rešenje", "resenje", "REŠENJE"),
    ("жалба", "ЖАЛБА", "žalba", "zalba"),
    ("Канцеларија за азил", "Kancelarija za azil", "kancelarija za azil"),
    ("задржавање", "zadržavanje", "zadrzavanje"),
    ("старатељ", "staratelj"),
    ("Ђорђевић", "Đorđević", "Dordevic"),
    ("џеп", "džep", "dzep"),
    ("İlaç", "ILAÇ", "ilaç", "ilac", "ılaç", "ILAC"),
    ("İSTANBUL", "istanbul", "ıstanbul"),
]

# Letters that are phonemes of their own in Pashto or Urdu: never folded into each other.
DISTINCT_LETTERS = [
    ("ښ", "ش"),
    ("ږ", "ژ"),
    ("ټ", "ت"),
    ("ډ", "د"),
    ("ړ", "ر"),
    ("ڼ", "ن"),
    ("ځ", "ح"),
    ("څ", "ح"),
    ("ې", "ی"),
    ("ۍ", "ی"),
    ("ې", "ۍ"),
    ("ٹ", "ت"),
    ("ڈ", "د"),
    ("ڑ", "ر"),
    ("ں", "ن"),
    ("ے", "ی"),
]

# Code point ranges swept for Python/JavaScript agreement: Latin, Greek, Cyrillic, Arabic,
# punctuation, Arabic presentation forms and full-width forms.
SWEPT_RANGES = [
    (0x0000, 0x036F),
    (0x0370, 0x052F),
    (0x0600, 0x08FF),
    (0x1E00, 0x1EFF),
    (0x2000, 0x206F),
    (0xFB00, 0xFDFF),
    (0xFE70, 0xFEFF),
    (0xFF00, 0xFFEF),
]
RANDOM_TEXT_ALPHABET = (
    "abcdjsz ŠšČčĆćĐđŽžßİıIiçğş ЂђЋћЉљЊњЏџЈјШшЖжЧчЦцабвгде ابتثجحخدذرزسشصضطظعغفقلمنوهيىیئكکأإآٱةۃہھەۀؤءـ"
    "ًٌٍَُِّْٰ پچژگګټډړږښڼېۍځڅٹڈڑںےۓ ٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹0123456789"
    "\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    "\u00a0\t\n،؟؛۔.,!?\"'()*:^-ﻃﺒﻴﺐﻻﬁ１５"
)

NODE_FOLD_VECTORS = """
const fold = require(process.env.FOLD_JS_PATH);
const vectors = JSON.parse(require('fs').readFileSync(process.env.VECTORS_PATH, 'utf8'));
process.stdout.write(JSON.stringify(vectors.map((v) => fold.rightsinfoFold(v.input))));
"""
NODE_FOLD_STDIN = """
const fold = require(process.env.FOLD_JS_PATH);
const texts = JSON.parse(require('fs').readFileSync(0, 'utf8'));
process.stdout.write(JSON.stringify({
  folded: texts.map((t) => fold.rightsinfoFold(t)),
  terms: texts.map((t) => fold.rightsinfoFoldTerms(t)),
}));
"""
NODE_FOLD_TABLE = """
const fold = require(process.env.FOLD_JS_PATH);
process.stdout.write(JSON.stringify(fold.FOLDS));
"""
NODE_GLOBALS = """
require(process.env.FOLD_JS_PATH);
process.stdout.write(JSON.stringify([
  typeof globalThis.rightsinfoFold, typeof globalThis.rightsinfoFoldTerms,
]));
"""


def vector_id(vector: dict[str, str]) -> str:
    """Name a vector by its note, for readable test ids."""
    return vector["note"][:60]


def swept_characters() -> list[str]:
    """List the assigned, non-surrogate characters in SWEPT_RANGES known to Python's Unicode."""
    characters = (chr(point) for start, end in SWEPT_RANGES for point in range(start, end + 1))
    return [char for char in characters if unicodedata.category(char) not in ("Cn", "Cs")]


def random_texts() -> list[str]:
    """Make reproducible random strings from the characters folding cares about."""
    generator = random.Random(RANDOM_SEED)  # noqa: S311 - reproducible test data, not secrets
    lengths = (generator.randint(0, 40) for _ in range(RANDOM_TEXT_COUNT))
    return ["".join(generator.choices(RANDOM_TEXT_ALPHABET, k=length)) for length in lengths]


@pytest.fixture(scope="module")
def node() -> str:
    """Return the node executable, failing (not skipping) when there is none."""
    executable = shutil.which("node") or ("/usr/bin/node" if Path("/usr/bin/node").exists() else None)
    if executable is None:
        pytest.fail("node is not installed: static/fold.js cannot be checked against folding.py")
    return executable


def run_node(node: str, script: str, stdin: str = "") -> object:
    """Run a node script that finds fold.js and the vectors via its environment; parse its JSON."""
    environment = os.environ | {
        "FOLD_JS_PATH": str(FOLD_JS_PATH),
        "VECTORS_PATH": str(VECTORS_PATH),
    }
    completed = subprocess.run(
        [node, "-e", script],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=environment,
        timeout=NODE_TIMEOUT_SECONDS,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def fold_in_js(node: str, texts: list[str]) -> dict[str, list]:
    """Fold texts and split them into query terms with fold.js."""
    return run_node(node, NODE_FOLD_STDIN, json.dumps(texts))


@pytest.fixture(scope="module")
def js_folded_vectors(node: str) -> list[str]:
    """Fold every vector's input with fold.js, reading the JSON file in node."""
    return run_node(node, NODE_FOLD_VECTORS)


def test_there_are_enough_vectors() -> None:
    """Check the vector file has at least MIN_VECTORS well-formed entries."""
    assert len(VECTORS) >= MIN_VECTORS
    assert all(set(vector) == {"input", "folded", "note"} for vector in VECTORS)


@pytest.mark.parametrize("char", CHARACTERS_THE_VECTORS_MUST_COVER)
def test_vectors_cover_every_rule(char: str) -> None:
    """Check every character a folding rule is about appears in some vector."""
    assert any(char in vector["input"] for vector in VECTORS), f"U+{ord(char):04X}"


@pytest.mark.parametrize("vector", VECTORS, ids=vector_id)
def test_vector_folds_in_python(vector: dict[str, str]) -> None:
    """Check folding.py turns the vector's input into its folded form, as a plain str."""
    folded = fold(vector["input"])
    assert type(folded) is str
    assert folded == vector["folded"]


@pytest.mark.parametrize("index", range(len(VECTORS)), ids=[vector_id(v) for v in VECTORS])
def test_vector_folds_identically_in_js(js_folded_vectors: list[str], index: int) -> None:
    """Check fold.js turns the vector's input into its folded form."""
    assert js_folded_vectors[index] == VECTORS[index]["folded"]


@pytest.mark.parametrize("vector", VECTORS, ids=vector_id)
def test_fold_is_idempotent_on_vectors(vector: dict[str, str]) -> None:
    """Check folding folded text changes nothing."""
    once = fold(vector["input"])
    assert fold(once) == once


def test_fold_is_idempotent_on_random_text() -> None:
    """Check folding folded random text changes nothing."""
    for text in random_texts():
        once = fold(text)
        assert fold(once) == once, repr(text)


@given(st.text(max_size=200))
def test_fold_is_idempotent_on_any_text(text: str) -> None:
    """Check folding folded text of any kind changes nothing and leaves only words and spaces."""
    once = fold(text)
    assert fold(once) == once
    assert once == " ".join(once.split(" ")).strip()
    assert all(char == " " or unicodedata.category(char)[0] in "LN" for char in once)


@pytest.mark.parametrize("spellings", SAME_WORD_SPELLINGS, ids=lambda group: group[0])
def test_other_keyboard_spellings_fold_together(spellings: tuple[str, ...]) -> None:
    """Check spellings of one word from different keyboards fold to one string."""
    assert len({fold(spelling) for spelling in spellings}) == 1


@pytest.mark.parametrize("letters", DISTINCT_LETTERS, ids="-".join)
def test_pashto_and_urdu_letters_stay_distinct(letters: tuple[str, str]) -> None:
    """Check a Pashto or Urdu letter is not folded into the letter it resembles."""
    first, second = letters
    assert fold(first) != fold(second)


def test_serbian_cyrillic_table_covers_the_alphabet() -> None:
    """Check the transliteration table has all 30 Serbian Cyrillic letters, each folded to plain Latin."""
    assert len(SERBIAN_CYRILLIC_FOLDS) == SERBIAN_ALPHABET_LETTERS
    assert all(latin.isascii() and latin.isalpha() for latin in SERBIAN_CYRILLIC_FOLDS.values())


def test_js_has_the_python_serbian_cyrillic_table(node: str) -> None:
    """Check fold.js carries exactly folding.py's Serbian Cyrillic table (one table, two copies)."""
    js_table = run_node(node, NODE_FOLD_TABLE)
    assert {char: js_table.get(char) for char in SERBIAN_CYRILLIC_FOLDS} == SERBIAN_CYRILLIC_FOLDS


def test_cyrillic_and_turkish_queries_give_the_index_terms() -> None:
    """Check a heading copied off a decision and a Turkish capital I give the index's Latin terms."""
    assert fold_query_terms("РЕШЕЊЕ o žalbi, ILAÇ İlaç") == ["resenje", "o", "zalbi", "ilac", "ilac"]


def test_js_defines_globals_for_pages_and_service_workers(node: str) -> None:
    """Check fold.js puts both functions on the global object, as well as exporting them."""
    assert run_node(node, NODE_GLOBALS) == ["function", "function"]


def test_js_is_small() -> None:
    """Check fold.js stays under MAX_FOLD_JS_BYTES."""
    assert FOLD_JS_PATH.stat().st_size < MAX_FOLD_JS_BYTES


def test_python_and_js_agree_on_every_character(node: str) -> None:
    """Check both foldings agree on each character of SWEPT_RANGES, alone and inside a word."""
    characters = swept_characters()
    texts = characters + [f"A{char}b" for char in characters]
    js_folded = fold_in_js(node, texts)["folded"]
    differences = [
        f"U+{ord(text[len(text) // 2]):04X} {text!r}: python {fold(text)!r} js {folded!r}"
        for text, folded in zip(texts, js_folded, strict=True)
        if fold(text) != folded
    ]
    assert not differences, "\n".join(differences[:20])


def test_python_and_js_agree_on_random_text(node: str) -> None:
    """Check both foldings agree on reproducible random text, for fold and for query terms."""
    texts = random_texts()
    js_results = fold_in_js(node, texts)
    assert js_results["folded"] == [fold(text) for text in texts]
    assert js_results["terms"] == [fold_query_terms(text) for text in texts]


@pytest.mark.parametrize("query", HOSTILE_QUERIES, ids=lambda query: repr(query[:20]))
def test_query_terms_are_bounded_words(query: str) -> None:
    """Check query terms are few, short, non-empty runs of letters and digits."""
    terms = fold_query_terms(query)
    assert len(terms) <= MAX_QUERY_TERMS
    for term in terms:
        assert 0 < len(term) <= MAX_QUERY_TERM_CHARS
        assert all(unicodedata.category(char)[0] in "LN" for char in term), repr(term)


@given(st.text(max_size=5000))
def test_query_terms_are_bounded_on_any_text(query: str) -> None:
    """Check any query gives few, short, non-empty runs of letters and digits."""
    terms = fold_query_terms(query)
    assert len(terms) <= MAX_QUERY_TERMS
    assert all(0 < len(term) <= MAX_QUERY_TERM_CHARS for term in terms)
    assert all(unicodedata.category(char)[0] in "LN" for term in terms for char in term)


def test_query_terms_match_in_js(node: str) -> None:
    """Check fold.js splits hostile queries into the same terms as folding.py."""
    js_terms = fold_in_js(node, HOSTILE_QUERIES)["terms"]
    assert js_terms == [fold_query_terms(query) for query in HOSTILE_QUERIES]


def test_query_terms_cap_count_and_length() -> None:
    """Check a flood of words keeps the first MAX_QUERY_TERMS, each cut to MAX_QUERY_TERM_CHARS."""
    words = [f"w{number}" + "x" * 100 for number in range(100)]
    terms = fold_query_terms(" ".join(words))
    assert terms == [word[:MAX_QUERY_TERM_CHARS] for word in words[:MAX_QUERY_TERMS]]


def test_query_terms_strip_fts_syntax() -> None:
    """Check FTS5 syntax becomes plain lower-case words that are never operators."""
    query = '"azil" NEAR(potvrda, 5) * AND OR NOT -x ^y col:z'
    assert fold_query_terms(query) == [
        "azil",
        "near",
        "potvrda",
        "5",
        "and",
        "or",
        "not",
        "x",
        "y",
        "col",
        "z",
    ]


def test_query_terms_drop_control_characters() -> None:
    """Check control characters and lone surrogates separate words and never reach a term."""
    assert fold_query_terms("\x00azil\x1b[0m\ud800potvrda\x7f") == ["azil", "0m", "potvrda"]


def test_query_terms_fold_like_the_index() -> None:
    """Check a query typed on another keyboard gives the terms the index holds."""
    assert fold_query_terms("ﺍﻟﺸﺮﻃﺔ، پناہ؟ ۱۹۲ Zaštita!") == ["الشرطه", "پناه", "192", "zastita"]
