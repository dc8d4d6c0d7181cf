"""Search text folding: the one definition of how text is normalised for search.

The same `fold` runs on page text when the search index is built and on every query,
and `static/fold.js` is a line-for-line copy for search in the browser and the service
worker. Whatever keyboard a reader typed with (Arabic, Persian, Pashto, Urdu, English,
Serbian, a phone without Serbian letters), the words should meet in one spelling.
Folded text is only ever compared, never shown, so the canonical letters below are
chosen for matching, not for display.

Steps, in order:

1. NFKD. Splits letters from their diacritics (č → c + caron, أ → ا + hamza above,
   ئ → ي + hamza above, ؤ → و + hamza above, ۀ → ە + hamza above) and undoes
   compatibility forms: Arabic presentation forms from text copied out of PDFs
   (ﻃﺒﻴﺐ → طبيب, ﻻ → لا), ligatures (ﬁ → fi), full-width letters and digits, no-break
   space.
2. Lower-case with `str.lower` plus ß → ss and ς → σ. After NFKD this gives exactly
   what `str.casefold` gives for Latin and Cyrillic text, and unlike `casefold` it has
   an exact JavaScript twin (`toLowerCase`), so the browser and the server agree.
3. Drop what does not change the word: every combining mark (Latin diacritics, Arabic
   harakat U+064B–U+065F, superscript alef U+0670, the hamza/madda split off in step 1,
   Quranic marks), every invisible format character (ZWNJ U+200C, ZWJ U+200D, the bidi
   controls U+200E, U+200F, U+202A–U+202E, U+2066–U+2069, U+061C, soft hyphen, BOM),
   tatweel U+0640 (only stretches a line), and hamza written on its own (ء U+0621,
   ٴ U+0674): hamza is spelled inconsistently on every keyboard (لجوء / لجو,
   اجزاء / اجزا), so once hamza on a seat is dropped, the bare hamza goes too.
4. Fold letters that are keyboard variants of one letter:
   - alef: أ إ آ (via step 1) and ٱ alef wasla → ا.
   - yeh: ي (Arabic), ى (alef maksura), ی (Persian/Urdu/Pashto) and ئ (via step 1)
     → ی U+06CC, the form three of the four Arabic-script languages here use. An Arabic
     keyboard types ي, a Persian one ی, and final ى / ي are mixed up in Arabic itself.
     Cost: Pashto's ي (hard yeh) vs ی (soft yeh) and the verbal ئ merge (سړي "men"
     and سړی "man" match each other), which only widens a search.
   - kaf: ك (Arabic) → ک U+06A9 (Persian, Urdu, Pashto).
   - gaf: ګ (Pashto U+06AB) → گ U+06AF: Pashto speakers often write on Persian keyboards,
     which only have گ. The Pashto ring-gaf is a spelling of the same sound.
   - heh: ة teh marbuta, ۃ (Urdu teh marbuta goal), ہ (Urdu heh goal), ھ (Urdu heh
     doachashmee), ۂ (via step 1) and ە (ae: what ۀ decomposes to in step 1, and what
     Kurdish layouts type for a final heh) → ه U+0647. ة → ه is how Persian, Dari and
     Urdu write Arabic loanwords and what many Arabic writers type at word end
     (شرطة / شرطه). For Urdu, ہ and ه are one letter on different keyboards. ھ marks
     aspiration (پھل "fruit" vs پہل "beginning") and folding it loses that, but an Urdu
     reader on an Arabic or Persian keyboard can only type ه for both, and Urdu writers
     mix ہ and ھ themselves. A rare extra match costs less than a missed page.
   - waw: ؤ → و (via step 1).
   - digits: Arabic-Indic ٠–٩ (U+0660–U+0669) and Persian/Urdu ۰–۹ (U+06F0–U+06F9)
     → ASCII 0–9, so ١٩٢, ۱۹۲ and 192 match.
   - đ → d (Latin). A reader copying "međunarodna zaštita" off a paper on a phone
     without Serbian letters types what the letter looks like, "medunarodna"; the
     Serbian ASCII habit "dj" is a Serbian writer's, not our readers'. (č ć → c, š → s,
     ž → z come from step 1.)
   - ı (Turkish dotless i) → i. Turkish capital İ is I + dot above, which step 1
     splits and step 3 drops, so "İlaç", "ILAÇ", "ılaç", "ilaç" and "ilac" all become
     "ilac": a Turkish keyboard's I/ı and İ/i pairs, and a phone without Turkish
     letters, meet in one spelling. Words told apart only by ı/i match each other,
     which only widens a search. (ç ş ğ ö ü lose their marks in steps 1 and 3.)
   - Serbian Cyrillic → Serbian Latin without diacritics, letter by letter (решење →
     resenje, ЖАЛБА → zalba, љ → lj, џ → dz), with the table of the `cyrtranslit`
     library folded like any Latin text. Official papers are printed in Cyrillic; the
     site and most readers' keyboards are Latin: a word copied off a paper in either
     script, with or without diacritics, meets the same entry. Only Serbian's 30
     letters are transliterated; other Cyrillic is lower-cased and kept.
5. Everything that is not a letter or a digit (ASCII punctuation, Arabic comma ،,
   question mark ؟, semicolon ؛, Urdu full stop ۔, symbols, control characters)
   becomes a space, and runs of spaces become one.

Kept distinct, on purpose: the Pashto letters ټ ډ ړ ږ ښ ڼ ې ۍ ځ څ and the Urdu letters
ٹ ڈ ڑ ں ے are phonemes of their own, not decorations of ت د ر ژ ش ن ی ح, so ښ never
meets ش and ې never meets ی or ۍ (ګ is the one exception, see gaf above). Urdu ے (yeh
barree) stays apart from ی, and ۓ folds to ے. A reader who cannot type these letters
(Pashto on a Persian keyboard writes ی for ې) misses those words; merging the letters
would instead mix different words for every reader. Nothing is transliterated between
scripts other than Serbian Cyrillic to Latin (romanised Pashto, Dari, Arabic or Urdu,
such as "panah", is found through keywords translators write, not by folding), and
nothing is stemmed (the article in اللجوء stays, so it does not match لجوء).

`fold_query_terms` turns what a reader typed into at most 32 words of at most 64
letters or digits each, reading no more than 4096 characters: enough for any real
question, and a bound on the work hostile input can cause. The terms hold no quotes,
brackets, stars or colons, and FTS5 operators (AND, OR, NOT, NEAR) only count in capitals,
which folding never leaves, so a term quoted as "term" is always a plain word.
"""

