"""What the matcher hands back for each spoken item."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

BOUGHT_BEFORE = "köpt förut"  # a candidate's `why` when the client's history put it first


@dataclass(frozen=True, slots=True)
class Candidate:
    key: str
    name: str
    brand: str
    size: str
    kind: str
    score: float
    why: str


@dataclass(slots=True)
class ItemMatch:
    """One item: what was said, how much, and the ranked candidates.

    `ambiguous` means the client must choose (show `groups`, one picture row per kind);
    `reason` says in Swedish why it is or is not ambiguous.
    """

    text: str
    quantity: Decimal | int
    unit: str | None
    ambiguous: bool
    reason: str
    candidates: list[Candidate] = field(default_factory=list)
    groups: dict[str, list[str]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        q = self.quantity
        data["quantity"] = int(q) if isinstance(q, int) else float(q)
        return data
