"""Numbers as people read them, the same in the app's tables and the command line's.

Standard library only (no pandas, no Streamlit), so the command line can use it without
paying for the app's imports. ``dlenv.ui.tables`` re-exports these.

* ``time_text``: 3 significant figures in the unit that keeps the number between 1 and 999
  (s, ms, µs, ns), so an exponent never appears;
* ``number_text``: a rate or a count, 3 significant figures, thousands separators from 1,000 on;
* ``percent_text``: a share in percent, two figures below 10% ("0.3%"), whole above ("12%").
"""

from __future__ import annotations

import math


def time_text(seconds: object) -> str:
    """``seconds`` as people read a time: "4.12 ms", "512 µs", "1.33 s"; "" when missing.

    3 significant figures, rounded before the unit is chosen, so 0.99996 s reads "1 s" and
    never "1e+03 ms".
    """
    if not is_number(seconds):
        return ""
    value = float(f"{float(seconds):.3g}")  # type: ignore[arg-type]
    if value >= 1000:
        return f"{value:,.0f} s"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if value >= scale:
            return f"{value / scale:.3g} {unit}"
    return f"{value / 1e-9:.3g} ns" if value > 0 else "0 s"


def number_text(value: object) -> str:
    """A rate or a count for a table: 3 significant figures, thousands separators from 1,000
    on ("1,234", "56.8", "0.0123"); "" when missing."""
    if not is_number(value):
        return ""
    number = float(value)  # type: ignore[arg-type]
    if abs(number) >= 1000:
        return f"{number:,.0f}"
    if number != 0 and abs(number) < 0.001:
        return "< 0.001"
    return f"{number:.3g}"


def percent_text(value: object) -> str:
    """A share in percent ("12%", "0.5%"); "" when missing."""
    if not is_number(value):
        return ""
    number = float(value)  # type: ignore[arg-type]
    return f"{number:.0f}%" if abs(number) >= 10 else f"{number:.2g}%"


def is_number(value: object) -> bool:
    """A finite int or float (a NumPy scalar counts; a bool does not)."""
    if hasattr(value, "item"):
        return is_number(value.item())  # type: ignore[union-attr]
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(float(value))
