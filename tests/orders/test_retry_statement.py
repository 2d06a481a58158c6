from datetime import UTC, datetime, timedelta

from assistant.orders.retry import MAX_ATTEMPTS, next_attempt_at
from assistant.orders.statement_pdf import Statement, StatementOrder, statement_pdf


def test_backoff_doubles_then_needs_attention():
    now = datetime(2026, 11, 25, tzinfo=UTC)
    delays = [next_attempt_at(n, now) - now for n in range(1, MAX_ATTEMPTS)]
    assert delays[0] == timedelta(seconds=30)
    assert all(
        b == 2 * a or b == timedelta(hours=1) for a, b in zip(delays, delays[1:], strict=False)
    )
    assert next_attempt_at(MAX_ATTEMPTS, now) is None


def test_statement_pdf_has_swedish_text():
    order = StatementOrder(
        1,
        "2026-11-12",
        "Willys Växjö",
        [("Mellanmjölk", "3 st", 480, 3990)],
        {"leverans": 5900},
        9890,
    )
    pdf = statement_pdf(Statement("Åsa Öberg", "november 2026", [order, order]))
    assert pdf.startswith(b"%PDF")
    assert b"DejaVu" in pdf
    assert len(pdf) > 1000
