"""The result of a run: per-layer and total counts, cycles and energy (DESIGN.md, "Results")."""
from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass, field
from typing import Any

LEVELS = ("DRAM", "GLB", "NoC", "RF")
DTYPES = ("weight", "ifmap", "psum", "ofmap")
ENERGY_LEVELS = ("MAC", "RF", "NoC", "GLB", "DRAM", "SIMD")


@dataclass(frozen=True)
class LayerResult:
    name: str
    type: str
    shape: dict[str, Any]
    macs: int
    ops: int
    cycles: int
    stall_cycles: int
    utilization: float
    accesses: dict[str, dict[str, dict[str, int]]]
    energy: dict[str, float]
    energy_by_type: dict[str, float]
    mapping: dict[str, str]
    # a compressed run (--compress): the same figures at density 1 (``dense``), the MACs
    # that are effectual, gated and skipped, and what was compressed (accelsim/engine/sparse.py)
    compressed: dict[str, Any] | None = None

    @property
    def total_energy(self) -> float:
        return math.fsum(self.energy.values())

    @property
    def data_movement_share(self) -> float:
        """Share of the energy spent moving data (RF + NoC + GLB + DRAM)."""
        total = self.total_energy
        moving = math.fsum(self.energy.get(k, 0.0) for k in LEVELS)
        return moving / total if total else 0.0

    def level_accesses(self, level: str) -> int:
        return sum(v["reads"] + v["writes"] for v in self.accesses[level].values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "shape": self.shape,
            "macs": self.macs,
            "ops": self.ops,
            "cycles": self.cycles,
            "stall_cycles": self.stall_cycles,
            "utilization": self.utilization,
            "accesses": self.accesses,
            "energy": self.energy,
            "energy_by_type": self.energy_by_type,
            "mapping": self.mapping,
            **(self.compressed or {}),
        }


def empty_accesses() -> dict[str, dict[str, dict[str, int]]]:
    return {lv: {t: {"reads": 0, "writes": 0} for t in DTYPES} for lv in LEVELS}


COMPRESSED_MACS = ("macs_effectual", "macs_gated", "macs_skipped")


def _get(x: Any, key: str) -> Any:
    return x[key] if isinstance(x, dict) else getattr(x, key)


def summed(layers: Any, pes: int, clock_mhz: float) -> dict[str, Any]:
    """Network totals of layers (LayerResults, or the ``dense`` dicts of a compressed run):
    accesses (and ``bytes`` where the layers have them), energy, MACs, cycles."""
    acc = empty_accesses()
    has_bytes = any("bytes" in _get(l, "accesses")["DRAM"]["weight"] for l in layers)
    for l in layers:
        la = _get(l, "accesses")
        for lv in LEVELS:
            for t in DTYPES:
                for rw in ("reads", "writes") + (("bytes",) if has_bytes else ()):
                    acc[lv][t][rw] = acc[lv][t].get(rw, 0) + la[lv][t][rw]
    energy = {k: math.fsum(_get(l, "energy").get(k, 0.0) for l in layers) for k in ENERGY_LEVELS}
    by_type = {t: math.fsum(_get(l, "energy_by_type").get(t, 0.0) for l in layers) for t in DTYPES}
    macs = sum(_get(l, "macs") for l in layers)
    cycles = sum(_get(l, "cycles") for l in layers)
    total = math.fsum(energy.values())
    return {
        "macs": macs,
        "ops": sum(_get(l, "ops") for l in layers),
        "cycles": cycles,
        "stall_cycles": sum(_get(l, "stall_cycles") for l in layers),
        "utilization": macs / (pes * cycles) if cycles else 0.0,
        "energy": energy,
        "energy_by_type": by_type,
        "energy_total": total,
        "data_movement_share": math.fsum(energy[k] for k in LEVELS) / total if total else 0.0,
        "accesses": acc,
        "seconds": cycles / (clock_mhz * 1e6) if clock_mhz else 0.0,
    }


