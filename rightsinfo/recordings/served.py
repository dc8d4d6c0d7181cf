"""Recordings as readers get them: each stored Ogg Opus take copied into WebM once, by the build.

Chromium reads an Ogg file to its end (to learn its duration) before it plays, so on a 2G link a long
section waited for its whole file; WebM states the duration in its header and plays from its first
bytes. The Opus stream is copied, never re-encoded (no loss, and no encoder at build), and the muxer
writes nothing that changes between runs (``bitexact``: no date, no random ids), so two builds of the
same take write the same bytes. A served file is named by the take's bytes, this recipe and ffmpeg's
version: a new take, or an ffmpeg that muxes differently, gets a new name and so a new address, and a
file already placed is never made again.

A replaced take's file is removed once no build has served it for ``UNSERVED_KEPT_DAYS``: every build
touches the files it serves, so a file's time says when a build last served it. The month is for
phones still running an older version's worker, which may yet save the recordings that version
listed; no file the current build serves is ever older than the build.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import time
from pathlib import Path

from rightsinfo.content.problems import Problems

SERVED_SUFFIX = ".webm"
SERVED_MIMETYPE = "audio/webm"
SERVED_HASH_HEX_CHARS = 16
REMUX_OPTIONS = (
    "-map", "0:a:0", "-c:a", "copy",  # the Opus packets as stored: no re-encoding
    "-map_metadata", "-1", "-fflags", "+bitexact", "-f", "webm",  # the same bytes at every build
)  # fmt: skip
FFMPEG_TIMEOUT_SECONDS = 60
UNSERVED_KEPT_DAYS = 30
SECONDS_PER_DAY = 86_400


def muxer_version() -> str:
    """Return ffmpeg's version line, part of every served name: another ffmpeg may write other bytes."""
    result = subprocess.run(
        ["ffmpeg", "-version"], capture_output=True, text=True, timeout=FFMPEG_TIMEOUT_SECONDS, check=True
    )
    return result.stdout.partition("\n")[0]


def served_name(source: Path, muxer: str) -> str:
    """Return the hash that names a take's served file, so its address changes whenever its bytes may."""
    digest = hashlib.sha256(f"{muxer}\n{' '.join(REMUX_OPTIONS)}\n".encode())
    digest.update(source.read_bytes())
    return digest.hexdigest()[:SERVED_HASH_HEX_CHARS]


def remux(source: Path, target: Path) -> str | None:
    """Copy a take's Opus stream from Ogg into WebM at ``target``; return ffmpeg's complaint if it fails."""
    command = ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-i", str(source)]
    result = subprocess.run(
        [*command, *REMUX_OPTIONS, str(target)],
        capture_output=True,
        text=True,
        timeout=FFMPEG_TIMEOUT_SECONDS,
        check=False,
    )
    if result.returncode == 0:
        return None
    return (result.stderr.strip().splitlines() or [f"ffmpeg exited with {result.returncode}"])[-1]


class Placer:
    """Places playable takes in ``audio_dir`` as ``<hash>.webm``; a take that fails is a problem naming it."""

    def __init__(self, audio_dir: Path, problems: Problems):
        self.audio_dir, self.problems = audio_dir, problems
        self.muxer: str | None = None  # asked of ffmpeg once, and only when a take is to be placed

    def place(self, source: Path) -> tuple[str, int] | None:
        """Return the served file's hash and size, making it first if need be; None after a problem.

        Written beside its place and renamed in, so no reader ever gets half a file.
        """
        try:
            self.muxer = self.muxer or muxer_version()
        except (OSError, subprocess.SubprocessError) as error:
            self.problems.add(source, f"ffmpeg is needed to serve it ({error}; see system-packages.txt)")
            return None
        digest = served_name(source, self.muxer)
        target = self.audio_dir / f"{digest}{SERVED_SUFFIX}"
        if not target.exists():
            self.audio_dir.mkdir(parents=True, exist_ok=True)
            partial = self.audio_dir / f".{digest}.{os.getpid()}{SERVED_SUFFIX}"
            complaint = remux(source, partial)
            if complaint:
                partial.unlink(missing_ok=True)
                self.problems.add(source, f"cannot be copied into WebM for serving ({complaint})")
                return None
            os.replace(partial, target)
        else:
            os.utime(target)  # served by this build: kept while builds keep serving it
        return digest, target.stat().st_size


def remove_unserved(audio_dir: Path) -> list[Path]:
    """Delete the files no build has served (or tried to) for UNSERVED_KEPT_DAYS; return them."""
    oldest = time.time() - UNSERVED_KEPT_DAYS * SECONDS_PER_DAY
    removed = []
    for path in audio_dir.glob(f"*{SERVED_SUFFIX}"):  # half-written ".name.pid.webm" files too
        if path.stat().st_mtime < oldest:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed
