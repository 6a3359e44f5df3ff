"""A4 documents laid out by reportlab's platypus, every text in the embedded IPAmj明朝.

``Printer`` is one document being written: ``text`` makes a paragraph of any
value (escaped, so a resident's ``<`` or ``&`` is printed as typed; lines
break anywhere in Japanese, with 禁則), ``rows`` a labelled table, and
``build`` the PDF's bytes, with a footer on every page.
"""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from typing import Any, TypeAlias
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle

from madoguchi.printing.fonts import PrintFont, print_font

MARGIN = 18 * mm
WIDTH = A4[0] - 2 * MARGIN
"""The width of the text on the page."""
LABEL_WIDTH = 42 * mm
RULE = colors.HexColor("#8c8c8c")
SHADE = colors.HexColor("#eef1f5")

Cell: TypeAlias = str | Flowable | list[Flowable]

_SIZES = {"title": (20, 28), "reference": (26, 34), "heading": (13, 19), "body": (10.5, 16), "small": (7.5, 10)}
"""Style name → (font size, leading) in points."""


class Printer:
    """One document being written. Raises FontMissing when the font is not installed."""

    def __init__(self) -> None:
        self.font: PrintFont = print_font()
        self.styles = {name: ParagraphStyle(name, fontName=self.font.fontName, fontSize=size, leading=leading,
                                            wordWrap="CJK", spaceBefore=2 if name == "small" else 0,
                                            spaceAfter=leading / 3 if name != "small" else 0)
                       for name, (size, leading) in _SIZES.items()}

    def text(self, value: str, style: str = "body") -> Paragraph:
        return Paragraph(self.font.printable(escape(value)).replace("\n", "<br/>"), self.styles[style])

    def rows(self, rows: Sequence[tuple[str, Cell]], *, label_width: float = LABEL_WIDTH) -> Table:
        """A two-column table: a shaded label, then its content (text, or flowables)."""
        data = [[self.text(label), self.text(content) if isinstance(content, str) else content]
                for label, content in rows]
        return self.table(data, widths=[label_width, WIDTH - label_width],
                          style=[("BACKGROUND", (0, 0), (0, -1), SHADE)])

    def table(self, data: list[list[Cell]], *, widths: list[float], heights: list[float | None] | None = None,
              style: Sequence[tuple[Any, ...]] = ()) -> Table:
        """A ruled table of paragraphs; ``style`` adds TableStyle commands (shading, alignment)."""
        table = Table(data, colWidths=widths, rowHeights=heights, hAlign="LEFT")
        table.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), self.font.fontName, _SIZES["body"][0]),  # not reportlab's Helvetica
            ("GRID", (0, 0), (-1, -1), 0.5, RULE), ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3), *style,
        ]))
        return table

    def build(self, story: list[Flowable], *, title: str, footer: str) -> bytes:
        """The PDF: A4, the story from the top, ``footer`` and the page number at the foot of each page."""
        out = BytesIO()
        document = SimpleDocTemplate(out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                                     bottomMargin=MARGIN, title=title, author="madoguchi", lang="ja",
                                     initialFontName=self.font.fontName)

        def foot(canvas: Any, doc: Any) -> None:
            canvas.saveState()
            canvas.setFont(self.font.fontName, 8)
            canvas.drawCentredString(A4[0] / 2, MARGIN / 2,
                                     self.font.printable(f"{footer}　{doc.page}ページ"))
            canvas.restoreState()

        document.build(story, onFirstPage=foot, onLaterPages=foot)
        return out.getvalue()
