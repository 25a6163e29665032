"""A lesson's video (MP4) and captions (WebVTT) uploaded in the studio, checked before anything is kept.

The upload is written to a hidden file inside the video root, checked there (the duration is read from
the MP4 itself with mutagen, never taken from the form), and only then moved over
``<course-slug>/<lesson-slug>.mp4`` (or ``.vtt``), the path the course files name. A file that fails a
check is deleted and the lesson row is not touched. The move is the last step before the request's
commit, so a failed commit can at worst leave the new file beside the old row under the same name.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from mutagen import MutagenError
from mutagen.mp4 import MP4, Atoms

from coursehub.authoring.lessons import record_media_change
from coursehub.content.captions import webvtt_problems
from coursehub.content.models import Lesson
from coursehub.content.revisions import LessonRevision

CHUNK = 1024 * 1024
MAX_CAPTIONS_BYTES = 512 * 1024


class UploadError(Exception):
    """The file can't be used; ``status`` is the HTTP code and the message says why."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def _ref(lesson: Lesson, extension: str) -> str:
    """Where the course files say this lesson's media lives (checked by the importer, too)."""
    return f"{lesson.course.slug}/{lesson.slug}.{extension}"


@contextmanager
def _staged(stream: IO[bytes], root: Path, limit: int) -> Iterator[Path]:
    """The upload copied to a hidden file in ``root`` (so the final move is atomic); deleted unless moved.

    :raise UploadError: (413) past ``limit`` bytes.
    """
    root.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=".upload-", suffix=".part", dir=root)
    path = Path(name)
    try:
        size = 0
        with os.fdopen(handle, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise UploadError(f"The file is larger than the limit of {_size(limit)}.", 413)
                out.write(chunk)
        if size == 0:
            raise UploadError("The file is empty.")
        yield path
    finally:
        path.unlink(missing_ok=True)


def _size(count: int) -> str:
    for unit in ("bytes", "KiB", "MiB"):
        if count < 1024:
            return f"{count:g} {unit}"
        count /= 1024
    return f"{count:g} GiB"


def _place(staged: Path, root: Path, ref: str) -> None:
    target = root / ref
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(staged, target)


def video_seconds(path: Path) -> int:
    """The length of an MP4 with a video track, in whole seconds. :raise UploadError: if it is not one."""
    try:
        length = MP4(path).info.length
        with path.open("rb") as handle:
            atoms = Atoms(handle)
            handlers = [
                track[b"mdia", b"hdlr"].read(handle)[1][8:12] for track in atoms[b"moov"].findall(b"trak")
            ]
    except (MutagenError, KeyError, OSError):
        raise UploadError("This is not an MP4 video (the file could not be read as MP4).") from None
    if b"vide" not in handlers:
        raise UploadError("This MP4 has no video track (is it an audio file?).")
    seconds = round(length)
    if seconds < 1:
        raise UploadError("This video has no length; export it again and upload the new file.")
    return seconds


def attach_video(
    actor, lesson: Lesson, filename: str, stream: IO[bytes], root: Path, limit: int
) -> LessonRevision:
    """Check and keep ``stream`` as the lesson's video; its duration comes from the file.

    :raise UploadError: a wrong name, type or size. :raise LessonConflict: the lesson was saved meanwhile.
    """
    if not filename.lower().endswith(".mp4"):
        raise UploadError("Upload the video as an .mp4 file (H.264 in an MP4 container).")
    with _staged(stream, root, limit) as staged:
        seconds = video_seconds(staged)
        lesson.video_ref = _ref(lesson, "mp4")
        lesson.duration_seconds = seconds
        revision = record_media_change(actor, lesson, f"new video ({seconds // 60}:{seconds % 60:02d})")
        _place(staged, root, lesson.video_ref)
    return revision


def attach_captions(actor, lesson: Lesson, filename: str, stream: IO[bytes], root: Path) -> LessonRevision:
    """Check and keep ``stream`` as the lesson's captions; they must fit its video.

    :raise UploadError: no video yet, a wrong name, or the file's problems (each with its line).
    """
    if not lesson.video_ref:
        raise UploadError("Upload the lesson's video first: captions belong to a video.")
    if not filename.lower().endswith(".vtt"):
        raise UploadError("Upload the captions as a WebVTT (.vtt) file.")
    with _staged(stream, root, MAX_CAPTIONS_BYTES) as staged:
        problems = webvtt_problems(staged.read_bytes(), lesson.duration_seconds)
        if problems:
            raise UploadError("These captions can't be used: " + "; ".join(problems) + ".")
        lesson.captions_ref = _ref(lesson, "vtt")
        revision = record_media_change(actor, lesson, "new captions")
        _place(staged, root, lesson.captions_ref)
    return revision
