"""The order sheet handed to a store, and its JSON, CSV and plain-text forms."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.orders.money import format_sek


class DeliveryFailed(RuntimeError):
    """The store did not accept the order; the outbox will retry."""


@dataclass(frozen=True, slots=True)
class SheetLine:
    """One line as the store sees it. `quantity` is text ("2", "0.5") so kg items stay exact."""

    sku: str
    name: str
    quantity: str
    total: int
    substitution: str = "byt mot liknande"
    unit: str = "st"
    discount: int = 0
    offer: str = ""

    @property
    def quantity_text(self) -> str:
        """ "2 st", "0,5 kg" (Swedish decimal comma)."""
        return f"{self.quantity.replace('.', ',')} {self.unit}"


@dataclass(frozen=True, slots=True)
class OrderSheet:
    order_id: int
    client_name: str
    address: str
    slot: str
    lines: list[SheetLine] = field(default_factory=list)
    fees: dict[str, int] = field(default_factory=dict)
    total: int = 0
    municipality_fees: dict[str, int] = field(default_factory=dict)
    """Fees the store bills the municipality, not the client (the client's agreement)."""
    unit: str = ""
    """The client's home-care unit ("Hemtjänst Norr"), for the municipality's invoice."""

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OrderSheet:
        """The inverse of `as_json` (the outbox keeps the sheet as confirmed, as JSON)."""
        values = dict(data)
        values["lines"] = [SheetLine(**line) for line in data.get("lines", [])]
        return cls(**values)

    def as_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";")
        writer.writerow(["Artikelnr", "Vara", "Antal", "Enhet", "Belopp", "Ersättning"])
        for line in self.lines:
            writer.writerow(
                [
                    line.sku,
                    line.name,
                    line.quantity.replace(".", ","),
                    line.unit,
                    format_sek(line.total),
                    line.substitution,
                ]
            )
        for name, amount in self.fees.items():
            writer.writerow(["", f"Avgift {name}", "", "", format_sek(amount), ""])
        writer.writerow(["", "Totalt", "", "", format_sek(self.total), ""])
        for name, amount in self.municipality_fees.items():
            writer.writerow(["", f"Avgift {name}, faktureras kommunen", "", "",
                             format_sek(amount), ""])  # fmt: skip
        return out.getvalue()

    def as_text(self) -> str:
        rows = [
            f"Beställning {self.order_id} för {self.client_name}",
            self.address,
            f"Leverans: {self.slot}",
            "",
        ]
        for ln in self.lines:
            offer = f" ({ln.offer})" if ln.offer else ""
            rows.append(
                f"{ln.quantity_text} {ln.name} ({ln.sku}): {format_sek(ln.total)}{offer},"
                f" {ln.substitution}"
            )
        rows += [f"Avgift {n}: {format_sek(a)}" for n, a in self.fees.items()]
        rows.append(f"Totalt: {format_sek(self.total)}")
        unit = f" ({self.unit})" if self.unit else ""
        rows += [f"Avgift {n}, faktureras kommunen{unit}: {format_sek(a)}"
                 for n, a in self.municipality_fees.items()]  # fmt: skip
        return "\n".join(rows) + "\n"