import unicodedata
from functools import lru_cache

from cyrtranslit.mapping import TRANSLIT_DICT

MAX_QUERY_TERMS = 32
MAX_QUERY_TERM_CHARS = 64
MAX_QUERY_INPUT_CHARS = 4096

ALEF = "\N{ARABIC LETTER ALEF}"
FARSI_YEH = "\N{ARABIC LETTER FARSI YEH}"
KEHEH = "\N{ARABIC LETTER KEHEH}"
GAF = "\N{ARABIC LETTER GAF}"
HEH = "\N{ARABIC LETTER HEH}"

LETTER_FOLDS: dict[str, str] = {
    "\N{ARABIC LETTER ALEF WASLA}": ALEF,
    "\N{ARABIC LETTER YEH}": FARSI_YEH,
    "\N{ARABIC LETTER ALEF MAKSURA}": FARSI_YEH,
    "\N{ARABIC LETTER KAF}": KEHEH,
    "\N{ARABIC LETTER KAF WITH RING}": GAF,
    "\N{ARABIC LETTER TEH MARBUTA}": HEH,
    "\N{ARABIC LETTER TEH MARBUTA GOAL}": HEH,
    "\N{ARABIC LETTER HEH GOAL}": HEH,
    "\N{ARABIC LETTER HEH DOACHASHMEE}": HEH,
    "\N{ARABIC LETTER AE}": HEH,
    "\N{LATIN SMALL LETTER D WITH STROKE}": "d",
    "\N{LATIN SMALL LETTER DOTLESS I}": "i",
    "\N{LATIN SMALL LETTER SHARP S}": "ss",
    "\N{GREEK SMALL LETTER FINAL SIGMA}": "\N{GREEK SMALL LETTER SIGMA}",
}
DIGIT_FOLDS: dict[str, str] = {
    chr(zero + value): str(value)
    for zero in (ord("\N{ARABIC-INDIC DIGIT ZERO}"), ord("\N{EXTENDED ARABIC-INDIC DIGIT ZERO}"))
    for value in range(10)
}
SERBIAN = "sr"
DROPPED_LETTERS = frozenset({"\N{ARABIC LETTER HAMZA}", "\N{ARABIC LETTER HIGH HAMZA}", "\N{ARABIC TATWEEL}"})
FORMAT_CATEGORY = "Cf"
WORD_CATEGORY_CLASSES = ("L", "N")


