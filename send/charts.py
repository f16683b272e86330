"""The SEND charts page's pictures (send:charts), drawn on the server with matplotlib as SVG images in
data: URIs, the approach of letters/charts.py (Agg, no display, no JavaScript; an <img> needs no inline
style, so the strict Content Security Policy holds). Every chart on the page has its figures in a table
beside it as the text alternative; the <img> alt names what the picture shows."""

from __future__ import annotations

import base64
import io
import threading

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402

BLUE, ORANGE, GREY, GREEN = "#1f4e79", "#b35c00", "#9e9e9e", "#2e7d32"
PALETTE = [BLUE, ORANGE, GREEN, GREY, "#6a1b9a"]
_lock = threading.Lock()  # matplotlib is not thread-safe; a figure per chart, drawn one at a time


def _uri(fig: Figure) -> str:
    out = io.BytesIO()
    fig.savefig(out, format="svg", bbox_inches="tight", metadata={"Date": None})
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


#: How far below the axes the legend's top sits, in inches: just under the axis label, for a chart of
#: any height (a fraction of the axes left a wide gap under a tall chart).
LEGEND_DROP_INCHES = 0.46


def bars(labels: list[str], series: dict[str, list[float]], *, xlabel: str, percent: bool = False) -> str:
    """Horizontal bars, one group per label and one bar per series (a legend when more than one)."""
    with _lock:
        return _uri(bars_figure(labels, series, xlabel=xlabel, percent=percent))


def bars_figure(
    labels: list[str], series: dict[str, list[float]], *, xlabel: str, percent: bool = False
) -> Figure:
    """The figure `bars` draws (call it under `_lock` outside tests)."""
    rows = max(len(labels), 1)
    fig = Figure(figsize=(7.0, 0.5 + 0.35 * rows * max(len(series), 1)), dpi=96)
    ax = fig.add_subplot()
    height = 0.8 / max(len(series), 1)
    for i, (name, values) in enumerate(series.items()):
        ys = [r + i * height for r in range(len(labels))]  # the first series on top
        ax.barh(ys, values, height=height, color=PALETTE[i % len(PALETTE)], label=name)
    ax.set_yticks([r + height * (len(series) - 1) / 2 for r in range(len(labels))], labels)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    if percent:
        ax.set_xlim(0, 100)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if len(series) > 1:
        # Below the plot, so it never covers a bar; a fixed distance under it whatever its height.
        axes_inches = fig.get_figheight() * (fig.subplotpars.top - fig.subplotpars.bottom)
        ax.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, -LEGEND_DROP_INCHES / axes_inches),
            ncol=2,
            fontsize=9,
            frameon=False,
        )
    return fig
