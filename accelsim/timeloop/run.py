"""Load a Timeloop problem + architecture + mapping (+ ERT) and count them: the Python API of
``accelsim run --compat timeloop`` and ``accelsim import timeloop``."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import AccelsimError
from .arch import load_arch
from .energy import energy_pj, per_access
from .mapping import Nest, load_mapping
from .nest import Counts, count
from .problem import load_problem

ERT_NAMES = ("ERT_summary.yaml", "timeloop-mapper.ERT_summary.yaml", "timeloop-model.ERT_summary.yaml", "ERT.yaml")


@dataclass(frozen=True)
class TimeloopRun:
    nest: Nest
    counts: Counts
    energy: dict[str, float] | None  # pJ per level, None without an ERT
    ert_file: str | None

    @property
    def energy_total(self) -> float | None:
        return sum(self.energy.values()) if self.energy is not None else None

    def to_json(self) -> dict[str, Any]:
        c = self.counts
        pa = per_access(c, self.nest.arch.energy) if self.energy is not None else {}
        return {
            "convention": "timeloop",
            "problem": dict(zip(self.nest.problem.dims, self.nest.problem.bounds)),
            "macs": c.macs,
            "compute_instances": c.compute_instances,
            "cycles": c.cycles,
            "compute_cycles": c.compute_cycles,
            "bound_by": c.bound_by() or "compute",
            "energy_pJ": self.energy,
            "energy_total_pJ": self.energy_total,
            "energy_source": self.ert_file,
            "mapping": self.nest.describe(),
            "levels": [
                {"level": name, "data_spaces": {ds: {"reads": a.reads, "fills": a.fills, "updates": a.updates,
                                                     "utilized_capacity": a.tile, "utilized_instances": a.instances,
                                                     **({"pJ_per_read_fill_update": list(pa[(name, ds)])} if pa else {})}
                                                for ds, a in spaces.items()}}
                for name, spaces in c.levels
            ],
        }


def find_ert(*near: str | os.PathLike[str]) -> str | None:
    for f in near:
        d = Path(f).parent
        for n in ERT_NAMES:
            if (d / n).is_file():
                return str(d / n)
    return None


def run_timeloop(problem: str | os.PathLike[str], arch: str | os.PathLike[str], mapping: str | os.PathLike[str] | None = None,
                 ert: str | os.PathLike[str] | None = None) -> TimeloopRun:
    """Count Timeloop's mapping of ``problem`` on ``arch`` under Timeloop's convention. ``mapping``
    defaults to the ``mapping`` key of the problem or architecture file (Timeloop's model inputs);
    ``ert`` to an ``ERT_summary.yaml`` next to the architecture."""
    p = load_problem(problem)
    ert = ert or find_ert(arch, problem)
    a = load_arch(arch, ert)
    src = mapping
    if src is None:
        from .yamltags import load_timeloop_yaml

        for f in (problem, arch):
            data = load_timeloop_yaml(f)
            if isinstance(data, dict) and data.get("mapping"):
                src = f
                break
    if src is None:
        raise AccelsimError("no mapping: accelsim counts a given Timeloop mapping (it does not run Timeloop's mapper)",
                            file=str(problem), expected="a MAPPING.yaml argument (e.g. Timeloop's timeloop-mapper.map.yaml)",
                            found="no 'mapping' key in the problem or architecture file")
    nest = load_mapping(src, p, a)
    c = count(nest)
    return TimeloopRun(nest, c, energy_pj(c, a.energy, str(ert)) if a.energy else None, ert)
