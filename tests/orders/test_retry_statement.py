from datetime import UTC, datetime, timedelta

from assistant.orders.retry import MAX_DELAY, QUICK_ATTEMPTS, needs_staff, next_attempt_at
from assistant.orders.statement_pdf import Statement, StatementLine, StatementOrder, statement_pdf


def test_quick_attempts_then_staff_are_told_and_the_backoff_doubles():
    now = datetime(2026, 11, 25, tzinfo=UTC)
    delays = [next_attempt_at(n, now) - now for n in range(1, 12)]
    assert delays[:3] == [timedelta(seconds=15), timedelta(seconds=30), timedelta(minutes=1)]
    assert sum(delays[: QUICK_ATTEMPTS - 1], timedelta()) < timedelta(minutes=1)
    assert all(b == 2 * a or b == MAX_DELAY for a, b in zip(delays[2:], delays[3:], strict=False))
    assert delays[-1] == MAX_DELAY
    assert [needs_staff(n) for n in (1, 2, 3, 4)] == [False, False, True, True]


def test_statement_pdf_has_swedish_text():
    order = StatementOrder(
        1,
        "2026-11-12",
        "Willys Växjö",
        [StatementLine("Mellanmjölk", "3 st", 480, 3990, "3 för 39,90 kr")],
        {"leverans": 5900},
        9890,
    )
    pdf = statement_pdf(Statement("Åsa Öberg", "november 2026", [order, order]))
    assert pdf.startswith(b"%PDF")
    assert b"DejaVu" in pdf
    assert len(pdf) > 1000
