"""The voice WebSocket: microphone PCM in, live text out, spoken answers streamed back.

Protocol (JSON text messages, binary audio):
  client → {"type": "start", "sample_rate": 16000, "channels": 1, "length_scale": 1.2,
            "client_id": 7, "end_silence_ms": 300}   (quiet that ends an utterance; 700 if left out)
           binary frames of 16 kHz mono signed 16-bit little-endian PCM (a leading WAV header
           is accepted and checked); the microphone may stay open for many utterances
           {"type": "stop"}                 push-to-talk released: finish the utterance
           {"type": "say", "text": "..."}   speak this answer (the page got it from the chat)
  server → {"type": "ready", "mode": "grammar"|"free"}
           {"type": "partial", "text"}, {"type": "final", "text"} (speech style: `as_spoken`)
           {"type": "speaking", "text"}, one binary WAV per sentence,
           {"type": "audio_end", "stopped": false|true}
           {"type": "error", "message": Swedish text}

The dialogue itself is not here: the page sends the final text through the chat endpoint (the
one way a turn is taken, with the picture cards and the basket), then asks for the answer to be
spoken with "say". Speaking runs beside listening: when the recogniser hears words while an
answer is being spoken (barge-in), or a new "start" or "say" comes, the answer stops
("audio_end" with "stopped": true) and no more of it is sent.
Audio lives only in memory; nothing is written to disk (except debug recordings, see web.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect, params
from starlette.concurrency import run_in_threadpool

from assistant.voice.engines import LazyEngines, VoiceEngines
from assistant.voice.speech_text import as_spoken
from assistant.voice.stt import (
    PREROLL_MS,
    TRAILING_SILENCE_MS,
    AudioFormatError,
    Recognizer,
    SttEvent,
)
from assistant.voice.tts import DEFAULT_LENGTH_SCALE, clamp_length_scale
from assistant.voice.wav_header import check_format, is_wav, split_wav

log = logging.getLogger(__name__)

MAX_FRAME_BYTES = 256 * 1024  # 8 s of audio in one frame is already far more than a worklet sends
MAX_UTTERANCE_BYTES = 60 * 16_000 * 2  # one minute of speech per utterance
_DONE = object()
_SYNTHESIS = threading.Lock()  # one Piper synthesis at a time (a stopped one finishes its sentence)

Recorder = Callable[[WebSocket, dict[str, Any], bytes], None]
Authorize = Callable[[WebSocket], str | None]


class _ClientError(Exception):
    """A problem the client caused; its message (Swedish) is sent back and the socket stays."""


class _Session:
    """One connection's state: the recogniser of the current utterance, client settings and the
    answer being spoken."""

    def __init__(self, engines: VoiceEngines, recorder: Recorder | None = None) -> None:
        self.engines = engines
        self.recorder = recorder
        self.recognizer: Recognizer | None = None
        self.fresh = True  # the next binary frame is the first of a stream
        self.received = 0
        self.length_scale = DEFAULT_LENGTH_SCALE
        self.last_partial = ""
        self.start: dict[str, Any] = {}
        self.audio = bytearray()  # this utterance, in memory; kept only if a recorder saves it
        self.speaking: asyncio.Task[None] | None = None

    def next_utterance(self) -> None:
        self.received, self.last_partial, self.audio = 0, "", bytearray()

    def hush(self) -> asyncio.Task[None] | None:
        """Stop the answer being spoken (its task tells the page with audio_end stopped);
        returns that task, which ends once the sentence in synthesis is done."""
        stopped, self.speaking = self.speaking, None
        if stopped is not None and not stopped.done():
            stopped.cancel()
        return stopped


def voice_router(
    engines: Callable[[], VoiceEngines],
    authorize: Authorize | None = None,
    recorder: Recorder | None = None,
    status_dependencies: Sequence[params.Depends] = (),
) -> APIRouter:
    """`engines()` loads the models, or hands back those loaded already (`LazyEngines`).

    `authorize(websocket)` returns why a connection is refused (a Swedish message), or None;
    it runs in a worker thread when the socket opens and again before each control message, so
    a session that ends (logout, a deactivated account) ends the socket's use too.
    `recorder(websocket, start_message, pcm)` sees each finished utterance (debug recording).
    `status_dependencies` guard GET /voice/status (the app's: a logged-in staff member).
    """
    router = APIRouter()
    get_engines = engines if isinstance(engines, LazyEngines) else LazyEngines(engines)

    @router.get("/voice/status", dependencies=list(status_dependencies))
    async def status() -> dict[str, Any]:
        return (await run_in_threadpool(get_engines)).status()

    @router.websocket("/voice/ws")
    async def voice_socket(websocket: WebSocket) -> None:
        await websocket.accept()
        session: _Session | None = None
        try:
            if not await _authorized(websocket, authorize):
                return
            current = await run_in_threadpool(get_engines)
            if not current.available:
                await _error(websocket, current.reason)
                await websocket.close(code=1000)
                return
            await websocket.send_json({"type": "ready", "mode": current.mode})
            session = _Session(current, recorder)
            await _serve(websocket, session, authorize)
        except WebSocketDisconnect:
            pass  # the client went away, possibly mid-utterance: nothing to clean up but memory
        except RuntimeError as error:  # sending on a socket that closed meanwhile
            log.debug("voice socket closed while sending: %s", error)
        finally:
            if session is not None:
                session.hush()

    return router


async def _authorized(websocket: WebSocket, authorize: Authorize | None) -> bool:
    """False (after telling the page why and closing) when `authorize` refuses."""
    if authorize is None:
        return True
    refusal = await run_in_threadpool(authorize, websocket)
    if refusal is None:
        return True
    await _error(websocket, refusal)
    await websocket.close(code=1008)  # policy violation
    return False


async def _serve(websocket: WebSocket, session: _Session, authorize: Authorize | None) -> None:
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return
        if message.get("text") is not None and not await _authorized(websocket, authorize):
            return
        try:
            if message.get("bytes") is not None:
                await _on_audio(websocket, session, message["bytes"])
            else:
                await _on_control(websocket, session, message.get("text") or "")
        except (_ClientError, AudioFormatError) as error:
            session.recognizer = None
            await _error(websocket, str(error))


async def _on_control(websocket: WebSocket, session: _Session, raw: str) -> None:
    try:
        message = json.loads(raw)
    except ValueError:
        raise _ClientError("Meddelandet gick inte att läsa (ogiltig JSON).") from None
    kind = message.get("type") if isinstance(message, dict) else None
    if kind == "start":
        session.hush()  # the client taps to talk: the answer stops at once
        await run_in_threadpool(_start, session, message)
    elif kind == "stop":
        if session.recognizer is None:
            raise _ClientError("Ingen inspelning pågår.")
        event = await run_in_threadpool(session.recognizer.finish)
        session.recognizer = None
        await _final(websocket, session, event)
    elif kind == "say":
        text = message.get("text")
        if not isinstance(text, str) or not text.strip():
            raise _ClientError("Texten är tom.")
        stopped = session.hush()  # a newer answer replaces one still being spoken
        session.speaking = asyncio.create_task(_speak(websocket, session, text.strip(), stopped))
    else:
        raise _ClientError("Okänt meddelande.")


def _start(session: _Session, message: dict[str, Any]) -> None:
    try:
        rate = int(message.get("sample_rate", 16_000))
        channels = int(message.get("channels", 1))
        scale = float(message.get("length_scale", session.length_scale))
        silence = int(message.get("end_silence_ms", TRAILING_SILENCE_MS))
    except (TypeError, ValueError):
        raise _ClientError("Startmeddelandet har ogiltiga värden.") from None
    speech = session.engines.speech
    assert speech is not None  # the socket is refused while voice is off
    session.recognizer = Recognizer(
        speech,
        rate,
        channels,
        words=session.engines.grammar,
        trailing_silence_ms=silence,
    )
    session.length_scale = clamp_length_scale(scale)
    session.fresh = True
    session.start = message
    session.next_utterance()


async def _on_audio(websocket: WebSocket, session: _Session, data: bytes) -> None:
    if session.recognizer is None:
        raise _ClientError("Skicka ett startmeddelande innan ljudet.")
    if len(data) > MAX_FRAME_BYTES:
        raise _ClientError("Ljudpaketet är för stort.")
    if session.fresh and is_wav(data):
        fmt, data = split_wav(data)
        check_format(fmt)
    session.fresh = False
    session.received += len(data)
    if session.received > MAX_UTTERANCE_BYTES:
        raise _ClientError("Inspelningen är för lång (högst en minut). Försök igen.")
    session.audio += data
    event = await run_in_threadpool(session.recognizer.feed, data)
    if event.kind == "partial":
        if event.text and session.speaking is not None:
            session.hush()  # barge-in: the client talks, the answer stops
        if event.text != session.last_partial:
            session.last_partial = event.text
            await websocket.send_json({"type": "partial", "text": event.text})
        if not session.recognizer.active:  # only quiet so far: keep no more than the pre-roll
            del session.audio[: -PREROLL_MS * 32]
            session.received = len(session.audio)
    elif as_spoken(event.text):  # end of speech with words: the utterance is done, keep listening
        await _final(websocket, session, event)
    else:  # the recogniser closed a stretch of silence (or noise): nothing to say or keep
        session.next_utterance()


async def _final(websocket: WebSocket, session: _Session, event: SttEvent) -> None:
    await websocket.send_json({"type": "final", "text": as_spoken(event.text)})
    audio = bytes(session.audio)
    session.next_utterance()
    if session.recorder is not None and audio:
        try:
            await run_in_threadpool(session.recorder, websocket, session.start, audio)
        except Exception:  # a debug aid must never break speaking
            log.exception("debug recording failed")


def _next_chunk(chunks: Iterator[bytes]) -> object:
    with _SYNTHESIS:
        return next(chunks, _DONE)


async def _speak(
    websocket: WebSocket, session: _Session, answer: str, after: asyncio.Task[None] | None = None
) -> None:
    """One WAV per sentence, each sent as soon as it is synthesised, then audio_end; `after`
    (a stopped answer) ends first, so the page sees its audio_end before this one starts."""
    with contextlib.suppress(RuntimeError, WebSocketDisconnect):  # the socket closed meanwhile
        try:
            if after is not None:
                await asyncio.wait([after])
            await websocket.send_json({"type": "speaking", "text": answer})
            synthesizer = session.engines.synthesizer
            assert synthesizer is not None  # the socket is refused while voice is off
            chunks = synthesizer.stream_wav(answer, session.length_scale)
            while True:
                try:
                    chunk = await run_in_threadpool(_next_chunk, chunks)
                except Exception:
                    log.exception("voice synthesis failed")
                    await _error(websocket, "Svaret kunde inte läsas upp. Det står i texten.")
                    return
                if not isinstance(chunk, bytes):  # _DONE
                    break
                await websocket.send_bytes(chunk)
            await websocket.send_json({"type": "audio_end", "stopped": False})
        except asyncio.CancelledError:
            await websocket.send_json({"type": "audio_end", "stopped": True})
            raise


async def _error(websocket: WebSocket, message: str) -> None:
    await websocket.send_json({"type": "error", "message": message})
