"""IPAmj明朝 embedded in every PDF: 外字 and IVS sequences printed with the font's own glyphs, and read back
byte-exact from the PDF's text."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO

import pytest
from fontTools.ttLib import TTFont

from madoguchi.printing.document import Printer
from madoguchi.printing.font_tables import advance_width, variation_glyphs
from madoguchi.printing.fonts import FONT_FILE, GETA, print_font

from .pdf_kit import EmbeddedFont, fonts_drawn, pdf_text

pytestmark = pytest.mark.usefixtures("ipamj")

KUZU, ADOBE_SELECTOR, MJ_SELECTOR = 0x845B, 0xE0100, 0xE0102
"""葛: IPAmj明朝 has the variant 葛+U+E0102 (Moji_Joho), not 葛+U+E0100 (Adobe-Japan1)."""


@pytest.fixture(scope="module")
def reference_font() -> Iterator[TTFont]:
    """The font file as fontTools reads it: the judge of which glyph is which, independent of our reading."""
    with TTFont(str(FONT_FILE), lazy=True) as font:
        yield font


def printed(*lines: str) -> bytes:
    printer = Printer()
    return printer.build([printer.text(line) for line in lines], title="test", footer="")


def embedded(pdf: bytes) -> EmbeddedFont:
    (font,) = fonts_drawn(pdf)
    assert isinstance(font, EmbeddedFont)
    return font


def outline(font: TTFont, glyph: str) -> list[tuple[int, int]]:
    coordinates, _, _ = font["glyf"][glyph].getCoordinates(font["glyf"])
    return list(coordinates)


def drawn_glyph(pdf: bytes, text: str) -> tuple[TTFont, str]:
    """The embedded subset and the name of the glyph it draws for ``text``."""
    font = embedded(pdf)
    code = next(code for code, shown in font.texts.items() if shown == text)
    subset = TTFont(BytesIO(font.program))
    return subset, subset["cmap"].tables[0].cmap[code]


def test_the_variation_sequences_are_read_as_the_font_defines_them(reference_font: TTFont) -> None:
    font = print_font()
    expected = {(base, selector): reference_font.getGlyphID(glyph)
                for selector, pairs in reference_font["cmap"].getcmap(0, 5).uvsDict.items()
                for base, glyph in pairs if glyph is not None}
    assert len(expected) > 10_000
    assert variation_glyphs(font.face._ttf_data, font.face.table["cmap"]["offset"]) == expected


def test_advance_widths_are_read_for_every_glyph_also_past_the_last_full_metric(reference_font: TTFont) -> None:
    font = print_font()
    metrics = reference_font["hhea"].numberOfHMetrics
    glyphs = [0, metrics - 1, metrics, reference_font.getGlyphID(reference_font.getBestCmap()[KUZU]),
              len(reference_font.getGlyphOrder()) - 1]
    assert metrics < glyphs[3]  # the 葛 glyphs lie past the full metrics, where reportlab keeps scaled widths
    assert [advance_width(font.face._ttf_data, font.face.table, g) for g in glyphs] == [
        reference_font["hmtx"][reference_font.getGlyphName(g)][0] for g in glyphs]


def test_only_ipamj_is_drawn_with_and_it_is_embedded() -> None:
    pdf = printed("受付控え 1234-5678-9012")
    font = embedded(pdf)
    assert font.base_font.endswith("+IPAmjMincho") and len(font.program) > 1000


def test_an_ivs_name_prints_with_the_variant_glyph_and_reads_back_byte_exact(reference_font: TTFont) -> None:
    name = f"{chr(KUZU)}{chr(MJ_SELECTOR)}西"
    pdf = printed(name)
    assert name in pdf_text(pdf)
    variant = dict(reference_font["cmap"].getcmap(0, 5).uvsDict[MJ_SELECTOR])[KUZU]
    plain = reference_font.getBestCmap()[KUZU]
    subset, glyph = drawn_glyph(pdf, name[:2])
    assert outline(subset, glyph) == outline(reference_font, variant)
    assert outline(subset, glyph) != outline(reference_font, plain)


def test_a_sequence_the_font_lacks_prints_the_base_character_and_keeps_its_selector(reference_font: TTFont) -> None:
    name = f"{chr(KUZU)}{chr(ADOBE_SELECTOR)}西"
    assert KUZU not in {base for base, _ in reference_font["cmap"].getcmap(0, 5).uvsDict.get(ADOBE_SELECTOR, [])}
    pdf = printed(name)
    assert name in pdf_text(pdf)
    subset, glyph = drawn_glyph(pdf, name[:2])
    assert outline(subset, glyph) == outline(reference_font, reference_font.getBestCmap()[KUZU])
    assert "\x00" not in pdf_text(pdf)  # no .notdef for the selector


def test_characters_beyond_the_bmp_read_back_and_one_without_a_glyph_prints_as_geta(
        reference_font: TTFont) -> None:
    missing = "\U0001f600"
    assert ord(missing) not in reference_font.getBestCmap()
    pdf = printed("𠮷田 髙橋 山﨑", f"記号{missing}")
    text = pdf_text(pdf)
    assert "𠮷田 髙橋 山﨑" in text and f"記号{missing}" in text
    subset, glyph = drawn_glyph(pdf, missing)
    assert outline(subset, glyph) == outline(reference_font, reference_font.getBestCmap()[ord(GETA)])


def test_the_full_width_space_of_a_name_is_kept(reference_font: TTFont) -> None:
    pdf = printed("佐藤\u3000健一")
    assert "佐藤\u3000健一" in pdf_text(pdf)
    subset, glyph = drawn_glyph(pdf, "\u3000")
    assert subset["hmtx"][glyph][0] == reference_font["hmtx"][reference_font.getBestCmap()[0x3000]][0]


def test_markup_in_a_value_is_printed_as_typed() -> None:
    assert "<b>佐藤 & 鈴木</b>" in pdf_text(printed("<b>佐藤 & 鈴木</b>"))


def test_documents_printed_at_once_each_read_back_their_own_names() -> None:
    """Requests print in a thread pool: private codes handed out meanwhile must not mix documents up."""
    names = [f"{chr(KUZU)}{chr(0xE0102 + i % 7)}西{chr(0x1F600 + i)} {i}" for i in range(24)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        texts = list(pool.map(lambda name: pdf_text(printed(name)), names))
    assert all(name in text for name, text in zip(names, texts, strict=True))
