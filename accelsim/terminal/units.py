"""Energy in readable units.

A table in joules (``pJ``, ``nJ`` ...) prints each energy with the prefix that fits it
(``12.3 µJ``); a normalized table (Eyeriss's, in multiples of one MAC's energy) prints a
plain number with an SI multiplier (``2.37 G``) and says "× one MAC" once, in a header.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from ..console import si
from ..hardware.energy import NORMALIZED

# joules per unit, for the units a table may state
_JOULES: dict[str, float] = {
    "fJ": 1e-15, "pJ": 1e-12, "nJ": 1e-9, "uJ": 1e-6, "µJ": 1e-6, "μJ": 1e-6, "mJ": 1e-3, "J": 1.0,
}
# the prefixes we print, largest first
_PRINTED: tuple[tuple[str, float], ...] = (("J", 1.0), ("mJ", 1e-3), ("µJ", 1e-6), ("nJ", 1e-9), ("pJ", 1e-12), ("fJ", 1e-15))
@dataclass(frozen=True)
class EnergyFormat:
    """How the energies of one result print: ``fmt(x)`` and the words for the header."""

    unit: str  # the table's unit, as the result states it

    @property
    def joules_per_unit(self) -> float | None:
        """Joules in one unit of the table, or None for a normalized / unknown unit."""
        return _JOULES.get(self.unit.strip())

    @property
    def header(self) -> str:
        """The unit said once, for a title: 'pJ → printed as nJ / µJ / mJ' or '× one MAC'."""
        if self.joules_per_unit is not None:
            return "energy in J, with the prefix that fits (pJ, nJ, µJ, mJ)"
        if self.unit == NORMALIZED:
            return "energy × one MAC (Eyeriss's normalized table)"
        return f"energy in {self.unit}"

    @property
    def short(self) -> str:
        """The unit after a total: '' for joules (the prefix says it), '× one MAC' if normalized."""
        if self.joules_per_unit is not None:
            return ""
        return "× one MAC" if self.unit == NORMALIZED else self.unit

    def __call__(self, x: float) -> str:
        jpu = self.joules_per_unit
        if jpu is None:
            return si(x)
        j = x * jpu
        if j == 0 or not math.isfinite(j):
            return "0 J" if j == 0 else f"{j} J"
        for sym, scale in _PRINTED:
            if abs(j) >= scale * 0.9995:  # 999.96 nJ rounds to 1.00 µJ, not "1e+03 nJ"
                return f"{j / scale:.3g} {sym}"
        return f"{j / _PRINTED[-1][1]:.3g} fJ"

    def with_unit(self, x: float) -> str:
        """``fmt(x)`` followed by the unit where the number alone does not say it."""
        return f"{self(x)} {self.short}".rstrip()
