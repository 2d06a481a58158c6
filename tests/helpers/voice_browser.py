"""Chromium with its fake microphone on the client page, for the browser voice tests and
bench/voice.py: a microphone track of Swedish espeak-ng speech with pauses, the Chromium flags,
and a probe that records, in the page's own clock, what the voice loop does.

The probe only observes (it wraps WebSocket, fetch, the AudioWorklet's port and audio playback);
the page runs unchanged. `window.voiceProbe.events` holds {t, kind, ...} with t from
performance.now():
  speech_start / speech_end   the microphone's first loud 10 ms after a second of quiet, and
               its last loud 10 ms before one (`at`: as the page gets it from the worklet)
  partial      the first partial text of an utterance; final (text); speaking; chunk (a WAV
               arrived); audio_end (stopped)
  chat_sent (text) / chat_answer   the page's POST to the chat and its answer
  play         an answer's audio chunk starts playing (its scheduled start in the page's clock)
  stop         playback stopped before its end (barge-in)
"""

from __future__ import annotations

import io
import subprocess
import tempfile
import wave
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from tests.helpers.browser import chromium_page, log_in  # noqa: F401 (used by the voice tests)

RATE = 48_000  # what a real microphone gives; the page's worklet brings it down to 16 kHz
QUIET_RMS = 300.0  # as the server's end-of-speech detection (assistant.voice.stt)

PROBE = """
(() => {
  const events = [];
  const probe = { events, stops: 0 };
  window.voiceProbe = probe;
  const now = () => performance.now();
  const note = (kind, extra = {}) => events.push({ t: now(), kind, ...extra });

  let talking = false;
  const NativeSocket = window.WebSocket;
  window.WebSocket = class extends NativeSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (event) => {
        if (typeof event.data !== "string") { note("chunk"); return; }
        const message = JSON.parse(event.data);
        if (message.type === "partial") {
          if (message.text && !talking) note("partial", { text: message.text });
          talking = Boolean(message.text);
        } else if (message.type === "final") {
          talking = false;
          note("final", { text: message.text });
        } else if (message.type === "speaking") {
          note("speaking", { text: message.text });
        } else if (message.type === "audio_end") {
          note("audio_end", { stopped: message.stopped });
        }
      });
    }
  };

  const nativeFetch = window.fetch.bind(window);
  window.fetch = async (input, init) => {
    const url = typeof input === "string" ? input : input.url;
    const chat = /\\/clients\\/\\d+\\/chat$/.test(url);
    if (chat) note("chat_sent", { text: JSON.parse(init.body).text || "" });
    const response = await nativeFetch(input, init);
    if (chat) note("chat_answer");
    return response;
  };

  const start = AudioBufferSourceNode.prototype.start;
  AudioBufferSourceNode.prototype.start = function (when = 0, ...rest) {
    const ahead = Math.max(0, when - this.context.currentTime) * 1000;
    note("play", { at: now() + ahead });
    return start.call(this, when, ...rest);
  };
  const stop = AudioBufferSourceNode.prototype.stop;
  AudioBufferSourceNode.prototype.stop = function (...args) {
    probe.stops += 1;
    note("stop");
    return stop.apply(this, args);
  };

  // the microphone as the page gets it: 16 kHz blocks from the worklet, each arriving when its
  // last sample is captured; a second of quiet after loud audio ends an utterance
  let lastLoud = null;
  const NativeNode = window.AudioWorkletNode;
  window.AudioWorkletNode = class extends NativeNode {
    constructor(...args) {
      super(...args);
      this.port.addEventListener("message", (event) => {
        const arrived = now();
        const samples = new Int16Array(event.data);
        for (let i = 0; i + 160 <= samples.length; i += 160) {
          let sum = 0;
          for (let j = i; j < i + 160; j++) sum += samples[j] * samples[j];
          const at = arrived - ((samples.length - i - 160) / 16);
          if (Math.sqrt(sum / 160) >= %(quiet)s) {
            if (lastLoud === null) note("speech_start", { at });
            lastLoud = at;
          } else if (lastLoud !== null && at - lastLoud > 1000) {
            note("speech_end", { at: lastLoud });
            lastLoud = null;
          }
        }
      });
    }
  };
})();
""".replace("%(quiet)s", str(QUIET_RMS))


def espeak(text: str, rate: int = RATE) -> np.ndarray:
    """Swedish speech from espeak-ng as 16-bit mono samples at `rate`."""
    with tempfile.TemporaryDirectory() as folder:
        raw, out = Path(folder) / "raw.wav", Path(folder) / "out.wav"
        subprocess.run(["espeak-ng", "-v", "sv", "-w", str(raw), text], check=True)
        subprocess.run(["sox", str(raw), "-r", str(rate), "-c", "1", "-b", "16", str(out)],
                       check=True)  # fmt: skip
        with wave.open(str(out)) as wav:
            return np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")


def microphone_track(
    texts: Sequence[str], pause: float, lead: float = 1.0, rate: int = RATE
) -> tuple[bytes, list[tuple[float, float]]]:
    """A WAV of the utterances with `pause` seconds of quiet after each (and `lead` before the
    first); returns it and each utterance's (start, end) of speech in seconds into the track."""
    parts, spans = [np.zeros(int(lead * rate), dtype="<i2")], []
    position = lead
    for text in texts:
        speech = espeak(text, rate)
        loud = np.flatnonzero(np.abs(speech) > 1000)
        spans.append((position + loud[0] / rate, position + (loud[-1] + 1) / rate))
        parts += [speech, np.zeros(int(pause * rate), dtype="<i2")]
        position += (len(speech) + int(pause * rate)) / rate
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(np.concatenate(parts).tobytes())
    return out.getvalue(), spans


def fake_microphone(track: Path) -> list[str]:
    """Chromium flags: `track` plays once as the microphone, permission granted."""
    return [
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={track}%noloop",
    ]
