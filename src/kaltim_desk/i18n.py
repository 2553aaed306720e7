"""Translations. Source strings are Indonesian (the default language); catalogues in
`resources/translations/<lang>/LC_MESSAGES/kaltim_desk.mo` translate them (English is the second).

Mark every string a person sees with `_()`; with placeholders, translate the template first:
`_("{n} penerima").format(n=n)`. Documents and workbooks use the same function outside Qt.
"""

from __future__ import annotations

import gettext

from kaltim_desk.config import resource

DOMAIN = "kaltim_desk"
LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}
DEFAULT_LANGUAGE = "id"

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = DEFAULT_LANGUAGE


def set_language(lang: str) -> None:
    """Switch every later `_()` to `lang` (falls back to the Indonesian source strings)."""
    global _translation, _language
    _language = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    if _language == DEFAULT_LANGUAGE:
        _translation = gettext.NullTranslations()
    else:
        _translation = gettext.translation(
            DOMAIN, localedir=str(resource("translations")), languages=[_language], fallback=True
        )


def language() -> str:
    return _language


def _(message: str) -> str:
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)
