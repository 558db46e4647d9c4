"""Character intervals looked up by bisection: "is this offset inside a quote / a time expression",
"does this span overlap a named entity" in O(log n), so that long documents cost no quadratic time."""
from __future__ import annotations

import bisect
from collections.abc import Iterable


class Intervals:
    """A set of half-open character intervals [lo, hi); overlapping ones are merged (touching
    ones are kept apart), which changes no answer of `contains` or `overlaps`."""

    def __init__(self, intervals: Iterable[tuple[int, int]]):
        merged: list[list[int]] = []
        for lo, hi in sorted((lo, hi) for lo, hi in intervals if hi > lo):
            if merged and lo < merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], hi)
            else:
                merged.append([lo, hi])
        self.los = [m[0] for m in merged]
        self.his = [m[1] for m in merged]

    def contains(self, x: int) -> bool:
        """Whether some interval holds `x` (lo <= x < hi)."""
        k = bisect.bisect_right(self.los, x) - 1
        return k >= 0 and x < self.his[k]

    def overlaps(self, a: int, b: int) -> bool:
        """Whether some interval shares a character with [a, b) (lo < b and a < hi)."""
        k = bisect.bisect_left(self.los, b) - 1
        return k >= 0 and a < self.his[k]

    def __bool__(self) -> bool:
        return bool(self.los)
