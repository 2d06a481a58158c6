"""The FastAPI application factory."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from assistant.config import Settings, load_settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or load_settings()
    app = FastAPI(title="Handla")
    app.state.settings = settings

    @app.get("/", response_class=HTMLResponse)
    def index() -> str:
        return "<!doctype html><html lang='sv'><title>Handla</title><h1>Handla</h1></html>"

    @app.get("/api/health")
    def health() -> dict:
        return {"status": "ok"}

    return app
