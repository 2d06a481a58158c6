"""A PDF page with a title in DejaVu (so å, ä and ö print): the store's order sheet and the
monthly statement start the same way. fpdf2 is imported here, when a PDF is made, not when the
app starts (it takes about a second to import)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fpdf import FPDF

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


def titled_pdf(title: str) -> FPDF:
    """A document with one page begun: `title` in bold 16 pt, then 12 pt regular text."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_title(title)
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 16)
    pdf.cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 12)
    return pdf
