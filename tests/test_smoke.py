from fastapi.testclient import TestClient

from assistant.web.app import create_app


def test_health_answers(tmp_path, monkeypatch):
    monkeypatch.setenv("HANDLA_DATA_DIR", str(tmp_path))
    client = TestClient(create_app())
    assert client.get("/api/health").status_code == 200
