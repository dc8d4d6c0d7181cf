"""Wording that native reviewers corrected stays corrected, in pages, records, cards and catalogues.

Each phrase below misled a reader in review (a negation that forbids instead of releasing, two names
for one office, two words for one thing); a test fails if one comes back through a later edit.
"""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po
from conftest import PROJECT_DIR

from rightsinfo.content import read_content
from rightsinfo.translation.catalogues import catalogue_paths

CONTENT = read_content(PROJECT_DIR / "content")
LATIN_FIRST_IN_A_LIST = r"(?m)^- (\[Border Violence|\[Klikaktiv\]|\[APC \(CZA\)\]|Hungarian Helsinki)"
FAST_TRACK_IF = "lost the condition: the office must tell you IF you are on the fast track"


def texts(lang: str) -> list[tuple[str, str]]:
    """Return (where, text) for every text of a language: pages, organisation records, cards and papers."""
    found = [
        (f"pages/{slug}/{lang}.md", f"{page.title}\n{page.summary}\n{page.body}")
        for slug, versions in CONTENT.pages.items()
        if (page := versions.get(lang))
    ]
    found += [
        (f"organisations/{o.id}", o.text[lang]["summary"]) for o in CONTENT.organisations if lang in o.text
    ]
    found += [(f"cards/{card.id}", card.text[lang]) for card in CONTENT.cards if lang in card.text]
    found += [
        (f"papers/{paper.id}", "\n".join(str(value) for value in paper.text[lang].values()))
        for paper in CONTENT.papers
        if lang in paper.text
    ]
    return found


def occurrences(lang: str, pattern: str) -> list[str]:
    """Return where a pattern occurs in a language's texts."""
    return [where for where, text in texts(lang) if re.search(pattern, text)]


