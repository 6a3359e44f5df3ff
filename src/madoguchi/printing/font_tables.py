"""The two things of a TrueType font that reportlab does not read for printing: its variation sequences
(``cmap`` format 14) and, reliably, a glyph's advance width (``hmtx``). Layouts as in the OpenType spec."""

from __future__ import annotations

import struct
from collections.abc import Mapping


def variation_glyphs(data: bytes, cmap_offset: int) -> dict[tuple[int, int], int]:
    """The non-default variation sequences of a font's ``cmap`` format 14 subtable (OpenType spec, cmap).

    A default sequence draws its base character's glyph, which is what happens
    without an entry here.
    """
    (count,) = struct.unpack_from(">H", data, cmap_offset + 2)
    found: dict[tuple[int, int], int] = {}
    for record in range(count):
        _, _, offset = struct.unpack_from(">HHL", data, cmap_offset + 4 + 8 * record)
        subtable = cmap_offset + offset
        if struct.unpack_from(">H", data, subtable)[0] != 14:
            continue
        (selectors,) = struct.unpack_from(">L", data, subtable + 6)
        for s in range(selectors):
            at = subtable + 10 + 11 * s
            selector = int.from_bytes(data[at:at + 3], "big")
            (non_default,) = struct.unpack_from(">L", data, at + 7)
            if not non_default:
                continue
            (mappings,) = struct.unpack_from(">L", data, subtable + non_default)
            for m in range(mappings):
                entry = subtable + non_default + 4 + 5 * m
                base = int.from_bytes(data[entry:entry + 3], "big")
                found[(base, selector)] = struct.unpack_from(">H", data, entry + 3)[0]
    return found


def advance_width(data: bytes, tables: Mapping[str, Mapping[str, int]], glyph: int) -> int:
    """A glyph's advance width in font units, from ``hmtx`` (the last entry serves the glyphs after it).

    Read here because reportlab keeps, for those later glyphs, a width already scaled to 1000 units.
    """
    (metrics,) = struct.unpack_from(">H", data, tables["hhea"]["offset"] + 34)
    (width,) = struct.unpack_from(">H", data, tables["hmtx"]["offset"] + 4 * min(glyph, metrics - 1))
    return int(width)
