"""The language words are shown in: Japanese by default, English on request."""

from __future__ import annotations

from typing import Literal

from madoguchi.catalog.models import Text

Lang = Literal["ja", "en"]


def say(text: Text, lang: Lang) -> str:
    return text.ja if lang == "ja" else text.en
