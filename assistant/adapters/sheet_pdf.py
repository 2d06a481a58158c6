"""The order sheet as a one-page PDF for the store (fpdf2 with DejaVu, so å, ä and ö print)."""

from __future__ import annotations

from fpdf import FPDF
from fpdf.fonts import FontFace

from assistant.orders.money import format_sek
from assistant.orders.sheet import OrderSheet
from assistant.orders.statement_pdf import FONT_DIR


def sheet_pdf(sheet: OrderSheet) -> bytes:
    pdf = FPDF()
    pdf.set_title(f"Beställning {sheet.order_id}")
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 16)
    pdf.cell(0, 10, f"Beställning {sheet.order_id}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 12)
    for row in (sheet.client_name, sheet.address, f"Leverans: {sheet.slot}"):
        if row:
            pdf.multi_cell(0, 7, row, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("DejaVu", "", 10)
    with pdf.table(
        col_widths=(18, 52, 24, 26, 30),
        text_align=("RIGHT", "LEFT", "LEFT", "LEFT", "RIGHT"),
        headings_style=FontFace(emphasis="BOLD"),
    ) as table:
        table.row(["Antal", "Vara", "Artikelnr", "Ersättning", "Belopp"])
        for line in sheet.lines:
            name = f"{line.name} ({line.offer})" if line.offer else line.name
            table.row(
                [line.quantity_text, name, line.sku, line.substitution, format_sek(line.total)]
            )
        for fee, amount in sheet.fees.items():
            table.row(["", f"Avgift {fee}", "", "", format_sek(amount)])
        table.row(["", "Totalt", "", "", format_sek(sheet.total)])
    return bytes(pdf.output())
