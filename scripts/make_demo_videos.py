"""Make the placeholder lesson videos the offline demo plays.

For every lesson under courses/ whose front matter names a `video`, write media/demo/<video> as a
title card: the course title small at the top, the lesson title large in the middle, a note that
this is a stand-in, and a clock showing the playback position so seeking can be seen to work. The
clip lasts exactly the lesson's `duration` seconds, so progress tracking behaves as it would with the
real video.

    python3 scripts/make_demo_videos.py [--force]

Needs ffmpeg (Debian: apt-get install ffmpeg) and the DejaVu fonts (fonts-dejavu-core). Standard
library only. Existing files are kept unless --force is given.
"""

import argparse
import itertools
import shutil
import struct
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COURSES = ROOT / "courses"
OUT = ROOT / "media" / "demo"

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FONT_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")

WIDTH, HEIGHT = 480, 270
MARGIN = 24
BACKGROUND = "0x2f5d50"
FOOTER = "Demo video - the real lesson video replaces this card"
KEYFRAME_SECONDS = 5
CLOCK_STEP = 1  # seconds between clock updates; 5 makes the clips smaller
BUDGET_BYTES = 25_000_000  # the clips are committed to git
CRF = 45  # high, but a flat card with text survives it; see the size budget in media/README.md

COURSE_SIZE, TITLE_SIZE, FOOTER_SIZE, CLOCK_SIZE = 14, 26, 12, 16


# --- text measurement: advance widths straight from the TrueType font, so wrapping fits the frame ---


class FontMetrics:
    """Advance widths of a TrueType font (cmap format 4 + hmtx); enough to wrap a line of text."""

    def __init__(self, path: Path):
        data = path.read_bytes()
        num_tables = struct.unpack_from(">H", data, 4)[0]
        tables = {}
        for i in range(num_tables):
            tag, _checksum, offset, _length = struct.unpack_from(">4sIII", data, 12 + 16 * i)
            tables[tag.decode("latin-1")] = offset
        self.units_per_em = struct.unpack_from(">H", data, tables["head"] + 18)[0]
        num_hmetrics = struct.unpack_from(">H", data, tables["hhea"] + 34)[0]
        hmtx = tables["hmtx"]
        self.advances = [struct.unpack_from(">H", data, hmtx + 4 * i)[0] for i in range(num_hmetrics)]
        self.cmap = self._read_cmap(data, tables["cmap"])

    @staticmethod
    def _read_cmap(data: bytes, cmap: int) -> dict[int, int]:
        count = struct.unpack_from(">H", data, cmap + 2)[0]
        for i in range(count):
            platform, encoding, offset = struct.unpack_from(">HHI", data, cmap + 4 + 8 * i)
            sub = cmap + offset
            if (platform, encoding) in ((3, 1), (0, 3)) and struct.unpack_from(">H", data, sub)[0] == 4:
                break
        else:
            raise ValueError("no format-4 Unicode cmap")
        segs = struct.unpack_from(">H", data, sub + 6)[0] // 2
        ends = struct.unpack_from(f">{segs}H", data, sub + 14)
        starts = struct.unpack_from(f">{segs}H", data, sub + 16 + 2 * segs)
        deltas = struct.unpack_from(f">{segs}h", data, sub + 16 + 4 * segs)
        range_at = sub + 16 + 6 * segs
        ranges = struct.unpack_from(f">{segs}H", data, range_at)
        mapping = {}
        for k in range(segs):
            for code in range(starts[k], min(ends[k], 0x2FFF) + 1):
                if ranges[k] == 0:
                    glyph = (code + deltas[k]) & 0xFFFF
                else:
                    at = range_at + 2 * k + ranges[k] + 2 * (code - starts[k])
                    glyph = struct.unpack_from(">H", data, at)[0]
                    if glyph:
                        glyph = (glyph + deltas[k]) & 0xFFFF
                mapping[code] = glyph
        return mapping

    def width(self, text: str, size: float) -> float:
        units = 0
        for ch in text:
            glyph = self.cmap.get(ord(ch), 0)
            units += self.advances[min(glyph, len(self.advances) - 1)]
        return units * size / self.units_per_em


