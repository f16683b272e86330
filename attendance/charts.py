"""Server-rendered charts (inline SVG, no JavaScript): the weekly attendance trend.

The template draws what ``trend_chart`` returns, so the chart works with scripts off and under a
strict Content Security Policy. Weeks without possible sessions leave a gap rather than a 0%.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 640, 200, 36, 24, 8
#: Room right of the last week: half a date label ("30 Nov" at this size), so it is not cut off.
PAD_RIGHT = 24
#: About the width of a date label: two labels closer than this would overlap.
LABEL_WIDTH = 40


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    label: str
    pct: float


def _y(pct: float) -> float:
    usable = HEIGHT - PAD_BOTTOM - PAD_TOP
    return round(PAD_TOP + usable * (1 - pct / 100), 1)


def trend_chart(trend) -> dict:
    """``trend`` is [(monday, Figures)]: returns points, polyline segments and gridlines for the SVG."""
    n = len(trend)
    step = (WIDTH - PAD_LEFT - PAD_RIGHT) / max(1, n - 1) if n > 1 else 0
    points, segments, current = [], [], []
    for i, (monday, figures) in enumerate(trend):
        pct = figures.attendance_pct
        x = round(PAD_LEFT + i * step, 1)
        if pct is None:
            if current:
                segments.append(current)
            current = []
            continue
        point = ChartPoint(x=x, y=_y(pct), label=f"Week of {monday:%-d %b}", pct=round(pct, 1))
        points.append(point)
        current.append(f"{point.x},{point.y}")
    if current:
        segments.append(current)
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "points": points,
        "polylines": [" ".join(s) for s in segments],
        "grid": [{"pct": p, "y": _y(p)} for p in (100, 90, 50, 0)],
        "x_axis": HEIGHT - PAD_BOTTOM,
        "left": PAD_LEFT,
        "right": WIDTH - 4,
        "labels": _labels(trend, step),
    }


def _labels(trend, step: float) -> list[dict]:
    """The weeks named under the x axis: every week up to 12, else about 8 of them and always the
    last (it sits ``PAD_RIGHT`` from the edge, room enough for a centred label), leaving out a label
    too close to the last one to fit beside it.

    >>> from datetime import date, timedelta
    >>> weeks = [(date(2026, 9, 7) + timedelta(weeks=i), None) for i in range(30)]
    >>> [l["text"] for l in _labels(weeks, 19.5)][-3:]  # every third week; the 27th is too close
    ['1 Feb', '22 Feb', '29 Mar']
    >>> _labels(weeks[:14], 44.6)[-1]["x"] <= WIDTH - PAD_RIGHT
    True
    """
    n = len(trend)
    every = 1 if n <= 12 else max(1, n // 8)
    chosen = [i for i in range(n) if i % every == 0]
    if n and chosen[-1] != n - 1:
        if (n - 1 - chosen[-1]) * step < LABEL_WIDTH:
            chosen.pop()
        chosen.append(n - 1)
    return [{"x": round(PAD_LEFT + i * step, 1), "text": f"{trend[i][0]:%-d %b}"} for i in chosen]
