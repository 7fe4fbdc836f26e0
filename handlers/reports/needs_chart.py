"""The needs report's chart, drawn straight into a Pillow image.

The same picture matplotlib drew (`handlers.reports.charts`, which still draws the tenders and
surveys charts): the report's title, a stacked bar per category by status with its supports
beside it and a legend, then the needs reported per day or month. matplotlib spent most of its
0.4–1.5 s laying out and measuring text; here every text is measured once and the layout is a
few sums, so the chart takes a few tens of milliseconds. DejaVu Sans, shipped with matplotlib,
has every Kyrgyz, Russian and Uzbek letter.
"""

from __future__ import annotations

import textwrap
from functools import cache
from io import BytesIO
from pathlib import Path

import matplotlib
from PIL import Image, ImageDraw, ImageFont

from handlers.reports import labels
from handlers.reports.needs_report import NeedsReport
from handlers.reports.report import Report
from models import NeedStatus

DPI = 120
WIDTH = 1200  # pixels: 10 inches at DPI, as the other charts
MARGIN = 12  # white around what is drawn
BAR = "#5c6bc0"
INK = "#262626"
FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
COMPRESSION = 1  # zlib level: flat colours compress well at 1, in a fraction of level 6's time


@cache
def _font(points: float, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(FONTS / name), round(points * DPI / 72))


def _size(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont) -> tuple[int, int]:
    left, _, right, bottom = draw.multiline_textbbox((0, 0), text, font=font, spacing=4)
    return right - left, bottom


