"""What the matcher hands back for each spoken item."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any, Literal

BOUGHT_BEFORE = "köpt förut"  # a candidate's `why` when the client's history put it first

Status = Literal["found", "ambiguous", "not_found"]


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

    `status`: "found" (one clear kind: propose the first candidate), "ambiguous" (the client
    must choose: show `groups`, one picture row per kind) or "not_found" (the store has no
    credible match: `candidates` is empty; `suggestions` holds similar products, to be shown
    as such, never as the product). `ambiguous` is status == "ambiguous".
    `text` holds only the words naming the product (and the brand's, if one was said).
    `brand` is the brand asked for, as the catalog spells it ("" if none); `brand_missing`
    says the store has no product of that brand for this kind (`candidates` are then the kind
    from other brands). `reason` says in Swedish why.
    """

    text: str
    quantity: Decimal | int
    unit: str | None
    ambiguous: bool
    reason: str
    candidates: list[Candidate] = field(default_factory=list)
    groups: dict[str, list[str]] = field(default_factory=dict)
    status: Status = "found"
    suggestions: list[Candidate] = field(default_factory=list)
    brand: str = ""
    brand_missing: bool = False

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        q = self.quantity
        data["quantity"] = int(q) if isinstance(q, int) else float(q)
        return data
