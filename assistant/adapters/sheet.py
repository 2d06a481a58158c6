"""The order sheet handed to a store, and its CSV form."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, field

from assistant.orders.money import format_sek


class DeliveryFailed(RuntimeError):
    """The store did not accept the order; the outbox will retry."""


@dataclass(frozen=True, slots=True)
class SheetLine:
    sku: str
    name: str
    quantity: int
    total: int
    substitution: str = "byt mot liknande"


@dataclass(frozen=True, slots=True)
class OrderSheet:
    order_id: int
    client_name: str
    address: str
    slot: str
    lines: list[SheetLine] = field(default_factory=list)
    fees: dict[str, int] = field(default_factory=dict)
    total: int = 0

    def as_json(self) -> dict:
        return asdict(self)

    def as_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";")
        writer.writerow(["Artikelnr", "Vara", "Antal", "Belopp", "Ersättning"])
        for line in self.lines:
            writer.writerow(
                [line.sku, line.name, line.quantity, format_sek(line.total), line.substitution]
            )
        for name, amount in self.fees.items():
            writer.writerow(["", f"Avgift {name}", "", format_sek(amount), ""])
        writer.writerow(["", "Totalt", "", format_sek(self.total), ""])
        return out.getvalue()

    def as_text(self) -> str:
        rows = [
            f"Beställning {self.order_id} för {self.client_name}",
            self.address,
            f"Leverans: {self.slot}",
            "",
        ]
        rows += [
            f"{ln.quantity} × {ln.name} ({ln.sku}): {format_sek(ln.total)}, {ln.substitution}"
            for ln in self.lines
        ]
        rows += [f"Avgift {n}: {format_sek(a)}" for n, a in self.fees.items()]
        rows.append(f"Totalt: {format_sek(self.total)}")
        return "\n".join(rows) + "\n"
