"""The transcript beside a lesson's video, read from its WebVTT captions file.

Rendered on the server, so it is there without JavaScript, for search in the page, and for anyone who
would rather read than watch. Only the cue text is kept: tags such as ``<v Speaker>`` are dropped and the
text is escaped by the template like any other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from coursehub.content.models import Lesson

TIMING = re.compile(r"^(?:(\d+):)?(\d{2}):(\d{2})[.,](\d{3})\s+-->\s+")
TAG = re.compile(r"<[^>]*>")
MAX_BYTES = 2 * 1024 * 1024  # a transcript longer than this is not a captions file


@dataclass(frozen=True)
class Cue:
    start_seconds: int
    text: str

    @property
    def clock(self) -> str:
        minutes, seconds = divmod(self.start_seconds, 60)
        return f"{minutes}:{seconds:02d}"


def parse_vtt(text: str) -> list[Cue]:
    """The cues in order; identifiers, NOTE and STYLE blocks and malformed blocks are skipped."""
    cues = []
    for block in re.split(r"\r?\n\s*\r?\n", text.lstrip("\ufeff")):
        lines = block.strip().splitlines()
        timing = next((i for i, line in enumerate(lines) if TIMING.match(line)), None)
        if timing is None:
            continue
        hours, minutes, seconds, _millis = TIMING.match(lines[timing]).groups()
        words = " ".join(TAG.sub("", line).strip() for line in lines[timing + 1 :]).strip()
        if words:
            cues.append(Cue(int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds), words))
    return cues


def transcript(lesson: Lesson) -> list[Cue]:
    """The lesson's cues, or [] when it has no captions file (or the file can't be read)."""
    if not lesson.captions_ref:
        return []
    root = Path(current_app.config["VIDEO_ROOT"]).resolve()
    path = (root / lesson.captions_ref).resolve()
    if not path.is_relative_to(root) or not path.is_file() or path.stat().st_size > MAX_BYTES:
        return []
    try:
        return parse_vtt(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return []
