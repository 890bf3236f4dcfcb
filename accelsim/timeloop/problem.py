"""Timeloop v0.4 problem files: ``problem: {shape: {dimensions, coefficients, data_spaces}, instance}``.

A data space's projection is a list of coordinates, each a sum of terms ``[dim]`` or
``[dim, coefficient-name]``; the coefficient's value is the instance's (or its default).
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from ..errors import Where
from ..yamlio import check_keys, expect_mapping
from .yamltags import load_timeloop_yaml, section


@dataclass(frozen=True)
class DataSpace:
    name: str
    projection: tuple[tuple[tuple[str, int], ...], ...]  # per coordinate: (dim, coefficient) terms
    read_write: bool = False

    def dims(self) -> frozenset[str]:
        return frozenset(d for coord in self.projection for d, c in coord if c)

    def size(self, bounds: dict[str, int]) -> int:
        from .nest import coordinate_values

        n = 1
        for coord in self.projection:
            n *= len(coordinate_values(coord, bounds))
        return n


@dataclass(frozen=True)
class TProblem:
    name: str
    dims: tuple[str, ...]
    bounds: tuple[int, ...]
    data_spaces: tuple[DataSpace, ...]
    sizes: tuple[tuple[str, int], ...] = ()  # the instance's H, W, Hpad, Wpad where stated

    def bound(self) -> dict[str, int]:
        return dict(zip(self.dims, self.bounds))

    @property
    def macs(self) -> int:
        n = 1
        for b in self.bounds:
            n *= b
        return n


def _int(v: object, at: Where, what: str) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or v < 1:
        raise at.error(f"{what} must be a positive whole number", expected="an integer ≥ 1", found=v)
    return v


def parse_problem(data: object, file: str) -> TProblem:
    at, prob = section(data, file, "problem", "problem", "problem: {shape, instance}")
    prob = expect_mapping(prob, at)
    check_keys(prob, at, allowed=("version", "shape", "instance"), required=("shape", "instance"))
    if str(prob.get("version", "0.4")) not in ("0.4", "0.3"):
        raise at.at("version").error("not a problem format accelsim reads", expected="0.4", found=prob["version"])
    sat = at.at("shape")
    shape = expect_mapping(prob["shape"], sat)
    check_keys(shape, sat, allowed=("name", "dimensions", "coefficients", "data_spaces", "data-spaces"),
               required=("dimensions",))
    dims = shape["dimensions"]
    if not isinstance(dims, list) or not dims or not all(isinstance(d, str) for d in dims):
        raise sat.at("dimensions").error("not a list of dimension names", expected="e.g. [C, M, R, S, N, P, Q]", found=dims)
    iat = at.at("instance")
    inst = expect_mapping(prob["instance"], iat)
    coeffs: dict[str, int] = {}
    for i, c in enumerate(shape.get("coefficients", []) or []):
        cat = sat.at(f"coefficients[{i}]")
        c = expect_mapping(c, cat)
        check_keys(c, cat, allowed=("name", "default"), required=("name",))
        coeffs[str(c["name"])] = _int(inst.get(c["name"], c.get("default", 1)), iat.at(str(c["name"])), "a coefficient")
    known = set(dims) | set(coeffs) | {"Hpad", "Wpad", "H", "W", "densities"}
    for k in inst:
        if k not in known:
            raise iat.error(f"unknown key '{k}' (neither a dimension nor a coefficient of the shape)",
                            expected="one of " + ", ".join(sorted(set(dims) | set(coeffs))), found=k)
    bounds = tuple(_int(inst.get(d, 1), iat.at(d), f"dimension {d}") for d in dims)
    spaces = []
    raw = shape.get("data_spaces", shape.get("data-spaces"))
    if not isinstance(raw, list) or not raw:
        raise sat.at("data_spaces").error("missing or empty", expected="a list of data spaces", found=raw)
    for i, ds in enumerate(raw):
        dat = sat.at(f"data_spaces[{i}]")
        ds = expect_mapping(ds, dat)
        check_keys(ds, dat, allowed=("name", "projection", "read_write", "read-write"), required=("name", "projection"))
        proj = []
        for j, coord in enumerate(ds["projection"]):
            cat = dat.at(f"projection[{j}]")
            terms = []
            for term in coord if isinstance(coord, list) else [coord]:
                if not isinstance(term, list) or not 1 <= len(term) <= 2:
                    raise cat.error("a term is [dim] or [dim, coefficient]", expected="e.g. [P, Wstride]", found=term)
                d = term[0]
                if d not in dims:
                    raise cat.error(f"'{d}' is not a dimension of the shape", expected="one of " + ", ".join(dims), found=d)
                if len(term) == 2 and term[1] not in coeffs:
                    raise cat.error(f"'{term[1]}' is not a coefficient of the shape",
                                    expected="one of " + ", ".join(coeffs) if coeffs else "no coefficient", found=term[1])
                terms.append((d, coeffs[term[1]] if len(term) == 2 else 1))
            proj.append(tuple(terms))
        spaces.append(DataSpace(str(ds["name"]), tuple(proj), bool(ds.get("read_write", ds.get("read-write", False)))))
    if sum(s.read_write for s in spaces) != 1:
        raise sat.at("data_spaces").error("exactly one data space must be read_write (the outputs)",
                                          expected="one read_write: true", found=[s.name for s in spaces if s.read_write])
    for s in spaces:
        used = [d for coord in s.projection for d, _ in coord]
        if len(used) != len(set(used)):
            raise sat.at(f"data space '{s.name}'").error(
                "a dimension appears in two coordinates or twice in one; accelsim's Timeloop counting needs each "
                "dimension at most once per data space", expected="distinct dimensions", found=used)
    sizes = tuple((k, inst[k]) for k in ("H", "W", "Hpad", "Wpad") if isinstance(inst.get(k), int))
    return TProblem(str(shape.get("name", "problem")), tuple(dims), bounds, tuple(spaces), sizes)


def load_problem(path: str | os.PathLike[str]) -> TProblem:
    return parse_problem(load_timeloop_yaml(path), str(path))
