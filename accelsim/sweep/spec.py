"""A sweep spec: the YAML that names a base config, the axes, the workloads and the constraints.

::

    base: eyeriss                      # a shipped config or a path (relative to this file)
    workloads: [resnet18, mobilenet_v2]  # zoo names or workload files
    dataflows: [rs, ws]                # default: the base config's own
    batch: [1, 4]                      # default [1]
    compress: [c1.yaml, none]          # compression files (needs accelsim.run(compress=...))
    axes:                              # any field of the base config by its YAML path
      array.rows: [8, 12, 16]
      glbs.fmap_glb.size: [64 KiB, 100 KiB, 200 KiB]
    constraints: {onchip_bytes: "<= 256 KiB", pes: [">= 64", "<= 256"]}
    objective: energy                  # energy | latency | edp (also what the mapper minimises)
    sampling: lhs                      # random | lhs, for --sample N (default random)
    seed: 0
    heatmap: [array.rows, array.cols]  # the two axes of the heat map (default: the first two)

Every value of every axis is applied alone to the base config and validated by the
hardware loader when the spec is read, so a value of the wrong type is an error naming
the axis before anything runs. Setting ``rf.split.<type>`` drops the base's stated RF
total (``size_words`` / ``size``) unless that is an axis too: the total follows the split.
"""
from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import AccelsimError, Where, did_you_mean
from ..hardware import HardwareSpec, derived, hardware_from_dict, parse_size_bytes
from ..yamlio import check_keys, expect_mapping, get_int, get_str, load_yaml
from .configpath import get_path, set_path

KEYS = ("base", "workloads", "dataflows", "batch", "compress", "axes", "constraints", "objective", "sampling", "seed", "heatmap")
OBJECTIVES = ("energy", "latency", "edp")
SAMPLINGS = ("random", "lhs")
NO_COMPRESSION = "none"
_OPS = {"<=": lambda a, b: a <= b, ">=": lambda a, b: a >= b, "<": lambda a, b: a < b, ">": lambda a, b: a > b,
        "==": lambda a, b: a == b}
_CONSTRAINT_RE = re.compile(r"^\s*(<=|>=|==|<|>)\s*(.+?)\s*$")


def figures(spec: HardwareSpec) -> dict[str, float]:
    """The derived figures a constraint may name (accelsim.hardware.derived, flattened)."""
    d = derived(spec)
    out: dict[str, float] = {
        "pes": d["pes"],
        "peak_macs_per_cycle": d["peak_macs_per_cycle"],
        "peak_macs_per_s": d["pes"] * spec.clock_mhz * 1e6,
        "peak_gmacs": d["peak_gmacs"],
        "peak_gops": d["peak_gops"],
        "clock_mhz": d["clock_mhz"],
        "rf_bytes_per_pe": d["rf_bytes_per_pe"],
        "onchip_bytes": d["onchip_bytes"]["total"],
        "onchip_bytes.RF": d["onchip_bytes"]["RF"],
        "onchip_bytes.GLB": d["onchip_bytes"]["GLB"],
        "dram_GBps": d["dram_GBps"],
        "dram_bytes_per_cycle": d["dram_bytes_per_cycle"],
        "ridge_macs_per_byte": d["ridge_macs_per_byte"],
    }
    out.update({f"glb_bytes.{k}": v for k, v in d["glb_bytes"].items()})
    return out


@dataclass(frozen=True)
class Constraint:
    """``figure op value``: e.g. onchip_bytes <= 262144."""

    figure: str
    op: str
    value: float
    text: str

    def holds(self, figs: dict[str, float]) -> bool:
        return bool(_OPS[self.op](figs[self.figure], self.value))


@dataclass(frozen=True)
class Axis:
    path: str
    values: tuple[Any, ...]


