"""Voice in and out (Vosk speech recognition, Piper speech synthesis)."""
