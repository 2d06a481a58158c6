"""`GET /api/products/{id}/image` for logged-in staff: the cached or fetched picture, else the
generated placeholder. Pictures are fetched only from the hosts the catalog's image URLs name."""

from __future__ import annotations

import threading
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, HTTPException, Request, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.db.models import Product
from assistant.images import FetchPolicy, product_picture
from assistant.web.deps import SessionDep, StaffDep

router = APIRouter()


class CatalogHosts:
    """The hosts of the active products' image URLs, recomputed only when an import (in any
    process) has changed the catalog since."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: tuple[Any, ...] | None = None
        self._hosts: frozenset[str] = frozenset()

    def __call__(self, session: Session) -> frozenset[str]:
        version = tuple(
            session.execute(select(func.max(Product.updated_at), func.count(Product.id))).one()
        )
        with self._lock:
            if version != self._version:
                urls = session.scalars(
                    select(Product.image_url)
                    .where(Product.active, Product.image_url.is_not(None))
                    .distinct()
                )
                hosts = {(urlsplit(url).hostname or "").lower() for url in urls if url}
                self._hosts = frozenset(hosts - {""})
                self._version = version
            return self._hosts


@router.get("/api/products/{product_id}/image")
def product_image(
    product_id: int,
    request: Request,
    _staff: StaffDep,
    session: SessionDep,
) -> Response:
    product = session.get(Product, product_id)
    if product is None:
        raise HTTPException(404, "Varan finns inte")
    state = request.app.state
    policy = FetchPolicy(hosts=lambda: state.catalog_hosts(session))
    picture = product_picture(
        state.settings.image_cache_dir, product.image_url, product.name, product.department, policy
    )
    return Response(
        picture.content,
        media_type=picture.media_type,
        headers={"Cache-Control": "private, max-age=86400"},
    )