@dataclass(frozen=True)
class SweepSpec:
    file: str
    base: str  # the base config's path
    base_config: dict[str, Any] = field(repr=False)
    workloads: tuple[str, ...]  # zoo names or paths (found next to the spec if not from the current folder)
    workload_names: tuple[str, ...]  # as the spec writes them: the table's workload column
    dataflows: tuple[str, ...]
    batches: tuple[int, ...]
    compress: tuple[str, ...]  # paths, or NO_COMPRESSION
    compress_names: tuple[str, ...]  # as the spec writes them: the table's compress column
    axes: tuple[Axis, ...]
    constraints: tuple[Constraint, ...]
    objective: str
    sampling: str
    seed: int
    heatmap: tuple[str, str] | None

    @property
    def grid_size(self) -> int:
        n = 1
        for a in self.axes:
            n *= len(a.values)
        return n

    def config(self, values: tuple[Any, ...]) -> dict[str, Any]:
        """The base config with every axis set to its value in ``values`` (axis order)."""
        cfg = self.base_config
        for axis, v in zip(self.axes, values):
            cfg = set_path(cfg, axis.path, v)
        return _follow_split(cfg, [a.path for a in self.axes])

    def hardware(self, values: tuple[Any, ...]) -> HardwareSpec:
        return hardware_from_dict(self.config(values), self.base)


def _follow_split(cfg: dict[str, Any], axis_paths: list[str]) -> dict[str, Any]:
    """An RF split set by an axis: the base's stated total goes, unless it is an axis itself."""
    if any(p.startswith("rf.split.") for p in axis_paths) and isinstance(cfg.get("rf"), dict):
        rf = dict(cfg["rf"])
        for k in ("size_words", "size"):
            if f"rf.{k}" not in axis_paths:
                rf.pop(k, None)
        cfg = {**cfg, "rf": rf}
    return cfg


def _near(spec_file: Path, arg: str) -> str:
    """A path given in the spec, made absolute (a worker may run in another folder): as
    written if it exists, else relative to the spec's folder; a name that is no file stays."""
    p = Path(arg)
    for q in (p, spec_file.parent / p):
        if q.exists():
            return str(q.resolve())
    return arg


def _list(d: dict[str, Any], key: str, at: Where, default: list[Any]) -> list[Any]:
    value = d.get(key, default)
    if value is None:
        value = default
    if not isinstance(value, list):
        value = [value]
    if not value:
        raise at.at(key).error("empty list: the grid would be empty", expected="at least one value", found=[])
    seen: set[str] = set()
    for v in value:
        if repr(v) in seen:
            raise at.at(key).error("a value listed twice", expected="each value once", found=v)
        seen.add(repr(v))
    return value


def compress_supported() -> bool:
    """Whether this accelsim's run() takes compression files (issue 13)."""
    from ..api import run

    return "compress" in inspect.signature(run).parameters


