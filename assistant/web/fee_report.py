"""The monthly report for admins of the fees the municipality pays, per unit (page and CSV)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from assistant.orders.errors import ServiceError
from assistant.orders.fee_report import FEES, FeeReport, fee_report_csv, monthly_fee_report
from assistant.orders.money import format_sek
from assistant.orders.pricing import FEE_LABELS
from assistant.orders.slots import LOCAL_TZ
from assistant.web.deps import AdminDep, SessionDep
from assistant.web.templating import render

router = APIRouter(prefix="/admin")
MONTH_PATTERN = r"^\d{4}-\d{2}$"


def _report(session: Session, month: str | None) -> tuple[str, FeeReport]:
    if month:
        year, number = (int(part) for part in month.split("-"))
    else:
        today = datetime.now(LOCAL_TZ)
        year, number = today.year, today.month
    try:
        return f"{year:04d}-{number:02d}", monthly_fee_report(session, year, number)
    except ServiceError as refusal:
        raise HTTPException(status_code=422, detail=refusal.message) from None


@router.get("/fees")
def fee_report(
    request: Request,
    staff: AdminDep,
    session: SessionDep,
    month: Annotated[str | None, Query(pattern=MONTH_PATTERN)] = None,
) -> Response:
    chosen, report = _report(session, month)
    labels = [(name, FEE_LABELS[name]) for name in FEES]
    return render(request, "fee_report.html", staff=staff, report=report, month=chosen,
                  labels=labels, sek=format_sek)  # fmt: skip


@router.get("/fees.csv")
def fee_report_download(
    staff: AdminDep,
    session: SessionDep,
    month: Annotated[str | None, Query(pattern=MONTH_PATTERN)] = None,
) -> Response:
    chosen, report = _report(session, month)
    name = f"handla-avgifter-kommunen-{chosen}.csv"
    return Response(fee_report_csv(report), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip
