"""Timeloop v0.4 architectures, as the storage levels a mapping targets, top (DRAM) first.

Two spellings are read: the tagged tree (``architecture: {version: 0.4, nodes: [!Container …,
!Component …, !Parallel {nodes}]}``) and the front end's flattened one (``architecture:
{subtree: [{local: [NAME[1..N] …], subtree: …}]}``). A container with a ``spatial`` mesh becomes
the dummy level ``inter_<name>_spatial`` its fan-out is mapped at (as Timeloop's front end
names it); the components under it are instanced mesh-fold. Energies per action come from
Accelergy's ERT (``ERT_summary.yaml`` or ``ERT.yaml``), where given.
"""
from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import Where
from ..yamlio import check_keys, expect_mapping
from .yamltags import load_timeloop_yaml, section

STORAGE = ("DRAM", "SRAM", "smartbuffer_SRAM", "smartbuffer_RF", "smartbuffer_metadata", "regfile", "storage",
           "dummy_storage", "reg_storage", "aladdin_register")
COMPUTE = ("intmac", "fpmac", "mac", "compute", "aladdin_adder", "aladdin_multiplier")
NODE_KEYS = ("!", "name", "class", "subclass", "attributes", "spatial", "constraints", "nodes", "required_actions",
             "enabled", "actions", "sparse_optimizations", "description")


@dataclass(frozen=True)
class Level:
    name: str
    kind: str  # "storage", "dummy" (a container's fan-out) or "compute"
    instances: int
    datawidth: int = 16
    width: int = 16  # bits per access (a vector of width // datawidth words)
    depth: int | None = None
    read_bw: float | None = None
    write_bw: float | None = None
    keep: tuple[str, ...] | None = None  # the architecture's constraint, if stated
    bypass: tuple[str, ...] = ()
    shared_bw: float | None = None  # words per cycle, reads and writes together
    mesh: tuple[int, int] = (1, 1)  # a fan-out's (meshX, meshY)

    @property
    def block(self) -> int:
        return max(1, self.width // max(1, self.datawidth))


@dataclass(frozen=True)
class Arch:
    levels: tuple[Level, ...]  # top first; the compute unit last
    file: str = ""
    energy: Mapping[str, Mapping[str, float]] = field(default_factory=dict)  # component → action → pJ

    def index(self, name: str) -> int | None:
        for i, lv in enumerate(self.levels):
            if lv.name == name:
                return i
        return None

    @property
    def storage(self) -> tuple[Level, ...]:
        return tuple(lv for lv in self.levels if lv.kind != "compute")


def _num(attrs: Mapping[str, Any], key: str, default: Any = None) -> Any:
    v = attrs.get(key, default)
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) else default


def _component(d: Mapping[str, Any], at: Where, inst: int) -> Level:
    cls = str(d.get("class", ""))
    sub = str(d.get("subclass", ""))
    attrs = expect_mapping(d.get("attributes", {}) or {}, at.at("attributes"))
    cons = expect_mapping(d.get("constraints", {}) or {}, at.at("constraints"))
    ds = expect_mapping(cons.get("dataspace", {}) or {}, at.at("constraints.dataspace"))
    name = re.sub(r"\[.*\]$", "", str(d.get("name", "")))
    if cls in COMPUTE or sub in COMPUTE:
        return Level(name, "compute", inst)
    if cls not in STORAGE and sub not in STORAGE:
        raise at.at("class").error(
            f"component class '{cls}' is neither a storage nor a compute class accelsim knows",
            expected="one of " + ", ".join(STORAGE + COMPUTE), found=cls)
    dw = _num(attrs, "datawidth", _num(attrs, "word_bits", 16))
    keep = ds.get("keep")
    return Level(name, "dummy" if cls == "dummy_storage" else "storage", inst, int(dw),
                 int(_num(attrs, "width", _num(attrs, "block_size", 1) * dw)), _num(attrs, "depth"),
                 _num(attrs, "read_bandwidth"), _num(attrs, "write_bandwidth"),
                 tuple(keep) if isinstance(keep, list) else None, tuple(ds.get("bypass", []) or []),
                 _num(attrs, "shared_bandwidth"))


def _fanout(spatial: Any, at: Where) -> tuple[int, int]:
    """A container's (meshX, meshY)."""
    sp = expect_mapping(spatial, at, "{meshX: N, meshY: M}")
    check_keys(sp, at, allowed=("meshX", "meshY"))
    mesh = []
    for k in ("meshX", "meshY"):
        v = sp.get(k, 1)
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            raise at.at(k).error("not a positive mesh size", expected="an integer ≥ 1", found=v)
        mesh.append(v)
    return mesh[0], mesh[1]


