"""The resident's pages in Japanese (the default) or English: Babel message catalogs wired into Jinja2.

Messages are written in English in the templates (``{{ _("…") }}``) and in
Python (marked ``N_("…")`` where they are defined, translated where they are
shown), and translated in ``locale/<lang>/LC_MESSAGES/messages.po``. Each .po
is compiled in memory when the app starts (``read_po`` → ``write_mo`` →
``Translations``): the .po stays the one source, with no build step and no
binary .mo in the repository to fall out of step with it; compiling a few
hundred messages takes milliseconds. English is the language of the message
ids, so it needs no catalog.

The language is the ``lang`` cookie: ``en`` for English, Japanese otherwise.
Texts that come from the catalog (procedure names, reasons, labels) are in
the language a draft was made in (``Draft.lang``).
"""

from __future__ import annotations

from datetime import date, datetime
from gettext import NullTranslations
from io import BytesIO
from pathlib import Path
from typing import Any, cast

from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from fastapi import Request
from jinja2 import Environment, pass_context
from jinja2.runtime import Context

from madoguchi.clock import TOKYO
from madoguchi.guidance.language import Lang
from madoguchi.prefill.display import era_date

LANG_COOKIE = "lang"
LANGS: tuple[Lang, ...] = ("ja", "en")
LOCALE_DIR = Path(__file__).parent / "locale"
CATALOG_LANGS: tuple[Lang, ...] = ("ja",)
"""The languages with a message catalog (English is the language of the message ids)."""


def N_(message: str) -> str:  # noqa: N802 - the name gettext's tools look for
    """Mark a message for extraction where it is defined; it is translated where it is shown."""
    return message


def compile_catalog(path: Path, lang: str) -> Translations:
    """A .po file compiled in memory (fuzzy entries left out, as ``pybabel compile`` does)."""
    with path.open("rb") as po:
        catalog = read_po(po, locale=lang)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


def load_translations(folder: Path = LOCALE_DIR) -> dict[str, Translations]:
    return {lang: compile_catalog(folder / lang / "LC_MESSAGES" / "messages.po", lang) for lang in CATALOG_LANGS}


_TRANSLATIONS = load_translations()


def translator(lang: str) -> NullTranslations:
    return _TRANSLATIONS.get(lang) or NullTranslations()


def gettext(lang: str, message: str) -> str:
    return translator(lang).gettext(message)


def as_lang(text: str | None) -> Lang:
    """English if it says so; Japanese otherwise."""
    return "en" if text == "en" else "ja"


def lang_of(request: Request) -> Lang:
    """The language the resident chose (the ``lang`` cookie)."""
    return as_lang(request.cookies.get(LANG_COOKIE))


def day(value: date | str, lang: str) -> str:
    """A date as residents read it: 和暦 in Japanese (令和7年6月12日), ``June 12, 2025`` in English."""
    value = date.fromisoformat(value) if isinstance(value, str) else value
    return era_date(value) if lang == "ja" else format_date(value, "long", locale="en")


def moment(value: datetime | str, lang: str) -> str:
    """A moment in Asia/Tokyo: 令和7年6月1日 10:05, or ``June 1, 2025, 10:05``."""
    at = (datetime.fromisoformat(value) if isinstance(value, str) else value).astimezone(TOKYO)
    return f"{day(at.date(), lang)} {at:%H:%M}" if lang == "ja" else f"{day(at.date(), lang)}, {at:%H:%M}"


def install(env: Environment) -> None:
    """Jinja2's ``i18n`` extension with gettext taken in the language of the page (its ``lang``)."""
    env.add_extension("jinja2.ext.i18n")
    cast(Any, env).install_gettext_callables(_gettext, _ngettext, newstyle=True)
    env.filters["day"] = _day
    env.filters["moment"] = _moment


def _page_lang(context: Context) -> str:
    return str(context.get("lang") or "ja")


@pass_context
def _gettext(context: Context, message: str) -> str:
    return translator(_page_lang(context)).gettext(message)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    return translator(_page_lang(context)).ngettext(singular, plural, n)


@pass_context
def _day(context: Context, value: date | str) -> str:
    return day(value, _page_lang(context))


@pass_context
def _moment(context: Context, value: datetime | str) -> str:
    return moment(value, _page_lang(context))
