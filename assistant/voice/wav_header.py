"""Recognise a WAV header at the start of a client's audio stream and check its format."""

from __future__ import annotations

import struct
from dataclasses import dataclass

from assistant.voice.stt import AudioFormatError


@dataclass(frozen=True)
class WavFormat:
    sample_rate: int
    channels: int
    bits: int


def is_wav(data: bytes) -> bool:
    return data[:4] == b"RIFF"


def split_wav(data: bytes) -> tuple[WavFormat, bytes]:
    """The format from the 'fmt ' chunk and the samples after the 'data' chunk header.

    The data chunk may be truncated (a stream cut short); its samples are returned as they are.
    """
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise AudioFormatError("Ljudet är ingen giltig WAV-fil.")
    pos, fmt = 12, None
    while pos + 8 <= len(data):
        chunk_id, size = data[pos : pos + 4], struct.unpack_from("<I", data, pos + 4)[0]
        body = pos + 8
        if chunk_id == b"fmt " and size >= 16 and body + 16 <= len(data):
            tag, channels, rate, _, _, bits = struct.unpack_from("<HHIIHH", data, body)
            if tag != 1:  # only plain PCM
                raise AudioFormatError("Ljudet måste vara okomprimerad PCM.")
            fmt = WavFormat(rate, channels, bits)
        elif chunk_id == b"data":
            if fmt is None:
                break
            return fmt, data[body:]
        pos = body + size + size % 2
    raise AudioFormatError("WAV-huvudet är ofullständigt eller saknar ljuddata.")


def check_format(fmt: WavFormat) -> None:
    if fmt.sample_rate != 16_000 or fmt.channels != 1 or fmt.bits != 16:
        raise AudioFormatError(
            f"Ljudet måste vara 16 kHz mono med 16 bitar (fick {fmt.sample_rate} Hz, "
            f"{fmt.channels} kanaler, {fmt.bits} bitar)."
        )