def wrap(text: str, metrics: FontMetrics, size: float, max_width: float) -> list[str]:
    """Greedy word wrap by measured width; a single word too long for the line gets a line of its own."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if line and metrics.width(candidate, size) > max_width:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line:
        lines.append(line)
    return balance(lines, metrics, size, max_width)


def balance(lines: list[str], metrics: FontMetrics, size: float, max_width: float) -> list[str]:
    """The same number of lines with the breaks moved so the lines are of even width (no lone word on
    the last line), preferring to break after a colon or comma. Titles are a dozen words at most, so
    trying every split is cheap."""
    words = " ".join(lines).split()
    if len(lines) < 2 or len(words) > 16:
        return lines

    def cost(candidate: list[str]) -> float:
        widths = [metrics.width(line, size) for line in candidate]
        if max(widths) > max_width:
            return float("inf")
        punctuated = sum(line[-1] in ",:;" for line in candidate[:-1])
        return max(widths) - min(widths) - 8 * size * punctuated

    best, best_cost = lines, cost(lines)
    for cuts in itertools.combinations(range(1, len(words)), len(lines) - 1):
        bounds = (0, *cuts, len(words))
        candidate = [" ".join(words[a:b]) for a, b in itertools.pairwise(bounds)]
        if (candidate_cost := cost(candidate)) < best_cost:
            best, best_cost = candidate, candidate_cost
    return best


def fit(
    text: str, metrics: FontMetrics, size: int, max_width: float, max_lines: int
) -> tuple[int, list[str]]:
    """The largest font size (down from `size`) at which the text wraps into at most max_lines."""
    while True:
        lines = wrap(text, metrics, size, max_width)
        widest = max(metrics.width(line, size) for line in lines)
        if (len(lines) <= max_lines and widest <= max_width) or size <= 10:
            return size, lines
        size -= 1


# --- content ---


def front_matter(path: Path) -> dict:
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0].strip() != "+++":
        return {}
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "+++")
    except StopIteration:
        raise ValueError(f"{path}: front matter has no closing +++") from None
    return tomllib.loads("\n".join(lines[1:end]))


def lessons():
    """(course title, lesson front matter, lesson path) for every lesson, in course order."""
    for course_toml in sorted(COURSES.glob("*/course.toml")):
        course = tomllib.loads(course_toml.read_text(encoding="utf-8"))
        for path in sorted(course_toml.parent.glob("[0-9][0-9]-*/[0-9][0-9]-*.md")):
            yield course.get("title", course_toml.parent.name), front_matter(path), path


# --- ffmpeg ---


def filter_value(value: str) -> str:
    """Quote an option value for an ffmpeg filtergraph (used for our own temp-file paths only)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "'\\''") + "'"


def drawtext(textfile: Path, font: Path, size: int, y: str, colour: str, expand: bool = False) -> str:
    options = [
        f"fontfile={filter_value(str(font))}",
        f"textfile={filter_value(str(textfile))}",
        f"expansion={'normal' if expand else 'none'}",
        f"fontsize={size}",
        f"fontcolor={colour}",
        "x=(w-text_w)/2",
        f"y={y}",
    ]
    return "drawtext=" + ":".join(options)


def clock_text(duration: int) -> str:
    """drawtext expansion for 'mm:ss / MM:SS' (the text file is read raw, so no filtergraph escaping)."""
    t = "t" if CLOCK_STEP == 1 else f"trunc(t/{CLOCK_STEP})*{CLOCK_STEP}"
    minutes = f"%{{eif:trunc(({t})/60):d:2}}"
    seconds = f"%{{eif:mod(trunc({t}),60):d:2}}"
    total = f"{duration // 60:02d}\\:{duration % 60:02d}"
    return f"{minutes}\\:{seconds} / {total}"  # drawtext reads '\:' as a plain colon


