"""Reading the PDFs back: their text as a reader extracts it, the fonts their pages draw with, the embedded font."""

from __future__ import annotations

import re
from dataclasses import dataclass
from io import BytesIO

from pypdf import PdfReader


def pdf_text(pdf: bytes) -> str:
    """All pages' text, as a PDF reader extracts (and a person copies) it."""
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


@dataclass(frozen=True)
class EmbeddedFont:
    base_font: str
    program: bytes
    """The embedded TrueType program (``FontFile2``)."""
    texts: dict[int, str]
    """The font's ToUnicode map: character code → the text it stands for."""


def fonts_drawn(pdf: bytes) -> list[EmbeddedFont | str]:
    """Every font a page's content selects (``Tf``): embedded ones in full, others by their name."""
    found: dict[str, EmbeddedFont | str] = {}
    for page in PdfReader(BytesIO(pdf)).pages:
        content = page.get_contents()
        used = set(re.findall(rb"/(\S+) [\d.]+ Tf", content.get_data() if content is not None else b""))
        for name, ref in page["/Resources"]["/Font"].items():
            font = ref.get_object()
            if name[1:].encode() not in used or font["/BaseFont"] in found:
                continue
            program = font.get("/FontDescriptor", {}).get("/FontFile2")
            found[font["/BaseFont"]] = EmbeddedFont(
                font["/BaseFont"], program.get_data(), _to_unicode(font["/ToUnicode"].get_data().decode())
            ) if program is not None else str(font["/BaseFont"])
    return list(found.values())


def _to_unicode(cmap: str) -> dict[int, str]:
    entries = "".join(re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S))
    return {int(code, 16): bytes.fromhex(text).decode("utf-16-be")
            for code, text in re.findall(r"<([0-9A-F]{2})> <([0-9A-F]+)>", entries)}
