"""The order sheet handed to a store, and its JSON, CSV and plain-text forms."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.orders.money import format_sek

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """A cell a spreadsheet shows as text: one starting like a formula ("=HYPERLINK(…)",
    "+", "-", "@", a tab or a carriage return) gets a leading apostrophe, so opening the
    sheet runs nothing."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


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
        """Semicolon-separated (Swedish spreadsheets); every cell escaped by `csv_cell`."""
        rows = [["Artikelnr", "Vara", "Antal", "Enhet", "Belopp", "Ersättning"]]
        rows += [
            [
                line.sku,
                line.name,
                line.quantity.replace(".", ","),
                line.unit,
                format_sek(line.total),
                line.substitution,
            ]
            for line in self.lines
        ]
        rows += [["", f"Avgift {name}", "", "", format_sek(a), ""] for name, a in self.fees.items()]
        rows.append(["", "Totalt", "", "", format_sek(self.total), ""])
        rows += [
            ["", f"Avgift {name}, faktureras kommunen", "", "", format_sek(amount), ""]
            for name, amount in self.municipality_fees.items()
        ]
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";")
        writer.writerows([csv_cell(str(cell)) for cell in row] for row in rows)
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
        rows += [
            f"Avgift {n}, faktureras kommunen{unit}: {format_sek(a)}"
            for n, a in self.municipality_fees.items()
        ]
        return "\n".join(rows) + "\n"
