"""The legend of a SEND chart sits just under its axis label however tall the chart is (QA walk,
issue 15: under the eleven interventions of "Impact per intervention" it floated about an inch below
the chart, where it no longer read as the key to the bars)."""

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from send.charts import bars_figure


def _gap_inches(labels: int, series: int) -> float:
    fig = bars_figure(
        [f"Intervention {i}" for i in range(labels)],
        {f"Series {s}": [50.0] * labels for s in range(series)},
        xlabel="Attendance (%)",
        percent=True,
    )
    FigureCanvasAgg(fig).draw()
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    label = ax.xaxis.label.get_window_extent(renderer)
    legend = ax.get_legend().get_window_extent(renderer)
    return (label.y0 - legend.y1) / fig.dpi


@pytest.mark.parametrize(("labels", "series"), [(2, 4), (11, 2), (30, 2)])
def test_legend_is_just_under_the_axis_label(labels, series):
    gap = _gap_inches(labels, series)
    assert 0 < gap < 0.2  # below the label, never over it, and not adrift
