"""Server-rendered charts (inline SVG, no JavaScript): the weekly attendance trend.

The template draws what ``trend_chart`` returns, so the chart works with scripts off and under a
strict Content Security Policy. Weeks without possible sessions leave a gap rather than a 0%.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 640, 200, 36, 24, 8


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
    step = (WIDTH - PAD_LEFT - 10) / max(1, n - 1) if n > 1 else 0
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
        "labels": [
            {"x": round(PAD_LEFT + i * step, 1), "text": f"{monday:%-d %b}"}
            for i, (monday, _) in enumerate(trend)
            if n <= 12 or i % max(1, n // 8) == 0
        ],
    }
