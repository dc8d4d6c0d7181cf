"""'Report a mistake': a ``mailto:`` link to the address in the FEEDBACK_EMAIL setting.

The reader's own mail app sends the message; the site itself sends and stores nothing. With the
setting empty (the default) no page shows the link, the leaflets leave out their line and the
translators' page says nothing about it.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Flask, current_app, request
from flask_babel import gettext as _

from rightsinfo import i18n
from rightsinfo.templating import public_url

# What RFC 6068 lets a header value carry as it is ("+" aside, which some mail apps read as a space).
MAILTO_SAFE_CHARS = "/:@!$'()*,;?"


def feedback_email() -> str:
    """Return the address readers may write to about a mistake, or an empty string."""
    return current_app.config["FEEDBACK_EMAIL"].strip()


def feedback_mailto(page_name: str) -> str:
    """Return the ``mailto:`` URL reporting a mistake on this page, or "" when no address is set.

    Subject and body are in the reader's language. Every ASCII character that means something in a
    URL, spaces and line breaks are percent-encoded as RFC 6068 asks (%20, %0D%0A); letters of other
    scripts stay as they are, because the browser encodes them as UTF-8 when it follows the link
    (WHATWG URL), and written out here they would triple the bytes of every page.
    """
    address = feedback_email()
    if not address:
        return ""
    language = i18n.current_language()
    page_url = public_url(request.path)
    # Translators: subject of the e-mail a reader sends about a mistake; page is the page's title.
    subject = _("Mistake on %(page)s (%(language)s)", page=page_name, language=language.native_name)
    subject += " " + request.path  # the editor's key to the page, whatever script the title is in
    body = "\r\n".join(
        (
            # Translators: start of the e-mail a reader sends about a mistake on a page.
            _("What is wrong on this page? Write what it says, what is right, and how you know."),
            "",
            "",
            page_url,
        )
    )
    return mailto_url(address, subject, body)


def language_request_mailto() -> str:
    """Return the ``mailto:`` URL asking for the reader's language, or "" when no address is set.

    "My language is not here" is the only way a reader not served by the site can say so; the
    reader's mail app sends it and the site keeps nothing.
    """
    address = feedback_email()
    if not address:
        return ""
    # Translators: subject of the e-mail a reader sends when the site is not in their language.
    subject = _("Please add my language")
    # Translators: start of that e-mail; the reader writes the name of their language after it.
    return mailto_url(address, subject, _("Please add my language:") + " ")


def mailto_url(address: str, subject: str, body: str) -> str:
    """Return a ``mailto:`` URL to ``address`` with a subject and a body (RFC 6068)."""
    return f"mailto:{quote(address, safe='@')}?subject={mailto_field(subject)}&body={mailto_field(body)}"


def mailto_field(text: str) -> str:
    """Percent-encode a subject or body for a ``mailto:`` URL, leaving non-ASCII letters to the browser."""
    return "".join(quote(char, safe=MAILTO_SAFE_CHARS) if char.isascii() else char for char in text)


def init_app(app: Flask) -> None:
    """Give every template the address and the link maker."""
    app.jinja_env.globals.update(
        feedback_email=feedback_email,
        feedback_mailto=feedback_mailto,
        language_request_mailto=language_request_mailto,
    )
