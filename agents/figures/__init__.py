"""Figure stage: reported counts of people in news text, tracked as series over time (pure core)."""

from agents.figures.core import FigureLexicons, extract_figures, load_lexicons, series_key
from agents.figures.registry import series_points, update_series

__all__ = [
    "FigureLexicons",
    "extract_figures",
    "load_lexicons",
    "series_key",
    "series_points",
    "update_series",
]
