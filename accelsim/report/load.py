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


COMPRESSED_KEYS = ("dense", "macs_effectual", "macs_gated", "macs_skipped", "load_imbalance", "compression")


def _expectation(rd: _Reader, d: Any, key: str, where: str) -> float:
    """An expected count of a compressed run (a float >= 0)."""
    v = rd.number(d, key, where)
    if v < 0:
        raise rd.err(_at(where, key), "an expected count >= 0", v)
    return v


def _layer(rd: _Reader, d: Any, i: int, compressed: bool = False) -> LayerResult:
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
            at = _at(where, f"accesses.{lv}.{t}")
            if compressed:  # expectations, and the bytes moved with metadata
                acc[lv][t] = {k: _expectation(rd, rw, k, at) for k in ("reads", "writes", "bytes")}
            else:
                acc[lv][t] = {k: rd.count(rw, k, at) for k in ("reads", "writes")}
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
        compressed=_compressed(rd, d, where) if compressed else None,
        tensors=d["tensors"] if isinstance(d.get("tensors"), dict) else None,  # the schedule's decision (accelsim/schedule/)
    )


def _compressed(rd: _Reader, d: Any, where: str) -> dict[str, Any]:
    """A compressed layer's dense twin and MAC split, as the run wrote them."""
    for k in COMPRESSED_KEYS[:4]:
        if k not in d:
            raise rd.err(_at(where, k), "a compressed run's layer to have it (accelsim run --compress)", "nothing")
    dense = rd.get(d, "dense", dict, where)
    for k in ("energy", "energy_by_type", "accesses"):
        rd.get(dense, k, dict, _at(where, "dense"))
    return {k: d[k] for k in COMPRESSED_KEYS if k in d}


def _run(rd: _Reader, d: Any, where: str = "") -> RunResult:
    if not isinstance(d, dict):
        raise rd.err(where or "top level", "a JSON object", type(d).__name__)
    pre = f"{where}." if where else ""
    machine = rd.get(d, "machine", dict, where)
    bits = rd.get(machine, "word_bits", dict, f"{pre}machine")
    layers_in = rd.get(d, "layers", list, where)
    compression = d.get("compression")
    if compression is not None and not isinstance(compression, dict):
        raise rd.err(_at(where, "compression"), "an object (name, source, mode, hardware)", type(compression).__name__)
    return RunResult(
        workload=rd.get(d, "workload", str, where),
        hardware=rd.get(d, "hardware", str, where),
        dataflow=rd.get(d, "dataflow", str, where),
        batch=rd.count(d, "batch", where),
        objective=str(d.get("objective", "")),
        energy_unit=rd.get(d, "energy_unit", str, where),
        pes=rd.count(machine, "pes", f"{pre}machine"),
        clock_mhz=rd.number(machine, "clock_mhz", f"{pre}machine"),
        layers=tuple(_layer(rd, l, i, compression is not None) for i, l in enumerate(layers_in)),
        compression=compression,
        version=str(d.get("accelsim_version", "")),
        notes=tuple(str(n) for n in d.get("notes", [])),
        dram_bytes_per_cycle=rd.number(machine, "dram_bytes_per_cycle", f"{pre}machine"),
        word_bits={t: rd.count(bits, t, f"{pre}machine.word_bits") for t in DTYPES},
        weights=rd.count(rd.get(d, "network", dict, where), "weights", f"{pre}network"),
        schedule=d["schedule"] if isinstance(d.get("schedule"), dict) else None,
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
    """Read a result JSON file written by ``accelsim run --json FILE`` or ``--out DIR``: a
    binary, truncated, nested-too-deep or layer-less file is one error saying what is wrong."""
    from ..yamlio import read_bytes

    p = Path(path)
    what = "the JSON of 'accelsim run --json'"
    if not p.exists():
        raise AccelsimError("cannot read the result file", file=str(p), expected="a readable JSON file",
                            found="no such file")
    data = read_bytes(p, what)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise AccelsimError("not a result JSON: a binary file (not UTF-8 text)", file=str(p), expected=what,
                            found=f"byte 0x{data[exc.start]:02x} at offset {exc.start}") from None
    if not text.strip():
        raise AccelsimError("the result file is empty", file=str(p), expected=what, found="0 characters") from None
    try:
        d = json.loads(text)
    except json.JSONDecodeError as exc:
        truncated = exc.pos >= len(text.rstrip())
        raise AccelsimError(f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
                            + ("; the file ends early, as if cut off" if truncated else ""), file=str(p),
                            expected=what, found=text[:40]) from None
    except RecursionError:
        raise AccelsimError("not a result JSON: nested too deeply", file=str(p), expected=what) from None
    result = result_from_dict(d, str(p))
    for run in result.runs if isinstance(result, MultiResult) else (result,):
        if not any(l.macs for l in run.layers):
            raise AccelsimError("the result has no layer with MACs: there is nothing to draw", file=str(p),
                                where="layers", expected="the result of a run of at least one conv or fc layer",
                                found=f"{len(run.layers)} layers, 0 MACs")
    return result
