"""``accelsim import timeloop``: the files written for a Timeloop problem, architecture and mapping.

- ``workload.yaml``: the problem as an accelsim conv layer (when its dimensions are a
  convolution's: Timeloop's P, R, Wstride run along W, so accelsim's F, S; Q, S, Hstride along
  H, so E, R), with Timeloop's H, W and padding when it states them, else the input its
  windows touch and no padding;
- ``hardware.yaml``: the architecture as an accelsim config (:mod:`.hardware`);
- ``mappings.yaml``: Timeloop's mapping as the layer's pinned mapping (:mod:`.engine`), so
  ``accelsim run workload.yaml hardware.yaml --mapping mappings.yaml`` runs it in the engine
  under accelsim's convention; what the engine cannot express is one error naming the
  directive, and nothing is written;
- ``nest.txt``: Timeloop's mapping as read (one line per level and loop, as its map.txt);
- ``counts.json``: every level's reads, fills and updates per data space under Timeloop's
  convention, and the energy with Accelergy's per-action energies when an ERT was given.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from ..errors import AccelsimError
from ..workload.ops import conv_out
from ..yamlio import atomic_write_text, dump_yaml
from .problem import TProblem
from .run import TimeloopRun

CONV_DIMS = frozenset("CMRSNPQG")


def conv_layer(p: TProblem, instance: dict[str, int] | None = None) -> dict[str, object] | None:
    """An accelsim conv layer for a convolution-shaped problem, or None."""
    if not set(p.dims) <= CONV_DIMS:
        return None
    b = {d: 1 for d in CONV_DIMS} | p.bound()
    coef = {}
    for ds in p.data_spaces:
        for coord in ds.projection:
            for d, c in coord:
                coef.setdefault(d, set()).add(c)
    stride = {d: max(coef.get(d, {1})) for d in "PQ"}
    dil = {d: max(coef.get(d, {1})) for d in "RS"}
    if stride["P"] != stride["Q"] or dil["R"] != dil["S"]:
        return None  # accelsim's conv has one stride and one dilation
    u, dl = stride["P"], dil["R"]
    inst = instance if instance is not None else dict(p.sizes)
    size = {}
    pads = []
    for out, k, big, padk in (("Q", "S", "H", "Hpad"), ("P", "R", "W", "Wpad")):
        touched = (b[out] - 1) * u + (b[k] - 1) * dl + 1
        given, pad = inst.get(big), inst.get(padk, 0)
        if isinstance(given, int) and conv_out(given, b[k], u, pad, pad, dl) == b[out]:
            size[big] = given
            pads += [pad, pad]
        else:
            size[big] = touched
            pads += [0, 0]
    layer: dict[str, object] = {"name": p.name or "layer", "type": "conv", "C": b["C"] * b["G"], "H": size["H"], "W": size["W"],
                                "M": b["M"] * b["G"], "R": b["S"], "S": b["R"], "stride": u, "bias": False}
    if any(pads):
        layer["pad"] = pads
    if dl != 1:
        layer["dilation"] = dl
    if b["G"] != 1:
        layer["groups"] = b["G"]
    return layer


def write_import(r: TimeloopRun, out_dir: str | os.PathLike[str], instance: dict[str, int] | None = None) -> list[tuple[str, Path]]:
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise AccelsimError("exists and is not a directory", file=str(out), where="-o")
    texts: list[tuple[str, Path, str]] = []
    layer = conv_layer(r.nest.problem, instance)
    if layer is not None:
        from .engine import problem_of
        from .hardware import config_name, imported

        n = problem_of(r.nest).N
        hw, pin = imported(r.nest, config_name(r.nest))
        run = f"accelsim run {out / 'workload.yaml'} {out / 'hardware.yaml'} --mapping {out / 'mappings.yaml'}" + (
            f" --batch {n}" if n != 1 else "")
        head = f"# imported by 'accelsim import timeloop' from {r.nest.file}\n# run: {run}\n"
        wl = {"name": f"timeloop_{r.nest.problem.name}", "description": "imported from a Timeloop problem",
              "layers": [layer]}
        texts.append(("the problem as an accelsim workload", out / "workload.yaml", head + dump_yaml(wl)))
        texts.append(("the architecture as an accelsim config", out / "hardware.yaml",
                      f"# imported by 'accelsim import timeloop' from {r.nest.arch.file}\n# run: {run}\n" + dump_yaml(hw)))
        texts.append(("Timeloop's mapping pinned for the engine", out / "mappings.yaml",
                      f"# imported by 'accelsim import timeloop' from {r.nest.file}\n# run: {run}\n"
                      + dump_yaml({str(layer["name"]): pin.spec})))
    texts.append(("Timeloop's loop nest as read", out / "nest.txt", "\n".join(r.nest.describe()) + "\n"))
    texts.append(("counts per level and data space, Timeloop's convention", out / "counts.json",
                  json.dumps(r.to_json(), indent=1) + "\n"))
    out.mkdir(parents=True, exist_ok=True)
    for _, path, text in texts:
        atomic_write_text(path, text)
    return [(what, path) for what, path, _ in texts]
