"""Weighted draws from fixed tables, set up once so that each draw is one random number and a bisection."""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Sequence
from itertools import accumulate
from typing import Generic, TypeVar

T = TypeVar("T")


class Weighted(Generic[T]):
    """A value drawn with probability proportional to its weight."""

    def __init__(self, choices: Sequence[tuple[T, float]]) -> None:
        self.values = [value for value, _ in choices]
        self.cumulative = list(accumulate(weight for _, weight in choices))
        self.total = self.cumulative[-1]

    def draw(self, rng: random.Random) -> T:
        return self.values[bisect(self.cumulative, rng.random() * self.total)]


class AgeBands:
    """An age drawn from weighted bands of ages (each age in a band equally likely)."""

    def __init__(self, bands: Sequence[tuple[int, int, float]]) -> None:
        self._bands = Weighted([((low, high), weight) for low, high, weight in bands])

    def draw(self, rng: random.Random) -> int:
        low, high = self._bands.draw(rng)
        return low + int(rng.random() * (high - low + 1))


def between(rng: random.Random, low: int, high: int) -> int:
    """An integer from ``low`` to ``high`` inclusive (``randint`` without its argument checks, for hot paths)."""
    return low + int(rng.random() * (high - low + 1))
