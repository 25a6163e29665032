"""A strict check of WebVTT captions, naming the line of each problem.

Why not webvtt-py: version 0.6 silently drops a cue whose timing line is malformed and accepts a cue
that ends before it starts, so a broken file would pass as a file with fewer captions. The subset
checked here is what browsers need to show captions: the ``WEBVTT`` header, cue timings in order, and
NOTE, STYLE and REGION blocks left alone.
"""

from __future__ import annotations

import re

TIMESTAMP = r"(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})"
TIMING = re.compile(rf"^{TIMESTAMP}[ \t]+-->[ \t]+{TIMESTAMP}(?:[ \t]+\S.*)?$")
HEADER = re.compile(r"^WEBVTT(?:[ \t].*)?$")
SKIPPED_BLOCKS = ("NOTE", "STYLE", "REGION")
TIMING_HINT = "a cue timing looks like 00:00:01.000 --> 00:00:04.500"
MAX_PROBLEMS = 10


def _seconds(hours: str | None, minutes: str, seconds: str, millis: str) -> float:
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis) / 1000


def _blocks(lines: list[str]) -> list[tuple[int, list[str]]]:
    """Blocks separated by blank lines, each with the number of its first line."""
    blocks, current, start = [], [], 0
    for number, line in enumerate(lines, start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            blocks.append((start, current))
            current = []
    if current:
        blocks.append((start, current))
    return blocks


def webvtt_problems(data: bytes, video_seconds: int) -> list[str]:
    """What is wrong with ``data`` as captions for a video of ``video_seconds``; empty when nothing is."""
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        return ["the captions are not UTF-8 text"]
    if "\x00" in text:
        return ["the captions contain a NUL character (is this a binary file?)"]
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not HEADER.match(lines[0]):
        return ["line 1: a WebVTT file starts with the line WEBVTT"]
    problems: list[str] = []
    cues, previous_start = 0, 0.0
    for start_line, block in _blocks(lines)[1:]:
        if block[0].split(" ")[0].split("\t")[0] in SKIPPED_BLOCKS:
            continue
        # A cue is an optional identifier line, then its timing line, then its text.
        index = 1 if "-->" not in block[0] and len(block) > 1 and "-->" in block[1] else 0
        timing_line = start_line + index
        match = TIMING.match(block[index])
        if match is None:
            problems.append(f"line {timing_line}: {TIMING_HINT}")
            continue
        start, end = _seconds(*match.groups()[:4]), _seconds(*match.groups()[4:])
        cues += 1
        if end <= start:
            problems.append(f"line {timing_line}: the cue ends before it starts")
        elif start < previous_start:
            problems.append(
                f"line {timing_line}: the cue starts before the one above it (keep them in order)"
            )
        elif end > video_seconds + 1:
            problems.append(f"line {timing_line}: the cue ends after the video does ({video_seconds} s)")
        previous_start = max(previous_start, start)
    if not cues and not problems:
        problems.append("the file has no captions (no cue timings such as 00:00:01.000 --> 00:00:04.500)")
    return problems[:MAX_PROBLEMS]