def _walk_nodes(nodes: Any, at: Where, inst: list[int], out: list[Level]) -> None:
    if not isinstance(nodes, list):
        raise at.error("wrong kind of value", expected="a list of nodes", found=type(nodes).__name__)
    for i, d in enumerate(nodes):
        nat = at.at(f"nodes[{i}]" + (f" '{d.get('name')}'" if isinstance(d, dict) and d.get("name") else ""))
        d = expect_mapping(d, nat, "a !Container, !Component or !Parallel node")
        check_keys(d, nat, allowed=NODE_KEYS)
        tag = d.get("!")
        if tag == "Container":
            if d.get("spatial"):
                mx, my = _fanout(d["spatial"], nat.at("spatial"))
                if mx * my > 1:
                    out.append(Level(f"inter_{d['name']}_spatial", "dummy", inst[0], mesh=(mx, my)))
                    inst[0] *= mx * my
        elif tag == "Component":
            if d.get("spatial"):
                raise nat.at("spatial").error(
                    "a component with its own spatial mesh is an architecture accelsim cannot express",
                    expected="the mesh on a !Container", found=d["spatial"])
            out.append(_component(d, nat, inst[0]))
        elif tag in ("Parallel", "Hierarchical"):
            _walk_nodes(d.get("nodes", []), nat, inst, out)
        elif tag == "Nothing":
            continue
        else:
            raise nat.error("an architecture node needs a tag", expected="!Container, !Component or !Parallel",
                            found=tag or "no tag")


def _walk_subtree(tree: Any, at: Where, out: list[Level]) -> None:
    for i, node in enumerate(tree or []):
        nat = at.at(f"subtree[{i}]")
        node = expect_mapping(node, nat)
        check_keys(node, nat, allowed=("name", "attributes", "local", "subtree", "description"))
        for j, d in enumerate(node.get("local", []) or []):
            lat = nat.at(f"local[{j}]")
            d = expect_mapping(d, lat)
            check_keys(d, lat, allowed=NODE_KEYS)
            m = re.search(r"\[1\.\.(\d+)\]$", str(d.get("name", "")))
            out.append(_component(d, lat, int(m.group(1)) if m else 1))
        _walk_subtree(node.get("subtree"), nat, out)


def parse_arch(data: Any, file: str) -> tuple[Level, ...]:
    at, a = section(data, file, "architecture", "architecture", "architecture: {version, nodes}")
    a = expect_mapping(a, at)
    check_keys(a, at, allowed=("version", "nodes", "subtree", "local", "name", "attributes"))
    out: list[Level] = []
    if "nodes" in a:
        _walk_nodes(a["nodes"], at, [1], out)
    else:
        _walk_subtree(a.get("subtree"), at, out)
    comp = [lv for lv in out if lv.kind == "compute"]
    if len(comp) != 1 or out[-1].kind != "compute":
        raise at.error("the architecture must end in exactly one compute unit (e.g. class intmac)",
                       expected="one compute component, innermost", found=[lv.name for lv in comp] or "none")
    if not any(lv.kind == "storage" for lv in out):
        raise at.error("no storage level", expected="at least DRAM", found=[lv.name for lv in out])
    return tuple(out)


def load_ert(path: str | os.PathLike[str]) -> dict[str, dict[str, float]]:
    """Accelergy's ``ERT_summary.yaml`` or ``ERT.yaml``: energy (pJ) per action per component."""
    at = Where(str(path))
    data = expect_mapping(load_timeloop_yaml(path), at)
    key = "ERT_summary" if "ERT_summary" in data else "ERT" if "ERT" in data else None
    if key is None:
        raise at.error("not an Accelergy energy reference table", expected="a top key ERT_summary or ERT",
                       found=", ".join(map(str, data)))
    tables = expect_mapping(data[key], at.at(key)).get("table_summary" if key == "ERT_summary" else "tables", [])
    out: dict[str, dict[str, float]] = {}
    for i, t in enumerate(tables or []):
        tat = at.at(f"{key}[{i}]")
        t = expect_mapping(t, tat)
        name = re.sub(r"\[.*\]$", "", str(t.get("name", ""))).split(".")[-1]
        acts: dict[str, float] = {}
        for a in t.get("actions", []) or []:
            e = a.get("energy", a.get("average_energy"))
            if isinstance(e, (int, float)) and a.get("name") not in acts:
                acts[str(a["name"])] = float(e)
        out[name] = acts
    return out


def load_arch(path: str | os.PathLike[str], ert: str | os.PathLike[str] | None = None) -> Arch:
    levels = parse_arch(load_timeloop_yaml(path), str(path))
    return Arch(levels, str(path), load_ert(ert) if ert else {})