@pytest.mark.parametrize(
    ("lang", "pattern", "why"),
    [
        ("ar", "لا يجب", "reads as 'you must not': write لا يلزمك / لا يُشترط"),
        ("ar", "المفوضية الصربية", "readers take المفوضية for UNHCR: write مفوضية اللاجئين والهجرة (KIRS)"),
        ("ar", "أمين المظالم", "the Protector of Citizens is حامي المواطنين everywhere"),
        ("ps", "یوازې ماشوم", "can read 'only a child': write بې سرپرسته ماشوم"),
        ("ps", "ژباړونک", "one word for interpreter: ژباړن"),
        ("ps", "غواړم پناه وغواړم", "the verb twice: زه پناه غواړم"),
        ("ps", "دا ځای معلومات ورکول", "the past transitive takes دې"),
        ("prs", "پس فرستادن به زور", "one term for pushback: پوش‌بک"),
        ("prs", "ایستگاه پولیس", "a police station is حوزهٔ پولیس"),
        ("ur", "IDEAS، UNHCR", "made UNHCR read as IDEAS's partner"),
        ("ur", "کسی بڑے ادارے", "a higher authority is اعلیٰ ادارہ"),
        ("ur", "جن کی ٹریفکنگ ہوئی", "people are victims: جو انسانی ٹریفکنگ کا شکار ہوئے"),
        ("ur", "غیر سرکاری کیمپ", "informal camps are غیر رسمی کیمپ"),
        ("ur", r"[A-Za-z0-9]، \d", "a date or age right after a Latin name: put an Urdu word between"),
        ("ps", "دفتر باید تاسو ته ووايي چې ستاسو قضیه", FAST_TRACK_IF),
        ("prs", "دفتر باید به شما بگوید که قضیهٔ شما", FAST_TRACK_IF),
        ("ur", "بتانا ہوتا ہے کہ آپ کا کیس اس", FAST_TRACK_IF),
        ("prs", "فیصلهٔ کتبی دربارهٔ بازداشت خود بگیرید", "the authority's duty: داده شود"),
        ("ur", "مجھے پناہ کی درخواست دینی ہے", "ask for asylum, as in Serbian: مجھے پناہ مانگنی ہے"),
        ("ar", "في الخارج", "reads 'abroad': a clinic outside the centre is خارج المركز"),
        ("ps", "زه توقیف|تاسو توقیف پاتې", "'I am detention': write په توقیف کې"),
        ("prs", "من بازداشت هستم", "'I am detention': write من در بازداشت هستم"),
        ("prs", "پس فرستاد", "one term for pushback: پوش‌بک"),
        ("ps", "ژوندی وتلی یم|ساتل شوی یم|ټپي یا ناروغ یم", "masculine only: write که تاسو … یاست"),
        ("ur", "پناہ گزینوں کا سرکاری ادارہ", "reads like UNHCR: سربیا کی حکومت کا پناہ گزینوں کا محکمہ"),
        ("ar", "العودة الطوعية المساعَدة", "one term for assisted voluntary return: العودة الطوعية بمساعدة"),
        ("ur", "مدد کے ساتھ رضاکارانہ واپسی", "one term for it: اپنی مرضی سے وطن واپسی میں مدد"),
        ("ps", r"\(Bar Chamber\)", "Serbian, not English, in brackets: (Advokatska komora)"),
        ("prs", r"\(Bar Chamber\)", "Serbian, not English, in brackets: (Advokatska komora)"),
        ("ar", r"\(Bar Chamber\)", "Serbian, not English, in brackets: (Advokatska komora)"),
        ("ur", r"\(Bar Chamber\)", "Serbian, not English, in brackets: (Advokatska komora)"),
        ("prs", r"(?<![\w\u200c])روند(?![\w\u200c])", "one word for procedure: طرزالعمل, never روند"),
        ("prs", "اکثراً", "'often' is اغلب; اکثراً says 'mostly', more than the source"),
        ("prs", "غیرقانونی", "'irregular' is not 'illegal': بدون اجازهٔ اقامت"),
        ("ps", "غیرقانوني", "'irregular' is not 'illegal': چې د پاتې کېدو اجازه نه لري"),
        ("prs", "ویبسایت", "one spelling for website, as in the interface: ویب‌سایت"),
        ("ur", "ایسے بچے ہیں جس کے ساتھ", "agrees with آپ … ہیں: جن کے ساتھ"),
        ("prs", "تسریع‌شده", "Iranian register: the fast procedure is طرزالعمل سریع"),
        ("prs", "محتاط باشید", "Afghan usage: احتیاط کنید"),
        (
            "ps",
            LATIN_FIRST_IN_A_LIST,
            "a line starting with a Latin name: start with a native word (د … موسسه)",
        ),
        (
            "prs",
            LATIN_FIRST_IN_A_LIST,
            "a line starting with a Latin name: start with a native word (مؤسسهٔ …)",
        ),
        ("ps", "(?m)^IDEAS یوه موسسه", "a line starting with a Latin name: د IDEAS موسسه"),
        ("prs", "(?m)^IDEAS مؤسسه‌ای", "a line starting with a Latin name: مؤسسهٔ IDEAS"),
    ],
)
def test_corrected_wording_does_not_come_back(lang, pattern, why):
    assert occurrences(lang, pattern) == [], why


WESTERN_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")
UNHCR_IN_ARABIC = "مفوضية الأمم المتحدة لشؤون اللاجئين (UNHCR"


def test_arabic_names_unhcr_in_arabic_at_its_first_mention():
    """UNHCR in Latin letters alone says nothing to many readers; the glossary's name comes first."""
    latin_first = [
        where
        for where, text in texts("ar")
        if "UNHCR" in text and not text[: text.index("UNHCR") + 5].endswith(UNHCR_IN_ARABIC)
    ]
    assert latin_first == []


def catalogue(locale: str):
    """Read a locale's interface catalogue as Babel parses it."""
    return read_po(catalogue_paths(PROJECT_DIR / "translations")[locale].open("rb"))


def catalogue_strings(locale: str) -> list[tuple[str, str]]:
    """Return (English, translation) for every translated form of every interface string of a locale."""
    found = []
    for message in catalogue(locale):
        english = message.id if isinstance(message.id, str) else message.id[0]
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        found += [(english, form) for form in forms if english and form]
    return found


