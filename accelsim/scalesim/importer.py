"""``accelsim import scalesim``: a SCALE-Sim topology + config as accelsim workload + hardware YAML.

The workload is a *list of standalone layers* (accelsim's loader format, each layer stating its
own C, H, W). SCALE-Sim's output size is ``ceil((H − R + U)/U)`` with no padding: the windows
that hang over the bottom/right edge are kept and their missing pixels are never fetched
(address −1). accelsim's conv rounds down, so each layer gets the equivalent zero padding on
the bottom and right only::

    pad_bottom = (U − (H − R) mod U) mod U      pad_right = (U − (W − S) mod U) mod U

which gives floor((H + pad_bottom − R)/U) + 1 = ceil((H − R + U)/U), the same E × F outputs
and the same MACs. Other conversions:

- a GEMM row (M, N, K) becomes a 1×1 conv over M pixels with K channels and N filters
  (H = M, W = 1, C = K), the same M·N·K MACs;
- SCALE-Sim's depthwise convention (a name containing ``DP``: Channels separate single-channel
  layers with Num Filter filters each) becomes one grouped conv, groups = C, M = C·Num Filter;
- a repeated layer name gets a ``_2``, ``_3``… suffix (accelsim names must be unique).

The hardware file is :func:`.config.config_to_hardware_dict`; both files are validated by
accelsim's own loaders before they are written.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..errors import AccelsimError
from ..hardware import hardware_from_dict
from ..workload import network_to_yaml, workload_from_dict
from ..writing import Outputs
from ..yamlio import dump_yaml
from .config import ScaleSimConfig, config_to_hardware_dict, load_config
from .topology import ScaleSimLayer, Topology, load_topology


def ceil_padding(size: int, kernel: int, stride: int) -> int:
    """Bottom/right zero padding that makes accelsim's floor rule give SCALE-Sim's ceil size."""
    return (stride - (size - kernel) % stride) % stride


def _layer_dict(layer: ScaleSimLayer, name: str, groups: int = 1) -> dict[str, Any]:
    if layer.gemm is not None:
        m, n, k = layer.gemm
        return {"name": name, "type": "conv", "C": k, "H": m, "W": 1, "M": n, "R": 1, "S": 1, "bias": False}
    d: dict[str, Any] = {
        "name": name,
        "type": "conv",
        "C": layer.C * groups,
        "H": layer.H,
        "W": layer.W,
        "M": layer.M * groups,
        "R": layer.R,
        "S": layer.S,
    }
    if layer.U != 1:
        d["stride"] = layer.U
    pb = ceil_padding(layer.H, layer.R, layer.U)
    pr = ceil_padding(layer.W, layer.S, layer.U)
    if pb or pr:
        d["pad"] = [0, pb, 0, pr]
    if groups != 1:
        d["groups"] = groups
    d["bias"] = False
    return d


def topology_to_workload_dict(topology: Topology) -> dict[str, Any]:
    """The accelsim workload (standalone layers) equivalent to a SCALE-Sim topology."""
    layers: list[dict[str, Any]] = []
    used: dict[str, int] = {}
    i = 0
    items = topology.layers
    while i < len(items):
        layer = items[i]
        groups = 1
        name = layer.name
        if layer.depthwise_of is not None:
            j = i
            while j < len(items) and items[j].depthwise_of == layer.depthwise_of and items[j].line == layer.line:
                j += 1
            groups = j - i
            name = layer.depthwise_of
            i = j
        else:
            i += 1
        used[name] = used.get(name, 0) + 1
        if used[name] > 1:
            name = f"{name}_{used[name]}"
        layers.append(_layer_dict(layer, name, groups))
    kind = "GEMM" if topology.gemm else "conv"
    return {
        "name": topology.name,
        "description": f"Imported from the SCALE-Sim {kind} topology {Path(topology.file).name or topology.name}",
        "source": "accelsim import scalesim (SCALE-Sim 3.0.0 semantics: ceil output size via bottom/right padding)",
        "layers": layers,
    }


def import_scalesim(
    topology_path: str | os.PathLike[str],
    config_path: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    gemm: bool | None = None,
) -> tuple[Path, Path]:
    """Write ``<topology>.yaml`` (workload) and ``<run_name>.yaml`` (hardware) into ``out_dir``."""
    topology = load_topology(topology_path, gemm=gemm)
    cfg = load_config(config_path)
    return write_import(topology, cfg, out_dir)


def write_import(topology: Topology, cfg: ScaleSimConfig, out_dir: str | os.PathLike[str]) -> tuple[Path, Path]:
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise AccelsimError("exists and is not a directory", file=str(out), where="-o")
    wl = topology_to_workload_dict(topology)
    net = workload_from_dict(wl, f"<workload imported from {topology.file}>")
    for layer, ss in zip(net.layers, _merged(topology)):
        if (layer.out.H, layer.out.W) != (ss.E, ss.F) and ss.gemm is None:
            raise AccelsimError(  # a bug guard: the padding rule above must reproduce the ceil size
                "the imported layer's output size differs from SCALE-Sim's",
                where=f"layer '{layer.name}'", expected=f"{ss.E}x{ss.F}", found=f"{layer.out.H}x{layer.out.W}",
            )
    hw = config_to_hardware_dict(cfg)
    hardware_from_dict(hw, f"<hardware imported from {cfg.file}>")
    header = (
        f"Imported by `accelsim import scalesim` from {topology.file}.\n"
        "SCALE-Sim rounds the output size up without padding; the bottom/right 'pad' reproduces that size\n"
        "(see docs/scalesim.md). GEMM rows are 1x1 convs (H=M, W=1, C=K, M=N); 'DP' layers are grouped convs."
    )
    wl_path = out / f"{_file_stem(topology.name)}.yaml"
    hw_path = out / f"{hw['name']}.yaml"
    hw_header = "\n".join(
        f"# {line}"
        for line in (
            f"Imported by `accelsim import scalesim` from {cfg.file}.",
            "SCALE-Sim has no clock, register files, SIMD unit or energy: clock_mhz, rf, simd and energy are",
            "accelsim's nominal choices. DRAM bandwidth is what SCALE-Sim uses in "
            + ("USER mode ([layout] bank bandwidths in, Bandwidth[0] out)."
               if cfg.user_bandwidth else "CALC mode (10 words/cycle into each of ifmap/filter, ArrayWidth out)."),
        )
    )
    # both or neither: each staged beside its target, then both renamed into place
    Outputs(label="import scalesim").file(wl_path, network_to_yaml(net, header=header)).file(
        hw_path, hw_header + "\n" + dump_yaml(hw)).write()
    return wl_path, hw_path


def _merged(topology: Topology) -> list[ScaleSimLayer]:
    """One representative SCALE-Sim layer per imported layer (DP groups merged)."""
    out: list[ScaleSimLayer] = []
    prev: ScaleSimLayer | None = None
    for layer in topology.layers:
        if (
            prev is not None
            and layer.depthwise_of is not None
            and layer.depthwise_of == prev.depthwise_of
            and layer.line == prev.line
        ):
            continue
        out.append(layer)
        prev = layer
    return out


def _file_stem(name: str) -> str:
    stem = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name).strip("._")
    return stem or "workload"
