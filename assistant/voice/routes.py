"""The voice WebSocket: microphone PCM in, live text out, the spoken reply streamed back.

Protocol (JSON text messages, binary audio):
  client → {"type": "start", "sample_rate": 16000, "channels": 1, "length_scale": 1.2,
            "confirm": false}
           binary frames of 16 kHz mono signed 16-bit little-endian PCM (a leading WAV header
           is accepted and checked)
           {"type": "stop"}                 push-to-talk released: finish the utterance
           {"type": "text", "text": "..."}  text corrected/confirmed by staff: reply to it
           {"type": "say", "text": "..."}   speak this text (a reply the page got elsewhere)
  server → {"type": "ready", "mode": "grammar"|"free"}
           {"type": "partial", "text"}, {"type": "final", "text"},
           {"type": "reply", "text"}, one binary WAV per sentence, {"type": "audio_end"}
           {"type": "error", "message": Swedish text}
With "confirm": true the final text waits for a "text" message (staff correct it first).
The web app passes no `reply`: the page sends the final text through the chat endpoint (which
also returns the picture cards) and asks for the answer to be spoken with "say".
Audio lives only in memory; nothing is written to disk.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from starlette.concurrency import run_in_threadpool

from assistant.voice.engines import VoiceEngines
from assistant.voice.stt import AudioFormatError, Recognizer, SttEvent
from assistant.voice.tts import DEFAULT_LENGTH_SCALE, clamp_length_scale
from assistant.voice.wav_header import check_format, is_wav, split_wav

log = logging.getLogger(__name__)

MAX_FRAME_BYTES = 256 * 1024  # 8 s of audio in one frame is already far more than a worklet sends
MAX_UTTERANCE_BYTES = 60 * 16_000 * 2  # one minute of speech per utterance
_DONE = object()


class _ClientError(Exception):
    """A problem the client caused; its message (Swedish) is sent back and the socket stays."""


class _Session:
    """One connection's state: the recogniser of the current utterance and client settings."""

    def __init__(self, engines: VoiceEngines, recorder: Recorder | None = None) -> None:
        self.engines = engines
        self.recorder = recorder
        self.recognizer: Recognizer | None = None
        self.fresh = True  # the next binary frame is the first of an utterance
        self.received = 0
        self.length_scale = DEFAULT_LENGTH_SCALE
        self.confirm = False
        self.last_partial = ""
        self.start: dict = {}
        self.audio = bytearray()  # this utterance, in memory; kept only if a recorder saves it


Recorder = Callable[[WebSocket, dict, bytes], None]
Authorize = Callable[[WebSocket], str | None]


def voice_router(
    reply: Callable[[str], str] | None,
    engines: Callable[[], VoiceEngines],
    authorize: Authorize | None = None,
    recorder: Recorder | None = None,
) -> APIRouter:
    """`reply(text) -> str` is the dialogue (None: only "say" speaks); `engines()` loads the
    models (called once, lazily).

    `authorize(websocket)` returns why a connection is refused (a Swedish message), or None;
    it runs in a worker thread when the socket opens and again before each control message, so
    a session that ends (logout, a deactivated account) ends the socket's use too.
    `recorder(websocket, start_message, pcm)` sees each finished utterance (debug recording).
    """
    router = APIRouter()
    loaded: list[VoiceEngines] = []
    lock = threading.Lock()

    def get_engines() -> VoiceEngines:
        with lock:
            if not loaded:
                loaded.append(engines())
            return loaded[0]

    @router.get("/voice/status")
    async def status() -> dict:
        return (await run_in_threadpool(get_engines)).status()

    @router.websocket("/voice/ws")
    async def voice_socket(websocket: WebSocket) -> None:
        await websocket.accept()
        try:
            if not await _authorized(websocket, authorize):
                return
            current = await run_in_threadpool(get_engines)
            if not current.available:
                await _error(websocket, current.reason)
                await websocket.close(code=1000)
                return
            await websocket.send_json({"type": "ready", "mode": current.mode})
            await _serve(websocket, _Session(current, recorder), reply, authorize)
        except WebSocketDisconnect:
            pass  # the client went away, possibly mid-utterance: nothing to clean up but memory
        except RuntimeError as error:  # sending on a socket that closed meanwhile
            log.debug("voice socket closed while sending: %s", error)

    return router


Reply = Callable[[str], str] | None


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


