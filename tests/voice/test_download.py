"""`handla models` with small stand-in model files served by a real HTTP server on 127.0.0.1
(with Range support): download, resume after a broken transfer, a bad checksum, the offline
copy from a folder, and status."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from assistant.voice import download
from assistant.voice.download import DownloadError, fetch, install
from assistant.voice.registry import ModelFile, ModelSpec, is_present

KEY = "vosk-model-small-sv-test"


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        zipped.writestr(f"{KEY}/am/final.mdl", b"x" * 50_000)
        zipped.writestr(f"{KEY}/conf/model.conf", b"--sample-frequency=16000\n")
    return buffer.getvalue()


FILES = {"model.zip": _zip(), "voice.onnx": b"o" * 70_000, "voice.onnx.json": b'{"audio": {}}'}


class Server:
    """Serves FILES; `cut_after` bytes into a full response the connection is dropped once."""

    def __init__(self) -> None:
        self.cut_after: int | None = None
        self.ranges: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                body = FILES.get(self.path.lstrip("/"))
                if body is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                start = 0
                if header := self.headers.get("Range"):
                    server.ranges.append(header)
                    start = int(header.removeprefix("bytes=").rstrip("-"))
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
                else:
                    self.send_response(200)
                self.send_header("Content-Length", str(len(body) - start))
                self.end_headers()
                if server.cut_after is not None and not header:
                    self.wfile.write(body[: server.cut_after])
                    server.cut_after = None
                    self.wfile.flush()
                    self.connection.close()
                    return
                self.wfile.write(body[start:])

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


@pytest.fixture
def server() -> Iterator[Server]:
    running = Server()
    yield running
    running.httpd.shutdown()
    running.httpd.server_close()


def _file(server: Server, name: str, md5: str | None = "") -> ModelFile:
    body = FILES[name]
    pinned = hashlib.md5(body, usedforsecurity=False).hexdigest() if md5 == "" else md5
    return ModelFile(f"{server.base}/{name}", name, pinned, len(body))


def _specs(server: Server) -> tuple[ModelSpec, ModelSpec]:
    vosk = ModelSpec(KEY, "vosk", (_file(server, "model.zip"),))
    piper = ModelSpec("voice", "piper", (_file(server, "voice.onnx"),
                                         _file(server, "voice.onnx.json")))  # fmt: skip
    return vosk, piper


def _quiet(name: str, done: int, total: int | None) -> None:
    pass


def test_download_unpacks_and_checks(server: Server, tmp_path: Path) -> None:
    vosk, piper = _specs(server)
    assert install(vosk, tmp_path, progress=_quiet)[-1] == f"{KEY}: installerad"
    assert install(piper, tmp_path, progress=_quiet)[-1] == "voice: installerad"
    assert is_present(vosk, tmp_path) and is_present(piper, tmp_path)
    assert (tmp_path / "voice.onnx").read_bytes() == FILES["voice.onnx"]
    assert install(vosk, tmp_path, progress=_quiet) == [f"{KEY}: finns redan"]


def test_a_broken_transfer_resumes_where_it_stopped(server: Server, tmp_path: Path) -> None:
    file = _file(server, "voice.onnx")
    server.cut_after = 30_000
    with pytest.raises(DownloadError, match="fortsätter där det slutade"):
        fetch(file, tmp_path / "voice.onnx", _quiet)
    assert (tmp_path / "voice.onnx.part").stat().st_size == 30_000
    fetch(file, tmp_path / "voice.onnx", _quiet)
    assert server.ranges == ["bytes=30000-"]
    assert (tmp_path / "voice.onnx").read_bytes() == FILES["voice.onnx"]


def test_a_wrong_checksum_removes_the_file(server: Server, tmp_path: Path) -> None:
    file = _file(server, "voice.onnx", md5="0" * 32)
    with pytest.raises(DownloadError, match="kontrollsumman stämmer inte"):
        fetch(file, tmp_path / "voice.onnx", _quiet)
    assert not (tmp_path / "voice.onnx").exists()


def test_an_unpinned_file_reports_its_md5(server: Server, tmp_path: Path) -> None:
    spec = ModelSpec("voice", "piper", (dataclasses.replace(_file(server, "voice.onnx"), md5=None),
                                        _file(server, "voice.onnx.json")))  # fmt: skip
    notes = install(spec, tmp_path, progress=_quiet)
    assert notes[0] == f"voice.onnx: md5 {hashlib.md5(FILES['voice.onnx']).hexdigest()} " \
        "(jämför med voices.json)"  # fmt: skip


def test_offline_copy_from_a_folder(server: Server, tmp_path: Path) -> None:
    stick = tmp_path / "usb"
    stick.mkdir()
    for name, body in FILES.items():
        (stick / name).write_bytes(body)
    vosk, piper = _specs(server)
    server.httpd.shutdown()  # no network from here on
    install(vosk, tmp_path / "models", source=stick)
    install(piper, tmp_path / "models", source=stick)
    assert is_present(vosk, tmp_path / "models") and is_present(piper, tmp_path / "models")
    (stick / "voice.onnx").write_bytes(b"broken")
    with pytest.raises(DownloadError):
        install(piper, tmp_path / "other", source=stick)


def test_a_zip_with_odd_paths_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr(f"{KEY}/../../etc/passwd", b"x")
    with pytest.raises(DownloadError, match="oväntad sökväg"):
        download.unpack_zip(archive, tmp_path / "models", KEY)


def test_cli_status_and_offline_download(tmp_path: Path, monkeypatch, capsys) -> None:
    from assistant.cli import main

    monkeypatch.setenv("HANDLA_MODELS_DIR", str(tmp_path / "models"))
    assert main(["models", "status"]) == 1
    assert "vosk-model-small-sv-rhasspy-0.15: saknas" in capsys.readouterr().out
    assert main(["models", "download", "--from", str(tmp_path / "nowhere")]) == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["models", "download", "--from", str(empty)]) == 1
    assert "finns inte i" in capsys.readouterr().err