def load_spec(path: str | Path) -> SweepSpec:
    """Read and check a sweep spec; any problem is one AccelsimError naming the file and key."""
    from ..dataflow import DATAFLOWS
    from ..paths import resolve_hardware_path, resolve_workload

    file = Path(path)
    top = Where(str(file))
    d = dict(expect_mapping(load_yaml(file), top, "a mapping with 'base', 'workloads', 'axes', ..."))
    check_keys(d, top, allowed=KEYS, required=("base", "workloads"))

    base_arg = get_str(d, "base", top)
    try:
        base = str(resolve_hardware_path(_near(file, base_arg)).resolve())
        base_config = dict(expect_mapping(load_yaml(base), Where(base), "a hardware config mapping"))
        base_spec = hardware_from_dict(base_config, base)
    except AccelsimError as exc:
        raise AccelsimError(f"the base config cannot be used: {exc}", file=str(file), where="base") from None

    workloads, names = [], []
    for w in _list(d, "workloads", top, []):
        if not isinstance(w, str):
            raise top.at("workloads").error("not a workload", expected="a zoo name or a workload file", found=w)
        names.append(w)
        w = _near(file, w)
        try:
            resolve_workload(w)
        except AccelsimError as exc:
            raise exc.within(file=str(file), where="workloads") from None
        workloads.append(w)

    dataflows = [str(x) for x in _list(d, "dataflows", top, [base_spec.dataflow])]
    for df in dataflows:
        if df not in DATAFLOWS:
            raise top.at("dataflows").error(f"unknown dataflow '{df}'{did_you_mean(df, DATAFLOWS)}",
                                            expected="shipped dataflows: " + ", ".join(DATAFLOWS), found=df)
    batches = _list(d, "batch", top, [1])
    for b in batches:
        if isinstance(b, bool) or not isinstance(b, int) or b < 1:
            raise top.at("batch").error("not a batch size", expected="whole numbers >= 1", found=b)

    compress = [str(c) for c in _list(d, "compress", top, [NO_COMPRESSION])]
    compress_names = list(compress)
    if compress != [NO_COMPRESSION]:
        if not compress_supported():
            raise top.at("compress").error(
                "compression files as a sweep axis need accelsim.run(..., compress=...), which this version of accelsim "
                "does not have yet (issue 13)", expected="no 'compress' key", found=compress)
        compress = [c if c == NO_COMPRESSION else _compression_file(file, c, top.at("compress")) for c in compress]

    axes_raw = expect_mapping(d.get("axes") or {}, top.at("axes"), "a mapping {YAML path: [values]}")
    axes = []
    for p, vals in axes_raw.items():
        at = top.at(f"axes.{p}")
        get_path(base_config, str(p), str(file), f"axes.{p}")
        values = _list(dict(axes_raw), p, top.at("axes"), [])
        for v in values:
            cfg = _follow_split(set_path(base_config, str(p), v), [str(p)])
            try:
                hardware_from_dict(cfg, base)
            except AccelsimError as exc:
                raise at.error(f"the value {v!r} does not make a valid config: {exc.message}",
                               expected=exc.expected, found=exc.found if exc.found is not None else v) from None
        axes.append(Axis(str(p), tuple(values)))

    figs = figures(base_spec)
    constraints = []
    for name, conds in expect_mapping(d.get("constraints") or {}, top.at("constraints"), "a mapping {figure: '<= value'}").items():
        at = top.at(f"constraints.{name}")
        if name not in figs:
            raise at.error(f"unknown figure '{name}'{did_you_mean(str(name), figs)}", expected="one of " + ", ".join(figs), found=name)
        for c in conds if isinstance(conds, list) else [conds]:
            constraints.append(_constraint(str(name), c, at))

    objective = get_str(d, "objective", top, default="energy", choices=OBJECTIVES)
    sampling = get_str(d, "sampling", top, default="random", choices=SAMPLINGS)
    seed = get_int(d, "seed", top, default=0, minimum=0)
    heatmap = None
    if d.get("heatmap") is not None:
        hm = d["heatmap"]
        names = [a.path for a in axes]
        if not isinstance(hm, list) or len(hm) != 2 or any(h not in names for h in hm):
            raise top.at("heatmap").error("not two of the axes", expected="two axis paths from: " + ", ".join(names), found=hm)
        heatmap = (str(hm[0]), str(hm[1]))
    return SweepSpec(
        file=str(file), base=base, base_config=base_config, workloads=tuple(workloads), workload_names=tuple(names), dataflows=tuple(dataflows),
        batches=tuple(batches), compress=tuple(compress), compress_names=tuple(compress_names), axes=tuple(axes), constraints=tuple(constraints),
        objective=objective, sampling=sampling, seed=seed, heatmap=heatmap,
    )


def _compression_file(spec_file: Path, arg: str, at: Where) -> str:
    """A compression file (next to the spec or from the current folder) or a shipped one by name."""
    p = _near(spec_file, arg)
    if Path(p).is_file():
        return p
    try:
        from ..compress.loader import resolve_compression_path  # type: ignore[import-not-found]
    except ImportError:
        raise at.error("no such compression file", expected="a path to a compression YAML", found=arg) from None
    try:
        return str(Path(resolve_compression_path(arg)).resolve())
    except AccelsimError as exc:
        raise exc.within(file=str(spec_file), where="compress") from None


def _constraint(name: str, cond: Any, at: Where) -> Constraint:
    expected = "a comparison such as '<= 256 KiB' or '>= 64' (<=, <, >=, >, ==)"
    if isinstance(cond, bool) or not isinstance(cond, (str, int, float)):
        raise at.error("not a comparison", expected=expected, found=cond)
    if not isinstance(cond, str):
        return Constraint(name, "==", float(cond), f"{name} == {cond}")
    m = _CONSTRAINT_RE.match(cond)
    if not m:
        raise at.error("not a comparison", expected=expected, found=cond)
    op, raw = m.groups()
    try:
        value = float(raw)
    except ValueError:
        value = float(parse_size_bytes(raw, at))
    return Constraint(name, op, value, f"{name} {op} {raw}")
