"""One task of a sweep: a design × workload × dataflow × batch × compression, keyed by its inputs.

The key is a SHA-256 over the contents of everything the result depends on — the design's
hardware config (with any file it names replaced by that file's contents), the workload as
its canonical YAML, the compression file's contents, the dataflow, the batch, the
objective — and accelsim's version: renaming a file keeps the key, editing it changes it.

:func:`execute` runs a task where it lands (a pool process or a Dask worker) and never
raises: a failing task comes back with its error, and the sweep goes on.
"""
from __future__ import annotations

import hashlib
import json
import os
import resource
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import AccelsimError
from ..result import ENERGY_LEVELS, LEVELS
from .spec import NO_COMPRESSION


def digest(text: str | bytes) -> str:
    return hashlib.sha256(text.encode("utf-8") if isinstance(text, str) else text).hexdigest()


def workload_digest(workload: str) -> str:
    """The digest of a workload's canonical YAML (the same network by any name or path has one)."""
    from ..paths import resolve_workload
    from ..workload import network_to_yaml

    return digest(network_to_yaml(resolve_workload(workload)))


def file_digest(path: str) -> str:
    return digest(Path(path).read_bytes()) if path != NO_COMPRESSION else NO_COMPRESSION


def _contents(node: Any, base_dir: Path) -> Any:
    """A config with every ``file:`` it names replaced by the digest of that file's bytes."""
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            if k == "file" and isinstance(v, str):
                p = Path(v) if Path(v).is_absolute() else base_dir / v
                out[k] = {"sha256": digest(p.read_bytes())} if p.is_file() else v
            else:
                out[k] = _contents(v, base_dir)
        return out
    if isinstance(node, list):
        return [_contents(v, base_dir) for v in node]
    return node


def task_key(config: dict[str, Any], base: str, workload_sha: str, dataflow: str, batch: int,
             compress_sha: str, objective: str) -> str:
    inputs = {
        "accelsim": __version__,
        "hardware": _contents(config, Path(base).resolve().parent),
        "workload": workload_sha,
        "dataflow": dataflow,
        "batch": batch,
        "compress": compress_sha,
        "objective": objective,
    }
    return digest(json.dumps(inputs, sort_keys=True, default=str))


@dataclass(frozen=True)
class Task:
    key: str
    design: int
    values: tuple[Any, ...]
    workload: str  # as the spec names it: a zoo name or a path
    workload_sha: str
    dataflow: str
    batch: int
    compress: str
    objective: str
    config: dict[str, Any]
    base: str  # the base config's file: anchors relative paths in the config


_NETWORKS: dict[str, Any] = {}


def _network(task: Task) -> Any:
    """The task's network, built once per process and checked against the key's digest."""
    if task.workload_sha not in _NETWORKS:
        from ..paths import resolve_workload
        from ..workload import network_to_yaml

        net = resolve_workload(task.workload)
        if digest(network_to_yaml(net)) != task.workload_sha:
            raise AccelsimError("the workload changed since the sweep started", file=task.workload)
        _NETWORKS[task.workload_sha] = net
    return _NETWORKS[task.workload_sha]


def metrics(result: Any) -> dict[str, Any]:
    """The totals of a run as one flat row (energy in the config's unit, latency in seconds)."""
    t = result.totals()
    row: dict[str, Any] = {
        "energy": t["energy_total"],
        "latency_s": t["seconds"],
        "edp": t["energy_total"] * t["seconds"],
        "cycles": t["cycles"],
        "stall_cycles": t["stall_cycles"],
        "macs": t["macs"],
        "utilization": t["utilization"],
        "data_movement_share": t["data_movement_share"],
    }
    row.update({f"energy_{k}": t["energy"][k] for k in ENERGY_LEVELS})
    row.update({f"{lv}_accesses": sum(v["reads"] + v["writes"] for v in t["accesses"][lv].values()) for lv in LEVELS})
    row["energy_unit"] = result.energy_unit
    return row


def execute(task: Task) -> dict[str, Any]:
    """Run one task; the outcome as a dict (``error`` is None or the failure in one line)."""
    from ..api import run
    from ..hardware import hardware_from_dict

    start, cpu = time.perf_counter(), time.process_time()
    out: dict[str, Any] = {"key": task.key, "error": None}
    try:
        spec = hardware_from_dict(task.config, task.base)
        kwargs = {} if task.compress == NO_COMPRESSION else {"compress": task.compress}
        r = run(_network(task), spec, task.dataflow, task.batch, task.objective, **kwargs)
        out.update(metrics(r))
    except AccelsimError as exc:
        out["error"] = str(exc)
    except Exception as exc:  # a failing task is a row with its error, never the end of the sweep
        out["error"] = f"{type(exc).__name__}: {exc}"
    out["wall_s"] = time.perf_counter() - start
    out["cpu_s"] = time.process_time() - cpu
    out["pid"] = os.getpid()
    out["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out