def _ticks(top: float, most: int = 9) -> list[int]:
    """Whole-number ticks from 0 to at most `top`, on a step of 1, 2, 2.5 or 5 × 10ⁿ."""
    if top <= 0:
        return [0, 1]
    for power in range(0, 12):
        for step in (1, 2, 5, 10):
            size = step * 10**power
            if top / size <= most:
                return list(range(0, int(top // size) * size + 1, size))
    return [0, int(top)]


def _wrap(text: str, width: int = 28) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def draw_needs(report: Report, figures: NeedsReport) -> bytes:
    """The needs chart as PNG bytes, in the report's language."""
    tr = report.tr
    rows = max(len(figures.categories), 1)
    height = round((3.5 + 0.5 * rows) * DPI)
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    small, normal = _font(8), _font(10)

    heading = f"{report.title}\n{labels.capital(report.subtitle)}"
    title_width, title_height = _size(draw, heading, _font(13, True))
    draw.multiline_text(
        ((WIDTH - title_width) // 2, MARGIN),
        heading,
        font=_font(13, True),
        fill="black",
        align="center",
        spacing=4,
    )
    names = [_wrap(row.name) for row in figures.categories]
    counts = [n for _, n in figures.timeline]
    count_top = max(counts, default=0) * 1.05 or 1  # as matplotlib's margin above the bars
    count_ticks = _ticks(count_top)
    name_width = max((_size(draw, n, normal)[0] for n in names), default=0)
    tick_width = max(_size(draw, str(t), normal)[0] for t in count_ticks)
    left = MARGIN + max(name_width, tick_width) + 14
    right = WIDTH - MARGIN - 8
    dates = [label for label, _ in figures.timeline]
    step = max(1, len(dates) // 12)
    shown = dates[::step]
    date_drop = max((_size(draw, d, small)[0] for d in shown), default=0) * 0.71 + 24

    # two panels, 3 parts for the timeline to max(rows, 3) for the categories, as before
    top_of_bars = MARGIN + title_height + 24
    bottom_of_time = height - MARGIN - round(date_drop)
    between = 140  # the first panel's ticks, label and legend, the second's title
    space = bottom_of_time - top_of_bars - between
    parts = max(rows, 3) + 3
    bottom_of_bars = top_of_bars + round(space * max(rows, 3) / parts)
    top_of_time = bottom_of_bars + between

    if not figures.categories:
        text = tr.t(labels.NO_DATA)
        width, _ = _size(draw, text, _font(12))
        middle = (top_of_bars + bottom_of_bars) // 2
        draw.text(((WIDTH - width) // 2, middle - 10), text, font=_font(12), fill="black")
    else:
        _categories(draw, report, figures, names, (left, top_of_bars, right, bottom_of_bars))
    time_title = tr.t(labels.NEEDS_OVER_TIME)
    width, _ = _size(draw, time_title, _font(11))
    draw.text(
        (left + (right - left - width) // 2, top_of_time - 30),
        time_title,
        font=_font(11),
        fill="black",
    )
    box = (left, top_of_time, right, bottom_of_time)
    _timeline(image, draw, (counts, count_top, count_ticks), (shown, step), box)
    buffer = BytesIO()
    image.save(buffer, format="PNG", compress_level=COMPRESSION)
    return buffer.getvalue()


def _axes(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int]) -> None:
    left, top, right, bottom = box
    draw.line([(left, top), (left, bottom), (right, bottom)], fill=INK, width=1)


def _categories(
    draw: ImageDraw.ImageDraw,
    report: Report,
    figures: NeedsReport,
    names: list[str],
    box: tuple[int, int, int, int],
) -> None:
    """Stacked bars by status, first category on top, each with its supports beside it."""
    tr = report.tr
    left, top, right, bottom = box
    normal, small = _font(10), _font(9)
    most = max(row.total for row in figures.categories)
    ticks = _ticks(most * 1.3)
    scale = (right - left) / (most * 1.3 or 1)
    pitch = (bottom - top) / (len(names) + 0.2)
    for y, (row, name) in enumerate(zip(figures.categories, names, strict=True)):
        middle = top + pitch * (y + 0.6)
        x = float(left)
        for status in NeedStatus:
            n = row.by_status.get(status, 0)
            if n:
                draw.rectangle(
                    [x, middle - pitch * 0.4, x + n * scale, middle + pitch * 0.4],
                    fill=labels.NEED_COLORS[status],
                )
                x += n * scale
        width, tall = _size(draw, name, normal)
        draw.multiline_text(
            (left - 10 - width, middle - tall / 2), name, font=normal, fill="black", align="right"
        )
        draw.line([(left - 5, middle), (left, middle)], fill=INK)
        note = "  " + labels.supports_count(tr, row.supports)
        draw.text((x, middle), note, font=small, fill="black", anchor="lm")
    _axes(draw, box)
    for tick in ticks:
        x = left + tick * scale
        draw.line([(x, bottom), (x, bottom + 5)], fill=INK)
        draw.text((x, bottom + 8), str(tick), font=normal, fill="black", anchor="mt")
    axis_label = tr.t(labels.NUMBER_OF_NEEDS)
    draw.text(((left + right) / 2, bottom + 32), axis_label, font=normal, fill="black", anchor="mt")
    _legend(draw, report, figures, box)


def _legend(
    draw: ImageDraw.ImageDraw, report: Report, figures: NeedsReport, box: tuple[int, int, int, int]
) -> None:
    """The statuses drawn, in a row under the panel: where a legend inside it could cover
    a short bar's supports."""
    font = _font(9)
    drawn = [s for s in NeedStatus if any(r.by_status.get(s, 0) for r in figures.categories)]
    texts = [labels.need_status(report.tr, s) for s in drawn]
    widths = [_size(draw, t, font)[0] for t in texts]
    x = (box[0] + box[2] - sum(widths) - 64 * len(drawn)) / 2
    y = box[3] + 70
    for status, text, width in zip(drawn, texts, widths, strict=True):
        draw.rectangle([x, y - 6, x + 30, y + 6], fill=labels.NEED_COLORS[status])
        draw.text((x + 38, y), text, font=font, fill="black", anchor="lm")
        x += width + 64


def _timeline(
    image: Image.Image,
    draw: ImageDraw.ImageDraw,
    scale_of: tuple[list[int], float, list[int]],
    dates: tuple[list[str], int],
    box: tuple[int, int, int, int],
) -> None:
    """A bar per day or month (counts, the axis' top, its ticks), every `step`-th labelled
    at 45°."""
    counts, highest, ticks = scale_of
    shown, step = dates
    left, top, right, bottom = box
    normal, small = _font(10), _font(8)
    slots = max(len(counts), 1) + 0.2
    pitch = (right - left) / slots
    scale = (bottom - top) / highest
    for i, n in enumerate(counts):
        middle = left + pitch * (i + 0.6)
        if n:
            draw.rectangle(
                [middle - pitch * 0.4, bottom - n * scale, middle + pitch * 0.4, bottom], fill=BAR
            )
    _axes(draw, box)
    for tick in ticks:
        y = bottom - tick * scale
        draw.line([(left - 5, y), (left, y)], fill=INK)
        draw.text((left - 8, y), str(tick), font=normal, fill="black", anchor="rm")
    for k, text in enumerate(shown):
        middle = left + pitch * (k * step + 0.6)
        draw.line([(middle, bottom), (middle, bottom + 5)], fill=INK)
        _rotated(image, text, small, (round(middle), bottom + 8))


def _rotated(
    image: Image.Image, text: str, font: ImageFont.FreeTypeFont, end: tuple[int, int]
) -> None:
    """`text` at 45°, its end just below and left of `end` (a tick), as matplotlib's
    rotation=45, ha="right"."""
    _, _, right, bottom = font.getbbox(text)
    stamp = Image.new("L", (right + 2, bottom + 2), 0)
    ImageDraw.Draw(stamp).text((0, 0), text, font=font, fill=255)
    turned = stamp.rotate(45, expand=True, resample=Image.Resampling.BICUBIC)
    ink = Image.new("RGB", turned.size, "black")
    image.paste(ink, (end[0] - turned.width, end[1]), turned)