@dataclass(frozen=True)
class RunResult:
    workload: str
    hardware: str
    dataflow: str
    batch: int
    objective: str
    energy_unit: str
    pes: int
    clock_mhz: float
    layers: tuple[LayerResult, ...]
    version: str = ""
    notes: tuple[str, ...] = field(default=())
    # What the report needs from the machine and the network, so that a figure can be
    # drawn from the JSON alone (the roofline, bytes moved, energy vs weights).
    dram_bytes_per_cycle: float = 0.0
    word_bits: dict[str, int] = field(default_factory=dict)
    weights: int = 0
    compression: dict[str, Any] | None = None  # name and source of a --compress run
    # Which energy numbers were used (EnergyTable.to_dict(): table, unit, costs, sources)
    # and where the hardware config's figures come from; empty for a result from an old JSON.
    energy_table: dict[str, Any] = field(default_factory=dict)
    hardware_source: str = ""

    def totals(self) -> dict[str, Any]:
        out = summed(self.layers, self.pes, self.clock_mhz)
        if self.compression is not None:
            dense = [l.compressed["dense"] for l in self.layers]
            out["dense"] = summed(dense, self.pes, self.clock_mhz)
            for k in COMPRESSED_MACS:
                out[k] = math.fsum(l.compressed[k] for l in self.layers)
        return out

    def to_dict(self) -> dict[str, Any]:
        d = self._dict()
        if self.compression is not None:
            d["compression"] = self.compression
        return d

    def _dict(self) -> dict[str, Any]:
        return {
            "accelsim_version": self.version,
            "workload": self.workload,
            "hardware": self.hardware,
            "dataflow": self.dataflow,
            "batch": self.batch,
            "objective": self.objective,
            "layers": [l.to_dict() for l in self.layers],
            "totals": self.totals(),
            "energy_unit": self.energy_unit,
            "notes": list(self.notes),
            "machine": {
                "pes": self.pes,
                "clock_mhz": self.clock_mhz,
                "peak_macs_per_cycle": self.pes,
                "dram_bytes_per_cycle": self.dram_bytes_per_cycle,
                "word_bits": dict(self.word_bits),
            },
            "network": {"weights": self.weights},
            **provenance(self),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=1) + "\n"

    def to_csv(self) -> str:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        head = ["layer", "type", "macs", "ops", "cycles", "stall_cycles", "utilization"]
        head += [f"{lv}_accesses" for lv in LEVELS]
        head += [f"energy_{k}" for k in ENERGY_LEVELS] + ["energy_total", "data_movement_share"]
        w.writerow(head)
        for l in self.layers:
            w.writerow(
                [l.name, l.type, l.macs, l.ops, l.cycles, l.stall_cycles, f"{l.utilization:.6f}"]
                + [l.level_accesses(lv) for lv in LEVELS]
                + [repr(l.energy.get(k, 0.0)) for k in ENERGY_LEVELS]
                + [repr(l.total_energy), f"{l.data_movement_share:.6f}"]
            )
        return buf.getvalue() + provenance_csv(self)


@dataclass(frozen=True)
class MultiResult:
    """``--dataflow all``: one run per dataflow."""

    runs: tuple[RunResult, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"runs": [r.to_dict() for r in self.runs]}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=1) + "\n"

    def to_csv(self) -> str:
        """Every run's rows, a ``dataflow`` column first."""
        lines: list[str] = []
        for i, r in enumerate(self.runs):
            text = [row for row in r.to_csv().splitlines() if not row.startswith("#")]
            if i == 0:
                lines.append("dataflow," + text[0])
            lines += [f"{r.dataflow},{row}" for row in text[1:]]
        return "\n".join(lines) + "\n" + provenance_csv(self.runs[0])


# ---------------------------------------------------------------- provenance


def energy_costs(r: RunResult) -> list[dict[str, Any]]:
    """Each cost of the run's energy table: action, cost, unit, source."""
    t = r.energy_table
    return [{"action": a, "cost": c, "unit": t.get("unit", r.energy_unit), "source": t.get("sources", {}).get(a, "")}
            for a, c in t.get("costs", {}).items()]


def provenance(r: RunResult) -> dict[str, Any]:
    """The keys added to DESIGN.md's result schema: which energy numbers were used (each
    cost, its unit, its source) and where the hardware config's figures come from."""
    if not r.energy_table and not r.hardware_source:
        return {}
    return {
        "energy_table": {"table": r.energy_table.get("table", ""), "unit": r.energy_table.get("unit", r.energy_unit),
                         "costs": energy_costs(r)},
        "hardware_source": r.hardware_source,
    }


def provenance_csv(r: RunResult) -> str:
    """The same as '#' comment lines after the rows (read them with ``comment='#'``)."""
    if not r.energy_table and not r.hardware_source:
        return ""
    buf = io.StringIO()
    buf.write(f"# hardware {r.hardware}: {r.hardware_source}\n")
    buf.write(f"# energy table {r.energy_table.get('table', '')} in {r.energy_table.get('unit', r.energy_unit)}: "
              "each line below: action / cost / unit / source\n")
    w = csv.writer(buf, lineterminator="\n")
    for c in energy_costs(r):
        w.writerow(["# " + c["action"], repr(c["cost"]), c["unit"], c["source"]])
    return buf.getvalue()
