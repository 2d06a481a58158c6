"""The monthly report for admins of the fees the municipality pays, per unit (page and CSV)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from assistant.orders.fee_report import FEES, fee_report_csv, monthly_fee_report
from assistant.orders.money import format_sek
from assistant.orders.pricing import FEE_LABELS
from assistant.web.deps import AdminDep, MonthDep, SessionDep
from assistant.web.templating import render

router = APIRouter(prefix="/admin")


@router.get("/fees")
def fee_report(request: Request, staff: AdminDep, session: SessionDep, month: MonthDep) -> Response:
    report = monthly_fee_report(session, *month)  # a refusal: the error page (422)
    labels = [(name, FEE_LABELS[name]) for name in FEES]
    return render(
        request,
        "fee_report.html",
        staff=staff,
        report=report,
        month="{:04d}-{:02d}".format(*month),
        labels=labels,
        sek=format_sek,
    )


@router.get("/fees.csv")
def fee_report_download(staff: AdminDep, session: SessionDep, month: MonthDep) -> Response:
    report = monthly_fee_report(session, *month)
    name = "handla-avgifter-kommunen-{:04d}-{:02d}.csv".format(*month)
    return Response(
        fee_report_csv(report),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