@pytest.mark.parametrize(
    ("locale", "pattern", "why"),
    [
        ("ps", "^لنډ ځنډ$", "Pause is a button: the verb ودروئ, not the noun 'a short delay'"),
        ("ps", "^بیا پیل$", "Resume reads 'start again': دوام ورکړئ"),
        ("ps", "کېکاږ", "one verb for tap: وټکوئ"),
        ("ps", "تلیفون", "one spelling for phone, as on the pages: ټیلیفون"),
        ("fa_AF", "تیلفون", "a typo: تلیفون"),
        ("fa_AF", r"(^|\s)کد(های)? QR", "one term for QR code: کود QR"),
        ("fa_AF", "ویبسایت", "one spelling for website: ویب‌سایت"),
        ("fa_AF", "به‌روز", "Iranian usage: تازه شدن, as elsewhere in the interface"),
        ("fa_AF", "برگه", "Iranian usage: a leaflet is ورقه"),
        ("ar", "شخص هذه اللغة هي لغته الأم", "clumsy: لم يراجعها بعد متحدّث أصلي بهذه اللغة"),
        ("ur", "بول کر پڑھیں", "tells the reader to read aloud: the phone reads, پڑھ کر سنائیں"),
    ],
)
def test_corrected_interface_wording_does_not_come_back(locale, pattern, why):
    assert [english for english, text in catalogue_strings(locale) if re.search(pattern, text)] == [], why


def test_arabic_one_and_two_are_words_not_figures():
    """Arabic reads "1 منظمة" oddly: one and two are said in words (منظمة واحدة, منظمتان)."""
    plurals = [message for message in catalogue("ar") if isinstance(message.string, tuple)]
    with_figure = [message.id[0] for message in plurals if "%(num)s" in message.string[1] + message.string[2]]
    assert plurals and with_figure == []


def test_dari_interface_asks_politely():
    informal = [m.id for m in catalogue("fa_AF") if m.string in ("نشان بده", "چاپ ورقه", "چاپ ورقه‌ها")]
    assert informal == []


def test_every_catalogue_names_its_last_translator():
    for locale, path in catalogue_paths(PROJECT_DIR / "translations").items():
        catalogue = read_po(path.open("rb"))
        assert catalogue.last_translator and "FULL NAME" not in catalogue.last_translator, locale


def section(slug: str, lang: str, number: int) -> list[str]:
    """Return the paragraphs of a page's numbered ## section (1 is the first; paragraph 0 has its heading)."""
    body = CONTENT.pages[slug][lang].body
    return [
        paragraph
        for paragraph in re.split(r"\n\s*\n", re.split(r"(?m)^## ", body)[number])
        if paragraph.strip()
    ]


@pytest.mark.parametrize("lang", ["en", "ps", "prs", "ar", "ur", "tr"])
def test_answers_come_before_their_source_notes(lang):
    """A reader who stops after the first lines must already have the answer; where it comes from follows."""
    can_i_call_112 = section("emergency", lang, 2)
    assert "tel:192" in can_i_call_112[0], "the 112 answer starts with the numbers to call instead"
    assert "tel:192" not in can_i_call_112[-1], "no 'so call 192' left after the reasons"
    where_can_i_live = section("children", lang, 4)
    assert [i for i, paragraph in enumerate(where_can_i_live) if "UNHCR" in paragraph] == [
        len(where_can_i_live) - 1
    ], "the UNHCR source note comes after the answer"
    reach_a_centre = section("children", lang, 2)
    assert "2650" in reach_a_centre[0] and "2650" not in reach_a_centre[-1]


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        ("roll call", "plain words: be back every evening, when the staff check who is there"),
        ("You can complain only if Frontex officers were involved", "the rule first, in plain words"),
        ("A Serbian ministry page with no date says so", "the source note after the answer"),
    ],
)
def test_plainer_english_stays(pattern, why):
    assert occurrences("en", pattern) == [], why


@pytest.mark.parametrize(
    ("lang", "serbian_name"),
    [("en", "paštu"), ("ps", "paštu"), ("prs", "dari"), ("ar", "arapski"), ("ur", "urdu"), ("tr", "turski")],
)
def test_interpreter_card_says_how_to_fill_its_blank(lang, serbian_name):
    """An official reads the blank in Latin letters: the card gives the reader their language's name."""
    card = next(card for card in CONTENT.cards if card.id == "interpreter")
    assert serbian_name in card.text[lang].split("____", 1)[1]


@pytest.mark.parametrize("lang", ["en", "ps", "prs", "ar", "ur", "tr"])
def test_free_legal_help_names_the_municipal_route_with_its_date(lang):
    """Municipal legal aid (news, March 2026) stands beside the older reports it conflicts with."""
    free_legal_help = "\n\n".join(section("rights", lang, 7)).translate(WESTERN_DIGITS)
    assert "opština" in free_legal_help and "gradska uprava" in free_legal_help
    assert "2026" in free_legal_help and "2019" in free_legal_help
    assert "S150" in CONTENT.pages["rights"]["en"].sources
