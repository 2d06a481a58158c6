"""Getting the Swedish models onto a machine: download with resume and a progress bar, or copy
from a folder (a USB stick) on a machine without internet; every file checked against its
pinned size and md5 before it is used; the Vosk zip unpacked into the models folder."""

from __future__ import annotations

import hashlib
import logging
import shutil
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import httpx

from assistant.voice.registry import ModelFile, ModelSpec, is_present

log = logging.getLogger(__name__)

CHUNK = 1 << 20
Progress = Callable[[str, int, int | None], None]


class DownloadError(Exception):
    """A Swedish message: what went wrong and what to do."""


def md5_of(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as stream:
        while block := stream.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def terminal_progress(name: str, done: int, total: int | None) -> None:
    """A one-line progress bar on a terminal; nothing when output is redirected."""
    if not sys.stderr.isatty():
        return
    megabytes = done / 1e6
    if total:
        filled = int(30 * done / total)
        bar = "#" * filled + "-" * (30 - filled)
        line = f"\r{name} [{bar}] {megabytes:6.1f} / {total / 1e6:.1f} MB"
    else:
        line = f"\r{name} {megabytes:6.1f} MB"
    print(line, end="" if done != total else "\n", file=sys.stderr, flush=True)


def verify(path: Path, file: ModelFile) -> None:
    """Size and md5 as pinned; a file that does not match is removed."""
    if file.size is not None and path.stat().st_size != file.size:
        found = path.stat().st_size
        path.unlink()
        raise DownloadError(
            f"{file.name}: fel storlek ({found} byte, väntade {file.size}). Filen togs bort; "
            "försök igen."
        )
    if file.md5 is not None and (digest := md5_of(path)) != file.md5:
        path.unlink()
        raise DownloadError(
            f"{file.name}: kontrollsumman stämmer inte (md5 {digest}, väntade {file.md5}). "
            "Filen togs bort; försök igen eller hämta den från en annan källa."
        )


def fetch(file: ModelFile, target: Path, progress: Progress = terminal_progress) -> Path:
    """Download `file` to `target`, resuming a partial `target.part` with an HTTP Range."""
    if target.is_file():
        verify(target, file)
        return target
    part = target.with_name(target.name + ".part")
    log.info("downloading %s to %s", file.url, target)
    start = part.stat().st_size if part.is_file() else 0
    headers = {"Range": f"bytes={start}-"} if start else {}
    try:
        with httpx.stream(
            "GET",
            file.url,
            headers=headers,
            follow_redirects=True,
            timeout=httpx.Timeout(30.0, read=120.0),
        ) as response:
            if response.status_code == 416 and file.size == start:
                pass  # the part file is already complete
            elif response.status_code not in (200, 206):
                raise DownloadError(f"{file.name}: servern svarade {response.status_code}.")
            else:
                if response.status_code == 200:
                    start = 0  # the server ignored the Range: start over
                total = file.size or _total(response, start)
                done = start
                with part.open("ab" if start else "wb") as out:
                    for block in response.iter_bytes():  # as received, so a cut keeps what came
                        out.write(block)
                        done += len(block)
                        progress(file.name, done, total)
    except httpx.HTTPError as error:
        raise DownloadError(
            f"{file.name}: hämtningen avbröts ({error}). Kör kommandot igen; det fortsätter "
            "där det slutade."
        ) from None
    part.replace(target)
    verify(target, file)
    return target


def _total(response: httpx.Response, start: int) -> int | None:
    length = response.headers.get("content-length")
    return start + int(length) if length and length.isdigit() else None


def copy_from(file: ModelFile, source: Path, target: Path) -> Path:
    """Take `file` from a folder (e.g. a USB stick) instead of the internet."""
    found = source / file.name
    if not found.is_file():
        raise DownloadError(f"{file.name} finns inte i {source}.")
    shutil.copyfile(found, target)
    verify(target, file)
    return target


def unpack_zip(archive: Path, models_dir: Path, key: str) -> None:
    """Unpack a Vosk zip whose files sit under one folder named `key`, refusing odd paths."""
    with zipfile.ZipFile(archive) as zipped:
        for member in zipped.namelist():
            parts = Path(member).parts
            if not parts or parts[0] != key or ".." in parts or Path(member).is_absolute():
                raise DownloadError(f"{archive.name}: oväntad sökväg i arkivet ({member}).")
        staging = models_dir / f".{key}.unpacking"
        shutil.rmtree(staging, ignore_errors=True)
        zipped.extractall(staging)
    shutil.rmtree(models_dir / key, ignore_errors=True)
    (staging / key).replace(models_dir / key)
    shutil.rmtree(staging, ignore_errors=True)


def install(
    spec: ModelSpec,
    models_dir: Path,
    source: Path | None = None,
    progress: Progress = terminal_progress,
) -> list[str]:
    """Put one model in place; returns notes (e.g. the md5 of an unpinned file)."""
    if is_present(spec, models_dir):
        return [f"{spec.key}: finns redan"]
    models_dir.mkdir(parents=True, exist_ok=True)
    downloads = models_dir / ".downloads"
    downloads.mkdir(exist_ok=True)
    notes = []
    for file in spec.files:
        target = downloads / file.name
        if source is not None:
            copy_from(file, source, target)
        else:
            fetch(file, target, progress)
        if file.md5 is None:
            notes.append(f"{file.name}: md5 {md5_of(target)} (jämför med voices.json)")
    if spec.kind == "vosk":
        unpack_zip(downloads / spec.files[0].name, models_dir, spec.key)
        (downloads / spec.files[0].name).unlink()
    else:
        for file in spec.files:
            (downloads / file.name).replace(models_dir / file.name)
    notes.append(f"{spec.key}: installerad")
    return notes
