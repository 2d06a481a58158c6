"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, HTTPException, Response
from fastapi.responses import RedirectResponse
from sqlalchemy import func, select, text

from assistant.adapters.channels import Channels
from assistant.catalog_import import import_demo_catalog
from assistant.chat.routes import router as chat_router
from assistant.config import Settings, load_settings
from assistant.db import make_engine, make_sessionmaker, session_scope, upgrade_database
from assistant.db.models import Product, Store
from assistant.images import product_picture
from assistant.orders import start_outbox_worker
from assistant.orders.slot_patterns import ensure_slots
from assistant.voice.recordings import RecordingJanitor
from assistant.voice.web import install_voice
from assistant.web.setup import install_web


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or load_settings()
    upgrade_database(settings.database_url)
    engine = make_engine(settings.database_url)
    sessions = make_sessionmaker(engine)
    import_demo_catalog(sessions, settings.catalog_dir)
    with session_scope(sessions) as session:
        ensure_slots(session)  # the weekly patterns' slots for the coming two weeks

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # resumes what a crash left in the outbox, then hands confirmed orders to the stores
        channels = Channels.from_settings(app.state.settings)
        app.state.outbox_worker = start_outbox_worker(
            app.state.sessions, channels=channels, workers=app.state.settings.outbox_workers
        )
        janitor = RecordingJanitor(app.state.sessions, app.state.settings.data_dir)
        janitor.start()  # expired debug recordings go even when nobody records
        try:
            yield
        finally:
            janitor.stop()
            app.state.outbox_worker.stop()

    app = FastAPI(title="Handla", lifespan=lifespan)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = sessions
    install_web(app)
    app.include_router(chat_router)
    install_voice(app)

    @app.get("/")
    def index() -> RedirectResponse:
        return RedirectResponse("/staff/clients")  # which sends a visitor to the login first

    @app.get("/api/health")
    def health(response: Response) -> dict:
        try:
            with session_scope(sessions) as session:
                session.execute(text("SELECT 1"))
                rows = session.execute(
                    select(Store.name, func.count(Product.id))
                    .join(Product, (Product.store_id == Store.id) & Product.active, isouter=True)
                    .group_by(Store.name)
                    .order_by(Store.name)
                ).all()
        except Exception as error:  # health must answer, whatever is wrong
            response.status_code = 503
            return {"status": "error", "database": f"fel: {type(error).__name__}"}
        return {
            "status": "ok",
            "database": engine.dialect.name,
            "products_per_store": {name: count for name, count in rows},
        }

    @app.get("/api/products/{product_id}/image")
    def product_image(product_id: int) -> Response:
        with session_scope(sessions) as session:
            product = session.get(Product, product_id)
            if product is None:
                raise HTTPException(404, "Varan finns inte")
            url, name, department = product.image_url, product.name, product.department
        picture = product_picture(settings.image_cache_dir, url, name, department)
        return Response(
            picture.content,
            media_type=picture.media_type,
            headers={"Cache-Control": "public, max-age=86400"},
        )

    return app
