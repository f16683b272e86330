"""The termly report's chart: the child's attendance beside the school's target, as a PNG data: URI.

Drawn with matplotlib (Agg, no display), because the PDF renderer only accepts data: URIs and the
chart must look the same in every letter. One figure is set up once per process and only its bars
and labels change per letter, and results are cached by value, so a batch of hundreds of reports
spends milliseconds per chart (the bench asks for 10 letters a second per worker).
"""

from __future__ import annotations

import base64
import io
import threading
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402

_lock = threading.Lock()
_state: dict = {}

BLUE, GREEN, GREY = "#1f4e79", "#2e7d32", "#9e9e9e"


def _figure():
    if not _state:
        fig = Figure(figsize=(6.0, 1.6), dpi=110)
        ax = fig.add_axes((0.2, 0.3, 0.72, 0.6))
        bars = ax.barh([1, 0], [0, 0], color=[BLUE, GREY], height=0.6)
        ax.set_yticks([1, 0], ["Your child", "School target"])
        ax.set_xlim(0, 112)
        ax.set_xticks([0, 20, 40, 60, 80, 100])
        ax.set_xlabel("Attendance (%)")
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        labels = [ax.text(0, y, "", va="center", ha="left", fontsize=9) for y in (1, 0)]
        _state.update(fig=fig, bars=bars, labels=labels)
    return _state


@lru_cache(maxsize=2048)
def _png(pupil_tenths: int | None, target_tenths: int) -> bytes:
    with _lock:
        state = _figure()
        values = [(pupil_tenths or 0) / 10, target_tenths / 10]
        for bar, label, value, text in zip(
            state["bars"],
            state["labels"],
            values,
            ["no sessions yet" if pupil_tenths is None else f"{values[0]:.1f}%", f"{values[1]:.1f}%"],
            strict=True,
        ):
            bar.set_width(value)
            label.set_x(value + 1)
            label.set_text(text)
        state["bars"][0].set_color(GREEN if pupil_tenths is not None and values[0] >= values[1] else BLUE)
        out = io.BytesIO()
        state["fig"].savefig(out, format="png")
        return out.getvalue()


def attendance_chart_uri(*, pupil_pct: float | None, target_pct: float) -> str:
    """A data: URI of the chart. ``pupil_pct`` None (no sessions yet) draws no bar for the child."""
    pupil_tenths = None if pupil_pct is None else round(float(pupil_pct) * 10)
    png = _png(pupil_tenths, round(float(target_pct) * 10))
    return "data:image/png;base64," + base64.b64encode(png).decode()