async def _serve(
    websocket: WebSocket, session: _Session, reply: Reply, authorize: Authorize | None
) -> None:
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return
        if message.get("text") is not None and not await _authorized(websocket, authorize):
            return
        try:
            if message.get("bytes") is not None:
                await _on_audio(websocket, session, message["bytes"], reply)
            else:
                await _on_control(websocket, session, message.get("text") or "", reply)
        except (_ClientError, AudioFormatError) as error:
            session.recognizer = None
            await _error(websocket, str(error))


async def _on_control(websocket: WebSocket, session: _Session, raw: str, reply: Reply) -> None:
    try:
        message = json.loads(raw)
    except ValueError:
        raise _ClientError("Meddelandet gick inte att läsa (ogiltig JSON).") from None
    kind = message.get("type") if isinstance(message, dict) else None
    if kind == "start":
        await run_in_threadpool(_start, session, message)
    elif kind == "stop":
        if session.recognizer is None:
            raise _ClientError("Ingen inspelning pågår.")
        event = await run_in_threadpool(session.recognizer.finish)
        session.recognizer = None
        await _final(websocket, session, event, reply)
    elif kind in ("text", "say"):
        text = message.get("text")
        if not isinstance(text, str) or not text.strip():
            raise _ClientError("Texten är tom.")
        if kind == "say":
            await websocket.send_json({"type": "reply", "text": text.strip()})
            await _speak(websocket, session, text.strip())
        elif reply is None:
            raise _ClientError("Skicka texten till chatten; här läses bara svar upp.")
        else:
            await _answer(websocket, session, text.strip(), reply)
    else:
        raise _ClientError("Okänt meddelande.")


def _start(session: _Session, message: dict) -> None:
    try:
        rate = int(message.get("sample_rate", 16_000))
        channels = int(message.get("channels", 1))
        scale = float(message.get("length_scale", session.length_scale))
    except (TypeError, ValueError):
        raise _ClientError("Startmeddelandet har ogiltiga värden.") from None
    session.recognizer = Recognizer(
        session.engines.speech, rate, channels, words=session.engines.grammar
    )
    session.length_scale = clamp_length_scale(scale)
    session.confirm = bool(message.get("confirm", False))
    session.fresh, session.received, session.last_partial = True, 0, ""
    session.start, session.audio = message, bytearray()


async def _on_audio(websocket: WebSocket, session: _Session, data: bytes, reply: Reply) -> None:
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
        if event.text != session.last_partial:
            session.last_partial = event.text
            await websocket.send_json({"type": "partial", "text": event.text})
    elif event.text:  # end of speech with words: this utterance is done, keep listening
        session.last_partial = ""
        await _final(websocket, session, event, reply)


async def _final(websocket: WebSocket, session: _Session, event: SttEvent, reply: Reply) -> None:
    await websocket.send_json({"type": "final", "text": event.text})
    audio, session.audio = bytes(session.audio), bytearray()
    if session.recorder is not None and audio:
        try:
            await run_in_threadpool(session.recorder, websocket, session.start, audio)
        except Exception:  # a debug aid must never break speaking
            log.exception("debug recording failed")
    if event.text and not session.confirm and reply is not None:
        await _answer(websocket, session, event.text, reply)


async def _answer(
    websocket: WebSocket, session: _Session, text: str, reply: Callable[[str], str]
) -> None:
    """Reply text first (shown at once), then one WAV per sentence as soon as each is ready."""
    try:
        answer = await run_in_threadpool(reply, text)
    except Exception:
        log.exception("voice reply failed")
        raise _ClientError("Assistenten kunde inte svara just nu. Försök igen.") from None
    await websocket.send_json({"type": "reply", "text": answer})
    await _speak(websocket, session, answer)


async def _speak(websocket: WebSocket, session: _Session, answer: str) -> None:
    """One WAV per sentence, each sent as soon as it is synthesised, then audio_end."""
    synthesizer = session.engines.synthesizer
    chunks = synthesizer.stream_wav(answer, session.length_scale)
    while True:
        try:
            chunk = await run_in_threadpool(next, chunks, _DONE)
        except Exception:
            log.exception("voice synthesis failed")
            raise _ClientError("Svaret kunde inte läsas upp. Det står i texten.") from None
        if chunk is _DONE:
            break
        await websocket.send_bytes(chunk)
    await websocket.send_json({"type": "audio_end"})


async def _error(websocket: WebSocket, message: str) -> None:
    await websocket.send_json({"type": "error", "message": message})
