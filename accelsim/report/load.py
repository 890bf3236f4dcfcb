"""A result read back from its JSON (``accelsim run --json``, ``--out DIR/result.json``).

``accelsim plot RESULT.json`` draws from the JSON alone; every figure's input is in it:
per-layer counts and energy, and (since the report) ``machine`` (PEs, clock, peak MACs
per cycle, DRAM bytes per cycle, word bits) and ``network`` (weights). Anything missing or
of the wrong kind is one :class:`~accelsim.errors.AccelsimError` naming the file and field.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import AccelsimError
from ..result import DTYPES, ENERGY_LEVELS, LEVELS, LayerResult, MultiResult, RunResult


def _at(where: str, key: str) -> str:
    """'machine.word_bits' for fields, "layer 'conv1', energy" after a layer's name."""
    if not where:
        return key
    return f"{where}, {key}" if where.endswith("'") else f"{where}.{key}"


class _Reader:
    def __init__(self, file: str) -> None:
        self.file = file

    def err(self, where: str, expected: str, found: object) -> AccelsimError:
        return AccelsimError("not an accelsim result", file=self.file, where=where, expected=expected, found=found)

    def get(self, d: Any, key: str, kind: type | tuple[type, ...], where: str) -> Any:
        if not isinstance(d, dict) or key not in d:
            raise self.err(_at(where, key), f"a field '{key}'", "nothing")
        v = d[key]
        if not isinstance(v, kind) or isinstance(v, bool):
            names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            raise self.err(_at(where, key), f"a {names}", v)
        return v

    def count(self, d: Any, key: str, where: str) -> int:
        v = self.get(d, key, int, where)
        if v < 0:
            raise self.err(_at(where, key), "a count >= 0", v)
        return v

    def number(self, d: Any, key: str, where: str) -> float:
        return float(self.get(d, key, (int, float), where))


def _layer(rd: _Reader, d: Any, i: int) -> LayerResult:
    where = f"layers[{i}]"
    name = rd.get(d, "name", str, where)
    where = f"layer '{name}'"
    acc_in = rd.get(d, "accesses", dict, where)
    acc = {}
    for lv in LEVELS:
        per = rd.get(acc_in, lv, dict, _at(where, "accesses"))
        acc[lv] = {}
        for t in DTYPES:
            rw = rd.get(per, t, dict, _at(where, f"accesses.{lv}"))
            acc[lv][t] = {k: rd.count(rw, k, _at(where, f"accesses.{lv}.{t}")) for k in ("reads", "writes")}
    energy_in = rd.get(d, "energy", dict, where)
    energy = {k: rd.number(energy_in, k, _at(where, "energy")) for k in ENERGY_LEVELS}
    by_in = rd.get(d, "energy_by_type", dict, where)
    by_type = {t: rd.number(by_in, t, _at(where, "energy_by_type")) for t in DTYPES}
    return LayerResult(
        name=name,
        type=rd.get(d, "type", str, where),
        shape=rd.get(d, "shape", dict, where),
        macs=rd.count(d, "macs", where),
        ops=rd.count(d, "ops", where),
        cycles=rd.count(d, "cycles", where),
        stall_cycles=rd.count(d, "stall_cycles", where),
        utilization=rd.number(d, "utilization", where),
        accesses=acc,
        energy=energy,
        energy_by_type=by_type,
        mapping={str(k): str(v) for k, v in rd.get(d, "mapping", dict, where).items()},
    )


def _run(rd: _Reader, d: Any, where: str = "") -> RunResult:
    if not isinstance(d, dict):
        raise rd.err(where or "top level", "a JSON object", type(d).__name__)
    pre = f"{where}." if where else ""
    machine = rd.get(d, "machine", dict, where)
    bits = rd.get(machine, "word_bits", dict, f"{pre}machine")
    layers_in = rd.get(d, "layers", list, where)
    return RunResult(
        workload=rd.get(d, "workload", str, where),
        hardware=rd.get(d, "hardware", str, where),
        dataflow=rd.get(d, "dataflow", str, where),
        batch=rd.count(d, "batch", where),
        objective=str(d.get("objective", "")),
        energy_unit=rd.get(d, "energy_unit", str, where),
        pes=rd.count(machine, "pes", f"{pre}machine"),
        clock_mhz=rd.number(machine, "clock_mhz", f"{pre}machine"),
        layers=tuple(_layer(rd, l, i) for i, l in enumerate(layers_in)),
        version=str(d.get("accelsim_version", "")),
        notes=tuple(str(n) for n in d.get("notes", [])),
        dram_bytes_per_cycle=rd.number(machine, "dram_bytes_per_cycle", f"{pre}machine"),
        word_bits={t: rd.count(bits, t, f"{pre}machine.word_bits") for t in DTYPES},
        weights=rd.count(rd.get(d, "network", dict, where), "weights", f"{pre}network"),
        **_provenance(rd, d, where),
    )


def _provenance(rd: _Reader, d: Any, where: str) -> dict[str, Any]:
    """The energy table and the hardware's source, where the JSON has them (older results do not)."""
    if "energy_table" not in d:
        return {}
    pre = f"{where}." if where else ""
    t = rd.get(d, "energy_table", dict, where)
    costs = rd.get(t, "costs", list, f"{pre}energy_table")
    for i, c in enumerate(costs):
        if not isinstance(c, dict) or not isinstance(c.get("action"), str) or isinstance(c.get("cost"), bool) \
                or not isinstance(c.get("cost"), (int, float)):
            raise rd.err(f"{pre}energy_table.costs[{i}]", "an object with an action (text) and a cost (a number)", c)
    return {
        "energy_table": {"table": str(t.get("table", "")), "unit": str(t.get("unit", "")),
                         "costs": {c["action"]: float(c["cost"]) for c in costs},
                         "sources": {c["action"]: str(c.get("source", "")) for c in costs}},
        "hardware_source": str(d.get("hardware_source", "")),
    }


def result_from_dict(d: Any, file: str = "<result>") -> RunResult | MultiResult:
    """The result a ``to_dict()`` (one run, or ``{"runs": [...]}``) describes."""
    rd = _Reader(file)
    if isinstance(d, dict) and "runs" in d:
        runs = rd.get(d, "runs", list, "")
        if not runs:
            raise rd.err("runs", "at least one run", [])
        return MultiResult(tuple(_run(rd, r, f"runs[{i}]") for i, r in enumerate(runs)))
    return _run(rd, d)


def load_result(path: str | Path) -> RunResult | MultiResult:
    """Read a result JSON file written by ``accelsim run --json FILE`` or ``--out DIR``."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise AccelsimError("cannot read the result file", file=str(p), expected="a readable JSON file",
                            found=exc.strerror or str(exc)) from None
    try:
        d = json.loads(text)
    except json.JSONDecodeError as exc:
        raise AccelsimError(f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})", file=str(p),
                            expected="the JSON of 'accelsim run --json'", found=text[:40]) from None
    return result_from_dict(d, str(p))
