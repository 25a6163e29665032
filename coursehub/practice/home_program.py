"""The printable home program: the learner's routine on one A4 page, drawn with fpdf2.

Exercise names and cues come from the course files and may hold any character, so the page uses DejaVu
when the machine has it, and core Helvetica with Latin-1 stand-ins when not. The font shrinks as the
routine grows so that the longest routine allowed (``routines.MAX_ITEMS``) still fits on the one page.
"""

from __future__ import annotations

from datetime import date

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from coursehub.learning.certificates import FONT_DIR, to_latin1
from coursehub.practice.routines import PlannedExercise

SIDES = {"each": "each side", "both": "both together", "left": "left only", "right": "right only"}
SAFETY = (
    "Move gently and breathe out as you move. A stretch should feel like a mild pull, never sharp pain. "
    "Stop at once for sharp, shooting or electric pain, numbness or tingling, and see a clinician before "
    "you try that exercise again. This program is education, not diagnosis or treatment."
)


def _fonts(pdf: FPDF):
    regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
    if regular.is_file() and bold.is_file():
        pdf.add_font("DejaVu", style="", fname=str(regular))
        pdf.add_font("DejaVu", style="B", fname=str(bold))
        return "DejaVu", str
    return "helvetica", to_latin1


def home_program_pdf(name: str, planned: list[PlannedExercise], printed_on: date, school: str) -> bytes:
    """One page: a heading, the safety reminder, and a row per exercise with side, reps, hold, rest, cues."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(15, 15, 15)
    pdf.set_title(f"Home program for {name}")
    pdf.set_author(school)
    pdf.add_page()
    family, text = _fonts(pdf)
    size = 10 if len(planned) <= 12 else 8 if len(planned) <= 20 else 6.5

    pdf.set_font(family, "B", 18)
    pdf.cell(0, 10, text(f"Home program for {name}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(family, "", 10)
    pdf.cell(0, 6, text(f"{school} · printed {printed_on:%d %B %Y}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.multi_cell(0, 5, text(SAFETY), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)

    if not planned:
        pdf.set_font(family, "", 12)
        pdf.multi_cell(
            0, 7, text("Your routine is empty: add exercises from your lessons, then print it again.")
        )
        return bytes(pdf.output())

    pdf.set_font(family, "", size)
    with pdf.table(
        col_widths=(6, 30, 14, 8, 8, 8, 46),
        text_align=("RIGHT", "LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "LEFT"),
        line_height=size * 0.5,
        first_row_as_headings=True,
    ) as table:
        table.row([text(h) for h in ("#", "Exercise", "Side", "Reps", "Hold", "Rest", "Cues")])
        for number, entry in enumerate(planned, start=1):
            step = entry.step
            table.row(
                [
                    str(number),
                    text(step.exercise),
                    text(SIDES.get(step.side, step.side)),
                    str(entry.item.reps),
                    f"{step.hold_seconds} s",
                    f"{step.rest} s",
                    text("; ".join(step.cues) or "-"),
                ]
            )
    return bytes(pdf.output())
