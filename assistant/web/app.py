"""The FastAPI application factory."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI, Response
from fastapi.responses import RedirectResponse
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import DBAPIError, InternalError, OperationalError

from assistant.adapters.channels import Channels
from assistant.catalog_import import import_demo_catalog
from assistant.chat.rasa_client import sender_id
from assistant.chat.routes import rasa_of
from assistant.chat.routes import router as chat_router
from assistant.config import Settings, load_settings, prepare_data_dir
from assistant.db import make_engine, make_sessionmaker, session_scope, upgrade_database
from assistant.db.models import Product, Store
from assistant.housekeeping import Housekeeper
from assistant.logs import configure_logging
from assistant.orders import start_outbox_worker
from assistant.orders.slot_patterns import ensure_slots
from assistant.voice.web import install_voice
from assistant.web.admin_catalog import MAX_UPLOAD_BODY
from assistant.web.guards import database_busy, ids_in_range, install_guards
from assistant.web.pictures import CatalogHosts
from assistant.web.pictures import router as pictures_router
from assistant.web.setup import install_web

log = logging.getLogger(__name__)


def prepare_database(settings: Settings) -> None:
    """Migrate, import the demo catalog on the first start and make the coming slots: what a
    start needs done once (`handla serve` does it before starting several workers)."""
    upgrade_database(settings.database_url)
    engine = make_engine(settings.database_url)
    sessions = make_sessionmaker(engine)
    try:
        import_demo_catalog(sessions, settings.catalog_dir)
        with session_scope(sessions) as session:
            ensure_slots(session)  # the weekly patterns' slots for the coming two weeks
    except DBAPIError as error:  # a read-only database: serve, and say so (health)
        log.warning("the database could not be prepared: %s", error)
    finally:
        engine.dispose()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = prepare_data_dir(settings or load_settings())
    prepare_database(settings)
    engine = make_engine(settings.database_url)
    sessions = make_sessionmaker(engine)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # resumes what a crash left in the outbox, then hands confirmed orders to the stores
        channels = Channels.from_settings(app.state.settings)
        app.state.outbox_worker = start_outbox_worker(
            app.state.sessions, channels=channels, workers=app.state.settings.outbox_workers
        )
        janitor = Housekeeper(
            app.state.sessions,
            app.state.settings.data_dir,
            forget_conversation=lambda client_id: rasa_of(app).forget(sender_id(client_id)),
        )
        janitor.start()  # slots rolled forward, expired recordings and old chat deleted
        try:
            yield
        finally:
            janitor.stop()
            app.state.outbox_worker.stop()

    # every route's whole-number path parameters are checked against the id columns' range
    app = FastAPI(title="Handla", lifespan=lifespan, dependencies=[Depends(ids_in_range)])
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = sessions
    app.state.catalog_hosts = CatalogHosts()
    install_web(app)
    app.include_router(pictures_router)
    app.include_router(chat_router)
    install_voice(app)
    install_guards(app, body_limits={"/admin/catalog": MAX_UPLOAD_BODY})

    @app.get("/")
    def index() -> RedirectResponse:
        return RedirectResponse("/staff/clients")  # which sends a visitor to the login first

    @app.get("/api/health")
    def health(response: Response) -> dict[str, Any]:
        try:
            with session_scope(sessions, read_only=True) as session:
                rows = session.execute(
                    select(Store.name, func.count(Product.id))
                    .join(Product, (Product.store_id == Store.id) & Product.active, isouter=True)
                    .group_by(Store.name)
                    .order_by(Store.name)
                ).all()
            writable = database_writable(engine)
        except Exception as error:  # health must answer, whatever is wrong
            response.status_code = 503
            return {"status": "error", "database": f"fel: {type(error).__name__}"}
        answer = {
            "status": "ok" if writable else "error",
            "database": engine.dialect.name,
            "writable": writable,
            "products_per_store": {name: count for name, count in rows},
        }
        if not writable:
            response.status_code = 503
            answer["message"] = "Databasen går bara att läsa, inte skriva till."
        return answer

    return app


def create_served_app() -> FastAPI:
    """The factory each of several app worker processes calls (`handla serve --workers N`)."""
    configure_logging()
    return create_app()


def database_writable(engine: Engine) -> bool:
    """Try a write that changes nothing, in a transaction that is rolled back: a read-only file
    or a read-only PostgreSQL shows here rather than as failing pages. On SQLite the try does
    not wait for the write lock: another writer at work (an import) means writable, just busy."""
    with engine.connect() as connection:
        sqlite = engine.dialect.name == "sqlite"
        if sqlite:  # on the driver's connection: no SQLAlchemy transaction begins for these
            driver: Any = connection.connection.driver_connection  # sqlite3.Connection
            waited = driver.execute("PRAGMA busy_timeout").fetchone()[0]
            driver.execute("PRAGMA busy_timeout=0")
        try:
            with connection.begin() as transaction:
                connection.execute(
                    text("UPDATE alembic_version SET version_num = version_num WHERE 1 = 0")
                )
                transaction.rollback()
        except OperationalError as error:
            return database_busy(error)
        except InternalError:
            return False
        finally:
            if sqlite:
                driver.execute(f"PRAGMA busy_timeout={int(waited)}")
    return True
