"""Timeloop v0.4 mapping files: a list of directives ``{target, type, factors, permutation, keep,
bypass, split}``, read into one loop nest over the architecture's levels.

``type: temporal`` and ``type: spatial`` give a level's loop bounds (``factors: C1 M8 R1 …``) and
their order (``permutation: MCRSNPQ``, innermost first, as Timeloop writes it); at each level the
temporal loops sit outside its spatial ones. ``type: datatype`` (or ``bypass``) says which data
spaces the level keeps. A directive accelsim cannot count is refused by name.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

from ..errors import Where, did_you_mean
from ..yamlio import check_keys, expect_mapping
from .arch import Arch
from .problem import TProblem
from .yamltags import load_timeloop_yaml, section

TYPES = ("temporal", "spatial", "datatype", "bypass")
KEYS = ("target", "type", "factors", "permutation", "keep", "bypass", "split")


@dataclass(frozen=True)
class Loop:
    level: int  # index into Arch.levels (0 = top)
    dim: str
    bound: int
    spatial: bool = False
    axis: str = ""  # a spatial loop's mesh axis, "X" or "Y" (Timeloop's split: permutation[:split] on X)


@dataclass(frozen=True)
class Nest:
    problem: TProblem
    arch: Arch
    loops: tuple[Loop, ...]  # outermost first
    keep: tuple[frozenset[str], ...]  # per level: the data spaces it keeps
    file: str = ""

    def describe(self) -> list[str]:
        """The nest as Timeloop prints it (``timeloop-mapper.map.txt``), one line per level or loop."""
        lines: list[str] = []
        depth = 0
        for i, lv in enumerate(self.arch.levels[:-1]):
            kept = sorted(self.keep[i])
            lines.append(f"{lv.name} [ {' '.join(kept)} ]")
            for lp in self.loops:
                if lp.level == i:
                    lines.append("|" + "  " * depth + f" for {lp.dim} in [0:{lp.bound})" + (" (Spatial)" if lp.spatial else ""))
                    depth += 1
        lines.append("|" + "  " * depth + " << Compute >>")
        return lines


def _factors(text: Any, at: Where, p: TProblem) -> dict[str, int]:
    if isinstance(text, list):
        text = " ".join(str(t).replace("=", "") for t in text)
    if not isinstance(text, str):
        raise at.error("wrong kind of value", expected="factors as 'C1 M8 R3 …'", found=text)
    out: dict[str, int] = {}
    for tok in text.replace(",", " ").split():
        m = re.fullmatch(r"([A-Za-z_]\w*?)=?(\d+)", tok)
        if not m:
            raise at.error(f"'{tok}' is not a factor", expected="a dimension and a whole number, e.g. M8", found=tok)
        d, n = m.group(1), int(m.group(2))
        if d not in p.dims:
            raise at.error(f"'{d}' is not a dimension of the problem{did_you_mean(d, p.dims)}",
                           expected="one of " + ", ".join(p.dims), found=tok)
        if n < 1:
            raise at.error(f"the factor of {d} is {n}", expected="a factor ≥ 1", found=tok)
        out[d] = n
    return out


def _perm(text: Any, at: Where, p: TProblem, factors: dict[str, int]) -> list[str]:
    if text is None:
        return list(p.dims)
    if isinstance(text, list):
        toks = [str(t) for t in text]
    elif isinstance(text, str):
        toks = text.split() if " " in text.strip() else list(text.strip())
    else:
        raise at.error("wrong kind of value", expected="a permutation such as MCRSNPQ (innermost first)", found=text)
    bad = [t for t in toks if t not in p.dims]
    if bad or len(set(toks)) != len(toks):
        raise at.error("not a permutation of the problem's dimensions", expected="each of " + "".join(p.dims) + " at most once",
                       found=text)
    return toks + [d for d in p.dims if d not in toks]


def parse_mapping(data: Any, file: str, p: TProblem, arch: Arch) -> Nest:
    mat, dirs = section(data, file, "mapping", "mapping", "mapping: [directives]")
    at = Where(file)
    if not isinstance(dirs, list):
        raise mat.error("wrong kind of value", expected="a list of directives", found=type(dirs).__name__)
    names = [lv.name for lv in arch.levels if lv.kind != "compute"]
    n = len(arch.levels)
    temporal: dict[int, tuple[dict[str, int], list[str]]] = {}
    spatial: dict[int, tuple[dict[str, int], list[str]]] = {}
    keep: dict[int, frozenset[str]] = {}
    splits: dict[int, int] = {}  # per level: its spatial directive's split
    spaces = [s.name for s in p.data_spaces]
    for k, d in enumerate(dirs):
        dat = at.at(f"mapping[{k}]")
        d = expect_mapping(d, dat, "a directive {target, type, …}")
        tgt, typ = d.get("target"), d.get("type")
        dat = at.at(f"mapping[{k}] (target {tgt}, type {typ})")
        check_keys(d, dat, allowed=KEYS, required=("target", "type"))
        if typ not in TYPES:
            raise dat.at("type").error(f"'{typ}' is not a directive type accelsim can count{did_you_mean(str(typ), TYPES)}",
                                       expected="one of " + ", ".join(TYPES), found=typ)
        i = arch.index(str(tgt))
        if i is None or arch.levels[i].kind == "compute":
            raise dat.at("target").error(f"no storage level '{tgt}' in the architecture{did_you_mean(str(tgt), names)}",
                                         expected="one of " + ", ".join(names), found=tgt)
        if typ in ("datatype", "bypass"):
            for key in ("keep", "bypass"):
                for s in d.get(key, []) or []:
                    if s not in spaces:
                        raise dat.at(key).error(f"'{s}' is not a data space of the problem", expected="one of " + ", ".join(spaces), found=s)
            kept = set(keep.get(i, frozenset(spaces)))
            kept |= set(d.get("keep", []) or [])
            kept -= set(d.get("bypass", []) or [])
            if d.get("keep") is not None and typ == "datatype":
                kept = set(d.get("keep") or []) - set(d.get("bypass", []) or [])
            keep[i] = frozenset(kept)
            continue
        if "factors" not in d:
            raise dat.error("a loop directive needs its factors", expected="factors: 'C1 M8 …'")
        f = _factors(d["factors"], dat.at("factors"), p)
        perm = _perm(d.get("permutation"), dat.at("permutation"), p, f)
        table = temporal if typ == "temporal" else spatial
        if i in table:
            raise dat.error(f"a second {typ} directive for '{tgt}'", expected=f"one {typ} directive per level", found=tgt)
        split = d.get("split", len(perm))
        if isinstance(split, bool) or not isinstance(split, int) or split < 0:
            raise dat.at("split").error("not a split of the permutation", expected="a whole number ≥ 0", found=split)
        table[i] = (f, perm)
        if typ == "spatial":
            splits[i] = split
    loops: list[Loop] = []
    for i in range(n - 1):
        for table, sp in ((temporal, False), (spatial, True)):
            if i in table:
                f, perm = table[i]
                for k in reversed(range(len(perm))):  # the permutation is innermost first
                    dim = perm[k]
                    if f.get(dim, 1) > 1:
                        loops.append(Loop(i, dim, f[dim], sp, ("X" if k < splits[i] else "Y") if sp else ""))
    for i, lv in enumerate(arch.levels[:-1]):
        fan = arch.levels[i + 1].instances // lv.instances if lv.instances else 1
        used = 1
        for lp in loops:
            if lp.level == i and lp.spatial:
                used *= lp.bound
        if used > fan:
            raise at.at(f"mapping (target {lv.name}, type spatial)").error(
                f"the spatial factors need a fan-out of {used} below '{lv.name}'",
                expected=f"at most {fan} (the architecture's mesh there)", found=used)
    bounds = p.bound()
    for dim in p.dims:
        prod = 1
        for lp in loops:
            if lp.dim == dim:
                prod *= lp.bound
        if prod != bounds[dim]:
            per = ", ".join(f"{arch.levels[lp.level].name}{' (spatial)' if lp.spatial else ''} {lp.bound}" for lp in loops if lp.dim == dim)
            raise at.at("mapping").error(
                f"the factors of {dim} multiply to {prod}, not to the problem's {dim} = {bounds[dim]}"
                + ("" if bounds[dim] % prod == 0 and prod <= bounds[dim] else " (they do not divide it)"),
                expected=f"factors of {dim} whose product is {bounds[dim]}", found=per or "none (all 1)")
    kept_by: list[frozenset[str]] = []
    for i, lv in enumerate(arch.levels[:-1]):
        if i in keep:
            kept_by.append(keep[i] if lv.kind == "storage" else frozenset())
        elif lv.kind == "dummy":
            kept_by.append(frozenset())
        else:
            base = frozenset(lv.keep) if lv.keep is not None else frozenset(spaces)
            kept_by.append(base - frozenset(lv.bypass))
    if kept_by and kept_by[0] != frozenset(spaces):
        raise at.at(f"mapping (target {arch.levels[0].name})").error(
            "the outermost level must keep every data space", expected=", ".join(spaces), found=sorted(kept_by[0]))
    kept_by.append(frozenset())
    return Nest(p, arch, tuple(loops), tuple(kept_by), file)


def load_mapping(path: str | os.PathLike[str], p: TProblem, arch: Arch) -> Nest:
    return parse_mapping(load_timeloop_yaml(path), str(path), p, arch)
