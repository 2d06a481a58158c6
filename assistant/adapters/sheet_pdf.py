"""The order sheet as a one-page PDF for the store (fpdf2 with DejaVu, so å, ä and ö print)."""

from __future__ import annotations

from assistant.orders.money import format_sek
from assistant.orders.sheet import OrderSheet
from assistant.pdf import titled_pdf


def sheet_pdf(sheet: OrderSheet) -> bytes:
    from fpdf.fonts import FontFace

    pdf = titled_pdf(f"Beställning {sheet.order_id}")
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