def fold(text: str) -> str:
    """Return text in the single spelling that search indexes and queries share."""
    lowered = unicodedata.normalize("NFKD", text).lower()
    spaced = "".join(_fold_char(char) for char in lowered)
    return _squeeze(spaced)


def fold_query_terms(query: str) -> list[str]:
    """Return at most MAX_QUERY_TERMS folded words of a query, each cut to MAX_QUERY_TERM_CHARS."""
    words = fold(query[:MAX_QUERY_INPUT_CHARS]).split(" ")
    terms = (_word_chars(word)[:MAX_QUERY_TERM_CHARS] for word in words)
    return [term for term in terms if term][:MAX_QUERY_TERMS]


def _word_chars(word: str) -> str:
    """Keep only the letters and digits of a word."""
    return "".join(char for char in word if _is_word_char(char))


def _squeeze(spaced: str) -> str:
    """Collapse runs of spaces into one and trim the ends."""
    return " ".join(part for part in spaced.split(" ") if part)


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    """Fold one decomposed, lower-cased character to itself, its fold, "" or a space."""
    if char in CHAR_FOLDS:
        return CHAR_FOLDS[char]
    if char in DROPPED_LETTERS or _is_invisible(char):
        return ""
    return char if _is_word_char(char) else " "


def _is_invisible(char: str) -> bool:
    """Tell whether a character is a combining mark or an invisible format control."""
    category = unicodedata.category(char)
    return category.startswith("M") or category == FORMAT_CATEGORY


def _is_word_char(char: str) -> bool:
    """Tell whether a character is a letter or a digit."""
    return unicodedata.category(char).startswith(WORD_CATEGORY_CLASSES)


def _plain_latin(latin: str) -> str:
    """Fold Latin letters alone (marks dropped, đ → d), to turn a transliteration into folded text."""
    lowered = unicodedata.normalize("NFKD", latin).lower()
    return "".join(LETTER_FOLDS.get(char, char) for char in lowered if not _is_invisible(char))


def serbian_cyrillic_folds() -> dict[str, str]:
    """Return each lower-case Serbian Cyrillic letter with its folded Latin, from cyrtranslit's table."""
    table = TRANSLIT_DICT[SERBIAN]["tolatin"]
    return {
        cyrillic: _plain_latin(latin)
        for cyrillic, latin in table.items()
        if len(cyrillic) == 1 and cyrillic.islower() and unicodedata.name(cyrillic).startswith("CYRILLIC")
    }


SERBIAN_CYRILLIC_FOLDS: dict[str, str] = serbian_cyrillic_folds()
CHAR_FOLDS: dict[str, str] = LETTER_FOLDS | DIGIT_FOLDS | SERBIAN_CYRILLIC_FOLDS
