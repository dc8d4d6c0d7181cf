"""A volunteer's take, as the phone's browser made it, turned into the stored recording with ffmpeg.

Browsers record what they can (webm/Opus in Chromium, mp4/AAC on Safari), at the phone's own level,
with a breath of silence before the first word and after the last. A reader on a cheap phone's speaker
should hear every section at the same loudness and start hearing words at once, so each take is made
mono, loudness-normalised (EBU R128 ``loudnorm``) and trimmed of silence at both ends
(``silenceremove``, the end found by reversing), then encoded as Opus in Ogg at a speech bit rate,
in 60 ms packets: the WebM copy the site serves (``served.py``) spends bytes on every packet, and
packets three times as long make it about 5 % smaller, so a reader's recordings pack costs less data.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

OPUS_BITRATE_KBPS = 24
OPUS_FRAME_MS = 60  # the longest Opus allows; 20 ms (the default) made the served WebM 5 % bigger
OPUS_SAMPLE_RATE_HZ = 48_000  # the rate Opus works at; anything else is resampled by the decoder
LOUDNESS_TARGET_LUFS = -16  # speech on a phone speaker (EBU R128's -23 is for broadcast)
TRUE_PEAK_DBTP = -1.5
SILENCE_THRESHOLD_DB = -45  # quieter than this at an end is silence (a phone's room noise sits near -60)
SILENCE_KEPT_SECONDS = 0.25  # kept each side of the words, so speech does not start abruptly
FFMPEG_TIMEOUT_SECONDS = 120
MIN_SPEECH_SECONDS = 0.3  # less than this after trimming: nothing was said

TRIM_START = (
    f"silenceremove=start_periods=1:start_threshold={SILENCE_THRESHOLD_DB}dB"
    f":start_silence={SILENCE_KEPT_SECONDS}"
)
# silenceremove trims only the start reliably; reversing twice trims the end the same way.
AUDIO_FILTER = ",".join(
    (
        TRIM_START,
        "areverse",
        TRIM_START,
        "areverse",
        f"loudnorm=I={LOUDNESS_TARGET_LUFS}:TP={TRUE_PEAK_DBTP}:LRA=11",
    )
)


class NotAudio(Exception):
    """A take ffmpeg cannot read as sound, or in which nothing was said."""


def convert_take(source: Path, target: Path) -> float:
    """Write ``source`` as the stored Opus-in-Ogg recording at ``target``; return its length in seconds.

    Raises ``NotAudio`` when ffmpeg finds no sound in it (a photo, a text file, a broken download)
    or when nothing but silence was recorded.
    """
    command = [
        "ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
        "-i", str(source),
        "-map", "0:a:0",  # the first sound stream only: fails when there is none
        "-vn", "-sn", "-dn", "-map_metadata", "-1",  # nothing of the phone's own metadata is kept
        "-ac", "1", "-af", AUDIO_FILTER, "-ar", str(OPUS_SAMPLE_RATE_HZ),
        "-c:a", "libopus", "-b:a", f"{OPUS_BITRATE_KBPS}k", "-application", "voip",
        "-frame_duration", str(OPUS_FRAME_MS),
        "-f", "ogg", str(target),
    ]  # fmt: skip
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=FFMPEG_TIMEOUT_SECONDS, check=False
    )
    if result.returncode != 0:
        target.unlink(missing_ok=True)
        first_line = (result.stderr.strip().splitlines() or ["no sound in it"])[-1]
        raise NotAudio(f"not audio ffmpeg can read ({first_line})")
    seconds = duration_seconds(target)
    if seconds < MIN_SPEECH_SECONDS:
        target.unlink(missing_ok=True)
        raise NotAudio("nothing but silence was recorded")
    return seconds


def probe(path: Path) -> dict:
    """Return what ffprobe reads of a file: its streams and container, as JSON (empty when unreadable)."""
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)],
        capture_output=True,
        text=True,
        timeout=FFMPEG_TIMEOUT_SECONDS,
        check=False,
    )
    try:
        return json.loads(result.stdout)
    except json.JSONDecodeError:
        return {}


def duration_seconds(path: Path) -> float:
    """Return the length of an audio file as ffprobe reads it (0 when it has none)."""
    try:
        return float(probe(path)["format"]["duration"])
    except (ValueError, KeyError, TypeError):
        return 0.0
