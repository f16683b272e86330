"""The tier history chart, drawn on the server as SVG coordinates (no JavaScript, no CDN).

A step line: x is time from the case's opening to today, y is the tier (Universal at the top, Tier 5 at
the bottom), so a falling line means attendance got worse.

    >>> from types import SimpleNamespace as S
    >>> from datetime import date
    >>> chart = tier_chart([S(changed_on=date(2026, 9, 1), to_tier=1), S(changed_on=date(2026, 9, 11), to_tier=3)],
    ...                    end=date(2026, 9, 21))
    >>> chart["points"]
    '40,70 340,70 340,150 640,150'

The x axis has dates: the first and the last day, and evenly spaced ones between (at most five), the
first anchored at its start and the last at its end so that neither runs off the chart:

    >>> [(t["x"], t["label"], t["anchor"]) for t in chart["ticks"]]
    [(40, '1 Sep', 'start'), (190, '6 Sep', 'middle'), (340, '11 Sep', 'middle'), (490, '16 Sep', 'middle'), (640, '21 Sep', 'end')]
"""

from datetime import date, timedelta

WIDTH, HEIGHT = 660, 270  # room below Tier 5 for the date labels
LEFT, RIGHT, TOP, ROW = 40, 20, 30, 40
TICKS = 5  # dates on the x axis, at most
AXIS_Y = TOP + 5 * ROW + 14  # the axis line, just below Tier 5
LABEL_Y = AXIS_Y + 18  # the dates under it (inside HEIGHT)


def _y(tier: int) -> int:
    return TOP + tier * ROW


def _ticks(start: date, end: date, x) -> list[dict]:
    span = (end - start).days
    n = min(TICKS, span + 1)
    days = sorted({start + timedelta(days=round(span * i / (n - 1))) for i in range(n)}) if n > 1 else [start]
    fmt = "%-d %b %Y" if start.year != end.year else "%-d %b"
    return [
        {
            "x": x(day),
            "label": f"{day:{fmt}}",
            "anchor": "start" if day == start else "end" if day == end else "middle",
        }
        for day in days
    ]


def tier_chart(changes, *, end: date) -> dict:
    changes = sorted(changes, key=lambda c: c.changed_on)
    if not changes:
        return {"points": "", "width": WIDTH, "height": HEIGHT, "rows": [], "marks": [], "ticks": []}
    start = changes[0].changed_on
    span = max((end - start).days, 1)
    plot = WIDTH - LEFT - RIGHT

    def x(day: date) -> int:
        return LEFT + round(plot * min(max((day - start).days, 0), span) / span)

    points, marks = [], []
    for i, change in enumerate(changes):
        if i:
            points.append(f"{x(change.changed_on)},{_y(changes[i - 1].to_tier)}")
        points.append(f"{x(change.changed_on)},{_y(change.to_tier)}")
        marks.append(
            {"x": x(change.changed_on), "y": _y(change.to_tier), "label": f"{change.changed_on:%-d %b}"}
        )
    points.append(f"{x(end)},{_y(changes[-1].to_tier)}")
    rows = [{"y": _y(t), "label": "U" if t == 0 else f"T{t}"} for t in range(6)]
    return {
        "points": " ".join(points),
        "width": WIDTH,
        "height": HEIGHT,
        "rows": rows,
        "marks": marks,
        "start": start,
        "end": end,
        "right": WIDTH - RIGHT,
        "left": LEFT,
        "ticks": _ticks(start, max(end, start), x),
        "axis_y": AXIS_Y,
        "label_y": LABEL_Y,
    }