def render(ffmpeg: str, metrics: FontMetrics, course_title: str, lesson: dict, target: Path) -> None:
    duration = int(lesson["duration"])
    usable = WIDTH - 2 * MARGIN
    course_size, course_lines = fit(course_title, metrics, COURSE_SIZE, usable, 1)
    title_size, title_lines = fit(lesson["title"], metrics, TITLE_SIZE, usable, 3)

    with tempfile.TemporaryDirectory(prefix="demo-video-") as tmp:
        tmpdir = Path(tmp)

        def textfile(name: str, text: str) -> Path:
            path = tmpdir / name
            path.write_text(text, encoding="utf-8")
            return path

        filters = []
        # Course title, small, at the top (one line; shrunk to fit).
        filters.append(drawtext(textfile("course.txt", course_lines[0]), FONT, course_size, "22", "0xd8e6df"))
        # Lesson title, large, wrapped; one drawtext per line so every line is centred.
        line_height = round(title_size * 1.3)
        block = line_height * len(title_lines)
        top = (HEIGHT - block) // 2 - 8
        for i, line in enumerate(title_lines):
            y = top + i * line_height
            filters.append(drawtext(textfile(f"title{i}.txt", line), FONT_BOLD, title_size, str(y), "white"))
        # The clock: playback position, so seeking shows.
        filters.append(
            drawtext(
                textfile("clock.txt", clock_text(duration)),
                FONT,
                CLOCK_SIZE,
                str(top + block + 10),
                "0xf3e9c6",
                expand=True,
            )
        )
        # Footer note, small, at the bottom.
        footer_size, footer_lines = fit(FOOTER, metrics, FOOTER_SIZE, usable, 1)
        filters.append(
            drawtext(
                textfile("footer.txt", footer_lines[0]), FONT, footer_size, f"h-{footer_size}-18", "0xb9cfc5"
            )
        )
        graph = ",".join(filters) + ",format=yuv420p"
        graph_file = textfile("graph.txt", graph)

        partial = target.with_name(target.stem + ".partial" + target.suffix)
        target.parent.mkdir(parents=True, exist_ok=True)
        # fmt: off
        command = [
            ffmpeg, "-hide_banner", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", f"color=c={BACKGROUND}:s={WIDTH}x{HEIGHT}:r=1:d={duration}",
            "-filter_script:v", str(graph_file),
            "-c:v", "libx264", "-profile:v", "main", "-pix_fmt", "yuv420p",
            "-preset", "veryslow", "-tune", "stillimage", "-crf", str(CRF),
            # I-frames at the same quantiser as the rest, and no psychovisual detail: a still card needs
            # neither, and the keyframe every few seconds is most of the file.
            "-x264-params", "ipratio=1.0:psy=0",
            # 1 frame a second, a keyframe every KEYFRAME_SECONDS (seeking), no audio track.
            "-r", "1", "-g", str(KEYFRAME_SECONDS), "-keyint_min", str(KEYFRAME_SECONDS),
            "-sc_threshold", "0", "-an", "-map_metadata", "-1",
            # The index (moov) before the data, so a browser can start and seek before it has it all.
            "-movflags", "+faststart",
            "-t", str(duration), "-f", "mp4", str(partial),
        ]
        # fmt: on
        try:
            subprocess.run(command, check=True)  # noqa: S603 - our own argument list, no shell
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        partial.replace(target)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--force", action="store_true", help="regenerate clips that already exist")
    args = parser.parse_args()

    ffmpeg = shutil.which("ffmpeg")
    if not ffmpeg:
        sys.exit("ffmpeg not found: apt-get install ffmpeg")
    for font in (FONT, FONT_BOLD):
        if not font.exists():
            sys.exit(f"{font} not found: apt-get install fonts-dejavu-core")
    metrics = FontMetrics(FONT_BOLD)

    made = kept = problems = no_video = 0
    sizes: dict[str, int] = {}
    for course_title, lesson, path in lessons():
        video = lesson.get("video")
        if not video:
            no_video += 1
            continue
        rel = path.relative_to(ROOT)
        duration = lesson.get("duration")
        if not isinstance(duration, int) or duration <= 0:
            print(f"  SKIP {video}: {rel} has no positive whole-second duration ({duration!r})")
            problems += 1
            continue
        target = (OUT / video).resolve()
        if OUT.resolve() not in target.parents or target.suffix != ".mp4":
            print(f"  SKIP {video}: {rel} names a video outside media/demo or not .mp4")
            problems += 1
            continue
        if target.exists() and not args.force:
            sizes[video] = target.stat().st_size
            kept += 1
            print(f"  kept {video} ({sizes[video] / 1024:.0f} KiB; exists, --force to remake)")
            continue
        render(ffmpeg, metrics, course_title, lesson, target)
        sizes[video] = target.stat().st_size
        made += 1
        print(
            f"  made {video} ({duration // 60}:{duration % 60:02d}, {sizes[video] / 1024:.0f} KiB)",
            flush=True,
        )

    total = sum(sizes.values())
    print(
        f"{made} made, {kept} kept, {problems} skipped (bad front matter), {no_video} without video; "
        f"{len(sizes)} clips, {total / 1e6:.1f} MB in all"
    )
    if sizes:
        largest = max(sizes, key=sizes.__getitem__)
        print(f"largest: {largest} ({sizes[largest] / 1e6:.2f} MB)")
    if total > BUDGET_BYTES:
        print(f"over the {BUDGET_BYTES / 1e6:.0f} MB budget for clips kept in git: raise CRF or CLOCK_STEP")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
