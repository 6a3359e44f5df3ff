"""The font every PDF prints in: IPAmj明朝, embedded, so a resident's 外字 and IVS print as registered.

IPAmj明朝 (Debian ``fonts-ipamj-mincho``) is the 文字情報基盤 font: it has the
MJ characters and reaches their variant glyphs by Ideographic Variation
Sequences (a base character and a selector, 葛 U+845B + U+E0102). reportlab
embeds a subset of a TrueType font but knows neither sequences (it would
print the selector as a blank ``.notdef`` glyph) nor characters beyond the BMP
in its text layer (𠮷 could not be copied or searched). ``PrintFont`` adds
both:

* ``printable(text)`` gives each variation sequence — and each character the
  font lacks — one private-use character mapped to the glyph to draw: the
  variant glyph of the font's ``cmap`` format 14 table, or the base glyph
  when the font has no such variant (what Unicode asks), or 〓 (ゲタ, the
  Japanese mark for a character that cannot be printed) for a character it
  has no glyph for; a full-width space (U+3000, between family and given
  name) gets one too, or a paragraph would fold it into an ASCII space;
* the PDF's ToUnicode map gives each of them back as the original text,
  UTF-16 with surrogate pairs, so a copied or extracted name is byte-exact.
"""

from __future__ import annotations

import threading
import unicodedata
from pathlib import Path
from typing import Any

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from madoguchi.printing.errors import FontMissing
from madoguchi.printing.font_tables import advance_width, variation_glyphs

FONT_FILE = Path("/usr/share/fonts/truetype/ipamj/ipamjm.ttf")
FONT_PACKAGE = "fonts-ipamj-mincho"
FONT_NAME = "IPAmjMincho"
ASCII_SPACES = frozenset(" \t\n\r")
GETA = "〓"
"""Printed for a character the font has no glyph for."""
PRIVATE_FIRST, PRIVATE_LAST = 0x100000, 0x10FFFD
"""Supplementary Private Use Area-B: where the printed sequences get their codes (no resident text uses it)."""
_BFCHAR_BLOCK = 100
"""A ToUnicode ``bfchar`` block holds at most 100 entries (PDF 32000-1, 9.10.3)."""


def is_variation_selector(char: str) -> bool:
    code = ord(char)
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF


class PrintFont(TTFont):  # type: ignore[misc]  # reportlab has no type hints
    """IPAmj明朝 as reportlab embeds it, with variation sequences and a byte-exact text layer."""

    def __init__(self, name: str, path: Path) -> None:
        # No HarfBuzz shaping even where uharfbuzz is installed: it would not know the private codes.
        super().__init__(name, str(path), shapable=False)
        self.variants = variation_glyphs(self.face._ttf_data, self.face.table["cmap"]["offset"])
        """The font's non-default variation sequences: (base, selector) → glyph id."""
        self._own = frozenset(self.face.charToGlyph)
        self._codes: dict[str, int] = {}
        self._texts: dict[int, str] = {}
        self._lock = threading.Lock()

    def printable(self, text: str) -> str:
        """The text as this font draws it: each variation sequence, each character without a glyph, and
        each space other than ASCII's one private-use character (its ToUnicode entry gives the original back).

        A space such as U+3000 (the full-width space between family and given name) is given one too:
        a paragraph would otherwise fold it into an ASCII space between words.
        """
        out: list[str] = []
        for i, char in enumerate(text):
            if is_variation_selector(char):
                continue  # drawn with its base character; alone (malformed text) it has nothing to draw
            selector = text[i + 1] if i + 1 < len(text) and is_variation_selector(text[i + 1]) else ""
            own = ord(char) in self._own
            if selector:
                out.append(self._sequence(char, selector))
            elif char in ASCII_SPACES or unicodedata.category(char) == "Cc" or (own and not char.isspace()):
                out.append(char)
            elif char.isspace():
                out.append(self._private(char, self.face.charToGlyph[ord(char)]) if own else " ")
            else:
                out.append(self._private(char, self.face.charToGlyph[ord(GETA)]))
        return "".join(out)

    def _sequence(self, base: str, selector: str) -> str:
        glyph = self.variants.get((ord(base), ord(selector)))
        if glyph is None:
            glyph = self.face.charToGlyph[ord(base) if ord(base) in self._own else ord(GETA)]
        return self._private(base + selector, glyph)

    def _private(self, text: str, glyph: int) -> str:
        with self._lock:
            code = self._codes.get(text)
            if code is None:
                code = PRIVATE_FIRST + len(self._codes)
                if code > PRIVATE_LAST:  # 65,534 distinct sequences printed since start: print the mark alone
                    return GETA
                face = self.face
                face.charToGlyph[code] = glyph
                face.charWidths[code] = face._pdfScale(advance_width(face._ttf_data, face.table, glyph))
                self._codes[text], self._texts[code] = code, text
        return chr(code)

    def addObjects(self, doc: Any) -> None:
        """Embed the subsets as reportlab does, then give each a ToUnicode map of the original text."""
        subsets = [list(subset) for subset in self.state[doc].subsets]
        names = [self.getSubsetInternalName(n, doc)[1:] for n in range(len(subsets))]
        super().addObjects(doc)
        fonts = doc.idToObject["BasicFonts"].dict
        for name, subset in zip(names, subsets, strict=True):
            font = fonts[name]
            texts = [self._texts.get(code, chr(code)) for code in subset]
            doc.idToObject[font.ToUnicode.name].content = to_unicode_cmap(font.BaseFont, texts)


def to_unicode_cmap(name: str, texts: list[str]) -> str:
    """A ToUnicode CMap for a one-byte subset: code ``i`` is ``texts[i]`` (UTF-16BE, several characters allowed)."""
    entries = [f"<{i:02X}> <{text.encode('utf-16-be').hex().upper()}>" for i, text in enumerate(texts)]
    blocks = [entries[i:i + _BFCHAR_BLOCK] for i in range(0, len(entries), _BFCHAR_BLOCK)]
    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
        f"/CIDSystemInfo << /Registry ({name}) /Ordering ({name}) /Supplement 0 >> def",
        f"/CMapName /{name} def", "/CMapType 2 def",
        "1 begincodespacerange", f"<00> <{len(texts) - 1:02X}>", "endcodespacerange",
        *(line for block in blocks for line in (f"{len(block)} beginbfchar", *block, "endbfchar")),
        "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end",
    ])


def load_font(path: Path) -> PrintFont:
    """The font read from its file; raises FontMissing naming the package to install."""
    if not path.is_file():
        raise FontMissing(f"the font {path} is not installed: install the Debian package {FONT_PACKAGE} "
                          f"(apt-get install {FONT_PACKAGE})")
    return PrintFont(FONT_NAME, path)


_loaded: PrintFont | None = None
_loading = threading.Lock()


def print_font() -> PrintFont:
    """IPAmj明朝, read and registered with reportlab once per process. Raises FontMissing."""
    global _loaded
    with _loading:
        if _loaded is None:
            _loaded = load_font(FONT_FILE)
            pdfmetrics.registerFont(_loaded)
        return _loaded
