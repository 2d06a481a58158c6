"""Catalog import for admins: upload a store's feed (the formats of `handla catalog import`),
imported in one transaction; the page lists the rows it could not read with line numbers."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from assistant.catalog_import import CatalogFormatError, import_catalog
from assistant.db.models import StaffUser
from assistant.web.deps import DB_SESSION
from assistant.web.security import require_admin, require_csrf
from assistant.web.templating import render

router = APIRouter(prefix="/admin")
MAX_UPLOAD_BYTES = 100 * 1024 * 1024
SHOWN_REJECTIONS = 200
_SAFE_NAME = re.compile(r"[^\w.\- ]+")


@router.get("/catalog")
def catalog_page(request: Request, staff: StaffUser = Depends(require_admin)) -> Response:
    return render(request, "admin_catalog.html", staff=staff)


@router.post("/catalog", dependencies=[Depends(require_csrf)])
async def upload_catalog(
    request: Request,
    staff: StaffUser = Depends(require_admin),
    session: Session = DB_SESSION,
) -> Response:
    form = await request.form()
    upload = form.get("file")
    store = str(form.get("store", "")).strip() or None
    if not isinstance(upload, UploadFile) or not upload.filename:
        return render(request, "admin_catalog.html", status_code=422, staff=staff,
                      error="Välj en katalogfil (CSV eller JSON).")  # fmt: skip
    name = _SAFE_NAME.sub("_", Path(upload.filename).name)[:100] or "katalog.csv"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        size = 0
        with path.open("wb") as out:
            while block := await upload.read(1 << 20):
                size += len(block)
                if size > MAX_UPLOAD_BYTES:
                    return render(request, "admin_catalog.html", status_code=413, staff=staff,
                                  error="Filen är större än 100 MB.")  # fmt: skip
                out.write(block)
        session.commit()  # the import writes in its own transaction: hold no lock meanwhile
        try:  # its own transaction, as on the command line; nothing is written on failure
            report = import_catalog(request.app.state.sessions, path, store=store)
        except (CatalogFormatError, UnicodeDecodeError) as error:
            return render(request, "admin_catalog.html", status_code=422, staff=staff,
                          error=f"Filen gick inte att läsa: {error}")  # fmt: skip
    return render(request, "admin_catalog.html", staff=staff, report=report,
                  rejected=report.rejected[:SHOWN_REJECTIONS])  # fmt: skip
