"""Monthly statement as PDF (fpdf2, DejaVu fonts so that å, ä and ö print)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from assistant.orders.money import format_sek
from assistant.orders.pricing import FEE_LABELS
from assistant.pdf import titled_pdf


class StatementLine(NamedTuple):
    name: str
    quantity: str
    """ "2 st", "ca 0,5 kg"."""
    discount: int
    total: int
    """What the line cost, offers included."""
    offer: str = ""
    """The offer's condition ("2 för 50 kr") when one applied."""


@dataclass(frozen=True, slots=True)
class StatementOrder:
    order_id: int
    delivered: str
    store: str
    lines: list[StatementLine]
    fees: dict[str, int] = field(default_factory=dict)
    """The fees the client paid, by name ("plock", "leverans", "faktura")."""
    total: int = 0
    notes: list[str] = field(default_factory=list)
    """Fees the client did not pay, e.g. "Leveransavgift 79,00 kr betalas av kommunen."."""

    @property
    def fee_rows(self) -> list[tuple[str, int]]:
        """("Plockavgift", 4900) for each fee the client paid."""
        return [(FEE_LABELS.get(name, name), amount) for name, amount in self.fees.items()]

    status: str = ""  # "Skickad till butiken", "Behöver åtgärd", … (status.ORDER_STATUS_LABEL)


@dataclass(frozen=True, slots=True)
class Statement:
    client_name: str
    month: str  # "november 2026"
    orders: list[StatementOrder]

    @property
    def total(self) -> int:
        return sum(o.total for o in self.orders)


def statement_pdf(statement: Statement) -> bytes:
    pdf = titled_pdf(f"Månadssammanställning {statement.month}")
    pdf.cell(0, 8, statement.client_name, new_x="LMARGIN", new_y="NEXT")
    for order in statement.orders:
        pdf.ln(4)
        pdf.set_font("DejaVu", "B", 12)
        title = f"Order {order.order_id}, {order.delivered}, {order.store}"
        if order.status:
            title += f" – {order.status}"
        pdf.cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 10)
        for line in order.lines:
            saving = f"−{format_sek(line.discount)}"
            offer = f" (erbjudande {line.offer}: {saving})" if line.discount else ""
            pdf.cell(140, 6, f"{line.quantity} {line.name}{offer}")
            pdf.cell(0, 6, format_sek(line.total), align="R", new_x="LMARGIN", new_y="NEXT")
        for label, amount in order.fee_rows:
            pdf.cell(140, 6, label)
            pdf.cell(0, 6, format_sek(amount), align="R", new_x="LMARGIN", new_y="NEXT")
        pdf.cell(140, 6, "Summa order")
        pdf.cell(0, 6, format_sek(order.total), align="R", new_x="LMARGIN", new_y="NEXT")
        for note in order.notes:
            pdf.cell(0, 6, note, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("DejaVu", "B", 12)
    pdf.cell(140, 8, "Totalt för månaden")
    pdf.cell(0, 8, format_sek(statement.total), align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
