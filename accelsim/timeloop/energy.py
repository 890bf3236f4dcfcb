"""Energy of a Timeloop count, priced as Timeloop prices it from Accelergy's ERT.

Per word: a read costs the component's ``read`` action, a fill its ``write``, an update its
``update``, each divided by the words one access moves (``width // datawidth``, Timeloop's
block size). Each storage level also leaks its ERT ``leak`` per cycle per utilized instance;
the compute unit costs ``compute`` per MAC (its leak is not in Timeloop's total).
"""
from __future__ import annotations

from collections.abc import Mapping

from ..errors import AccelsimError
from .nest import Counts

ACTIONS = ("read", "write", "update")


def per_access(counts: Counts, ert: Mapping[str, Mapping[str, float]]) -> dict[tuple[str, str], tuple[float, float, float]]:
    arch = counts.nest.arch
    out: dict[tuple[str, str], tuple[float, float, float]] = {}
    for name, spaces in counts.levels:
        lv = arch.levels[arch.index(name) or 0]
        e = ert.get(name, {})
        for ds in spaces:
            out[(name, ds)] = tuple(e.get(a, 0.0) / lv.block for a in ACTIONS)  # type: ignore[assignment]
    return out


def energy_pj(counts: Counts, ert: Mapping[str, Mapping[str, float]], file: str = "") -> dict[str, float]:
    """pJ per level (the compute unit under its own name), leakage included."""
    arch = counts.nest.arch
    comp = arch.levels[-1].name
    if comp not in ert or "compute" not in ert[comp]:
        raise AccelsimError(f"no energy for the compute unit '{comp}' in the energy reference table", file=file or None,
                            expected=f"an entry {comp} with a 'compute' action", found=sorted(ert) or "an empty table")
    out = counts.energy(per_access(counts, ert), ert[comp]["compute"])
    out[comp] = out.pop("mac")
    for name, spaces in counts.levels:
        inst = max(a.instances for a in spaces.values())
        out[name] += ert.get(name, {}).get("leak", 0.0) * counts.cycles * inst
    return out
