"""Catalog import for admins: upload a store's feed (the formats of `handla catalog import`).
The import runs beside the web server (assistant.catalog_jobs); its page shows the progress and
then the report, with the rows it could not read and their line numbers."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from assistant.catalog_import import CatalogFormatError, check_catalog
from assistant.catalog_jobs import (
    ImportStatus,
    new_job,
    read_status,
    running_job,
    save_upload,
    start_import,
)
from assistant.web.deps import AdminDep, reads_only
from assistant.web.security import require_csrf
from assistant.web.templating import render

router = APIRouter(prefix="/admin")
MAX_UPLOAD_BYTES = 100 * 1024 * 1024
MAX_UPLOAD_BODY = MAX_UPLOAD_BYTES + 1024 * 1024
"""The request body limit of the upload: the file and the form around it."""
_UNSAFE = re.compile(r"[^\w.\- ]+")


def safe_file_name(name: str) -> str:
    """The uploaded file's own name, reduced to letters, digits, '.', '-', '_' and spaces and
    never a hidden or relative name ('..'); it names the store when the form does not."""
    cleaned = _UNSAFE.sub("_", Path(name.replace("\\", "/")).name).strip(" .")[:100]
    return cleaned or "katalog.csv"


@router.get("/catalog")
def catalog_page(request: Request, staff: AdminDep) -> Response:
    running = running_job(request.app.state.settings.data_dir)
    return render(request, "admin_catalog.html", staff=staff, running=running)


@router.post("/catalog", dependencies=[Depends(reads_only), Depends(require_csrf)])
def upload_catalog(
    request: Request,
    staff: AdminDep,
    file: Annotated[UploadFile | None, File()] = None,
    store: Annotated[str, Form()] = "",
) -> Response:
    data_dir = request.app.state.settings.data_dir
    store_name = store.strip()[:200] or None

    def refuse(status: int, error: str) -> Response:
        running = running_job(data_dir)
        return render(
            request,
            "admin_catalog.html",
            status_code=status,
            staff=staff,
            error=error,
            running=running,
        )

    if file is None or not file.filename:
        return refuse(422, "Välj en katalogfil (CSV eller JSON).")
    if file.size is not None and file.size > MAX_UPLOAD_BYTES:
        return refuse(413, "Filen är större än 100 MB.")
    if running_job(data_dir):
        return refuse(409, "En katalog läses redan in. Vänta tills den är klar.")
    job_id, folder = new_job(data_dir)
    saved = save_upload(file.file, folder, safe_file_name(file.filename))
    try:  # a file that is not a catalog at all is said at once, not by the import page
        check_catalog(saved)
    except (CatalogFormatError, OSError) as error:
        shutil.rmtree(folder, ignore_errors=True)
        return refuse(422, f"Filen gick inte att läsa: {error}")
    if not start_import(request.app.state.sessions, data_dir, job_id, saved, store_name):
        shutil.rmtree(folder, ignore_errors=True)
        return refuse(409, "En katalog läses redan in. Vänta tills den är klar.")
    return RedirectResponse(f"/admin/catalog/imports/{job_id}", status_code=303)


def _status(request: Request, job_id: str) -> ImportStatus:
    status = read_status(request.app.state.settings.data_dir, job_id)
    if status is None:
        raise HTTPException(404, "Importen finns inte.")
    return status


@router.get("/catalog/imports/{job_id}")
def import_page(job_id: str, request: Request, staff: AdminDep) -> Response:
    status = _status(request, job_id)
    return render(request, "admin_catalog_import.html", staff=staff, job=status)


@router.get("/catalog/imports/{job_id}/status")
def import_status(job_id: str, request: Request, _: AdminDep) -> dict[str, Any]:
    """What the import page polls to move its progress bar."""
    status = _status(request, job_id)
    return {
        "state": status.state,
        "fraction": status.fraction,
        "rows": status.rows,
        "text": status.progress_text,
    }
