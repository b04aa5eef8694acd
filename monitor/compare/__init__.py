"""Change detection for policy texts: comparison key, article-aware alignment and diff, figures.

Pure logic: strings in, a :class:`Comparison` out. Storage and the crawler decide what to do
with it (events, alerts); this package only says what changed and how much it matters.
"""

from monitor.compare.engine import apply_diff, compare
from monitor.compare.figures import FigureChange
from monitor.compare.key import comparison_key, volatile_line
from monitor.compare.model import Comparison, UnitChange
from monitor.compare.units import Unit, split_units

__all__ = [
    "Comparison",
    "FigureChange",
    "Unit",
    "UnitChange",
    "apply_diff",
    "compare",
    "comparison_key",
    "split_units",
    "volatile_line",
]
