"""Hardware config files: YAML in, :class:`HardwareSpec` out, every error naming file and field.

The format (``hw_configs/*.yaml``; ``docs/hardware.md`` has the full reference)::

    name: eyeriss                       # default: the file's stem
    description: one line for `accelsim list`
    source: where the numbers come from
    clock_mhz: 200
    dataflow: rs                        # ws | os | is | rs | nlr (default; others may be run)
    word_bits: 16                       # or {weight: 8, ifmap: 8, psum: 32, ofmap: 8}
    array: {rows: 12, cols: 14, kind: spatial}        # kind: systolic | spatial
    rf:                                 # per PE; omit only if every dataflow is nlr
      split: {ifmap: 12, weight: 224, psum: 24}       # elements per data type ...
      size_words: 260                   # ... optionally checked against a stated total
      # or, one shared store:  size: 512 B  (or size_words: N) and holds: [weight, ifmap, psum]
    noc: {kind: multicast, bw: {weight: 4, ifmap: 1, psum: 4, ofmap: 4}}
    glbs:                               # innermost first; one or more
    - {name: fmap_glb, holds: [ifmap, psum, ofmap], size: 100 KiB, banks: 25, bw: 100}
    - {name: filter_glb, holds: [weight], size: 8 KiB, banks: 2, bw: 8}
    glb_bypass: []                      # data types allowed to skip every GLB
    dram: {bw_GBps: 0.48}               # or bw / read_bw + write_bw in words per cycle
    simd: {lanes: 4}
    energy: eyeriss                     # eyeriss | horowitz45 | {table/unit, costs} | {file}
    sparse:                             # optional: formats per level, zero handling (hardware/sparse.py)
      formats: {DRAM: {ifmap: rle, ofmap: rle}}
      zeros: {handling: gating, operands: [ifmap]}

Sizes: an integer is bytes; a string takes a unit, ``B``, ``KB`` = ``kB`` = ``KiB`` = 1024 B,
``MB`` = ``MiB`` = 1024² B, ``GB`` = ``GiB`` = 1024³ B (as SCALE-Sim); ``size_words`` counts
the level's words. Bandwidths: ``bw`` (reads and writes share it) or ``read_bw`` and
``write_bw`` (separate ports), in the level's words per core cycle; DRAM may instead give
``bw_GBps`` (decimal GB/s, shared), turned into bytes per cycle with ``clock_mhz``.
"""
from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import Where, did_you_mean
from ..yamlio import check_keys, expect_mapping, get_int, get_number, get_str, load_yaml
from .sparse import check_packing, sparse_from_config
from .energy import eyeriss_costs, energy_from_config, horowitz45_costs
from .spec import (
    ARRAY_KINDS,
    DATA_TYPES,
    DATAFLOWS,
    NOC_KINDS,
    ArraySpec,
    DRAMSpec,
    FrozenMap,
    GLBSpec,
    HardwareSpec,
    NoCSpec,
    RFSpec,
    SIMDSpec,
    dataflow_problem,
    needed_actions,
)

TOP_KEYS = (
    "name", "description", "source", "clock_mhz", "dataflow", "word_bits", "array",
    "rf", "noc", "glbs", "glb_bypass", "dram", "simd", "energy", "sparse",
)
TOP_REQUIRED = ("clock_mhz", "dataflow", "word_bits", "array", "glbs", "dram", "simd", "energy")
ARRAY_KEYS = ("rows", "cols", "kind")
BW_KEYS = ("bw", "read_bw", "write_bw")
RF_KEYS = ("split", "size", "size_words", "holds", "word_bits", *BW_KEYS, "double_buffered")
NOC_KEYS = ("kind", "bw", "word_bits")
GLB_KEYS = ("name", "holds", "size", "size_words", "word_bits", *BW_KEYS, "banks", "ports", "double_buffered")
DRAM_KEYS = ("word_bits", *BW_KEYS, "bw_GBps", "size", "size_words")
SIMD_KEYS = ("lanes", "ops_per_lane_per_cycle", "word_bits")

RESERVED_GLB_NAMES = ("rf", "noc", "dram", "mac", "simd")
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")

UNIT_BYTES: Mapping[str, int] = {
    "b": 1,
    "kb": 1024, "kib": 1024,
    "mb": 1024**2, "mib": 1024**2,
    "gb": 1024**3, "gib": 1024**3,
}
_SIZE_RE = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]+)\s*$")


def load_hardware(path: str | os.PathLike[str]) -> HardwareSpec:
    """Load and validate a hardware config YAML file (raises :class:`AccelsimError`)."""
    return hardware_from_dict(load_yaml(path), str(path))


def hardware_from_dict(data: Any, file: str = "<hardware>") -> HardwareSpec:
    """Validate a parsed config; ``file`` names it in errors and anchors relative paths."""
    top = Where(file)
    d = expect_mapping(data, top, "a mapping with 'array', 'glbs', 'dram', ...")
    check_keys(d, top, allowed=TOP_KEYS, required=TOP_REQUIRED)

    name = get_str(d, "name", top, default=Path(file).stem)
    description = get_str(d, "description", top, default="").strip()
    if "\n" in description:
        raise top.at("description").error("more than one line", expected="a one-line description", found=description)
    source = " ".join(get_str(d, "source", top, default="").split())

    word_bits = _word_bits(d["word_bits"], top.at("word_bits"))
    array = _array(d["array"], top.at("array"))
    dataflow = get_str(d, "dataflow", top, choices=DATAFLOWS)
    clock_mhz = get_number(d, "clock_mhz", top)

    rf = _rf(d["rf"], top.at("rf"), word_bits) if d.get("rf") is not None else None
    noc = _noc(d.get("noc"), top.at("noc"), array, word_bits)
    glbs = _glbs(d["glbs"], top.at("glbs"), word_bits)
    bypass = _bypass(d.get("glb_bypass"), top.at("glb_bypass"), glbs)
    dram = _dram(d["dram"], top.at("dram"), word_bits, clock_mhz)
    simd = _simd(d["simd"], top.at("simd"), word_bits)
    sparse = sparse_from_config(d.get("sparse"), top.at("sparse"))
    check_packing(sparse, word_bits, top)

    problem = dataflow_problem(array.kind, rf, dataflow)
    if problem is not None:
        message, expected, found = problem
        raise top.at("dataflow").error(message, expected=expected, found=found)

    glb_names = tuple(g.name for g in glbs)
    actions = needed_actions(rf is not None, glb_names)

    def builtin(table: str) -> tuple[dict[str, float], dict[str, str]]:
        if table == "eyeriss":
            return eyeriss_costs(actions, glb_names)
        return horowitz45_costs(word_bits=word_bits, rf=rf, noc=noc, glbs=glbs, dram=dram, simd=simd)

    base_dir = Path(file).resolve().parent if Path(file).exists() else Path.cwd()
    energy = energy_from_config(
        d["energy"], top.at("energy"), base_dir=base_dir, actions=actions, glb_names=glb_names, builtin=builtin
    )
    return HardwareSpec(
        name=name,
        description=description,
        array=array,
        rf=rf,
        noc=noc,
        glbs=glbs,
        dram=dram,
        simd=simd,
        clock_mhz=clock_mhz,
        dataflow=dataflow,
        word_bits=word_bits,
        energy=energy,
        glb_bypass=bypass,
        source=source,
        sparse=sparse,
        file=file,
    )


# ---------------------------------------------------------------- sections


def _word_bits(value: Any, at: Where) -> FrozenMap[str, int]:
    if isinstance(value, Mapping):
        check_keys(value, at, allowed=DATA_TYPES, required=DATA_TYPES)
        return FrozenMap({t: get_int(value, t, at) for t in DATA_TYPES})
    bits = get_int({"word_bits": value}, "word_bits", Where(at.file))
    return FrozenMap({t: bits for t in DATA_TYPES})


def _array(value: Any, at: Where) -> ArraySpec:
    d = expect_mapping(value, at, "a mapping {rows, cols, kind}")
    check_keys(d, at, allowed=ARRAY_KEYS, required=ARRAY_KEYS)
    return ArraySpec(rows=get_int(d, "rows", at), cols=get_int(d, "cols", at), kind=get_str(d, "kind", at, choices=ARRAY_KINDS))


def _rf(value: Any, at: Where, word_bits: FrozenMap[str, int]) -> RFSpec:
    d = expect_mapping(value, at, "a mapping {split: {...}} or {size, holds}")
    check_keys(d, at, allowed=RF_KEYS)
    split: FrozenMap[str, int] | None = None
    if "split" in d:
        if "holds" in d:
            raise at.error("give either 'split' (which says what the RF holds) or 'holds', not both")
        sat = at.at("split")
        s = expect_mapping(d["split"], sat, "a mapping {data type: words}")
        if not s:
            raise sat.error("empty split", expected="words for at least one of " + ", ".join(DATA_TYPES), found={})
        check_keys(s, sat, allowed=DATA_TYPES)
        split = FrozenMap({t: get_int(s, t, sat) for t in DATA_TYPES if t in s})
        holds = tuple(split)
        bits = sum(split[t] * word_bits[t] for t in holds)
        total_words = sum(split.values())
        parts = " + ".join(f"{split[t]} {t}" for t in holds)
        if "size_words" in d and "size" in d:
            raise at.error("give either 'size' or 'size_words', not both")
        if "size_words" in d:
            stated = get_int(d, "size_words", at)
            if stated != total_words:
                raise at.at("split").error(
                    "the RF split does not add up to size_words",
                    expected=f"words per data type summing to size_words = {stated}",
                    found=f"{parts} = {total_words}",
                )
        if "size" in d:
            stated_bits = _size_bits(d, "size", at.at("size"))
            if stated_bits != bits:
                raise at.at("split").error(
                    "the RF split does not add up to size",
                    expected=f"partitions totalling {_fmt_bits(stated_bits)}",
                    found=" + ".join(f"{split[t]}x{word_bits[t]}b {t}" for t in holds) + f" = {_fmt_bits(bits)}",
                )
    else:
        holds = _holds(d, at, default=("weight", "ifmap", "psum"))
        bits = _store_size(d, at, word_bits=_default_bits(d, at, holds, word_bits))
    wb = _default_bits(d, at, holds, word_bits)
    if split is None:
        _check_fits(bits, holds, word_bits, at)
    # default bandwidth: what one MAC per cycle needs (one read of each held operand, one write)
    n_reads = sum(1 for t in holds if t in ("weight", "ifmap", "psum")) or 1
    read_bw, write_bw, shared = _bandwidth(d, at, default=(float(n_reads), 1.0, False))
    return RFSpec(
        level="RF",
        name="RF",
        holds=holds,
        word_bits=wb,
        elem_bits=FrozenMap({t: word_bits[t] for t in holds}),
        read_bw=read_bw,
        write_bw=write_bw,
        shared_bw=shared,
        double_buffered=_double_buffered(d, at, holds),
        size_bits=bits,
        split=split,
    )


def _noc(value: Any, at: Where, array: ArraySpec, word_bits: FrozenMap[str, int]) -> NoCSpec:
    d = expect_mapping(value, at, "a mapping {kind, bw}") if value is not None else {}
    check_keys(d, at, allowed=NOC_KEYS)
    kinds = NOC_KINDS[array.kind]
    kind = get_str(d, "kind", at, default=kinds[0])
    if kind not in kinds:
        all_kinds = sorted({k for ks in NOC_KINDS.values() for k in ks})
        if kind not in all_kinds:
            get_str(d, "kind", at, choices=all_kinds)  # raises unknown value with did-you-mean
        raise at.at("kind").error(
            f"a {array.kind} array cannot use a '{kind}' NoC"
            + (" (a systolic array forwards operands neighbour to neighbour)" if array.kind == "systolic" else ""),
            expected="one of " + ", ".join(kinds),
            found=kind,
        )
    edges = {"ifmap": array.rows, "weight": array.cols, "psum": array.cols, "ofmap": array.cols}
    bw: dict[str, float] = {t: float(edges[t]) for t in DATA_TYPES}
    if "bw" in d:
        bat = at.at("bw")
        if isinstance(d["bw"], Mapping):
            check_keys(d["bw"], bat, allowed=DATA_TYPES)
            for t in DATA_TYPES:
                if t in d["bw"]:
                    bw[t] = get_number(d["bw"], t, bat)
        else:
            v = get_number(d, "bw", at)
            bw = {t: v for t in DATA_TYPES}
    wb = get_int(d, "word_bits", at, default=max(word_bits.values()))
    return NoCSpec(kind=kind, bw=FrozenMap(bw), word_bits=wb)


def _glbs(value: Any, at: Where, word_bits: FrozenMap[str, int]) -> tuple[GLBSpec, ...]:
    if not isinstance(value, list) or not value:
        raise Where(at.file).at("glbs").error(
            "no global buffers", expected="a non-empty list of buffers {name, holds, size, bw}", found=value
        )
    out: list[GLBSpec] = []
    seen: set[str] = set()
    for i, raw in enumerate(value):
        gat = at.at(f"#{i + 1}")
        g = expect_mapping(raw, gat, "a mapping {name, holds, size, bw}")
        if "name" in g and isinstance(g["name"], str):
            gat = at.at(f"'{g['name']}'")
        check_keys(g, gat, allowed=GLB_KEYS, required=("name", "holds"))
        name = get_str(g, "name", gat)
        if not _NAME_RE.match(name) or name in RESERVED_GLB_NAMES:
            raise gat.at("name").error(
                "not a usable buffer name (it names the energy actions <name>_read, <name>_write)",
                expected="lower-case letters, digits and '_', starting with a letter, and not one of "
                + ", ".join(RESERVED_GLB_NAMES),
                found=name,
            )
        if name in seen:
            raise gat.at("name").error("two global buffers with the same name", expected="unique names", found=name)
        seen.add(name)
        holds = _holds(g, gat, default=None)
        wb = _default_bits(g, gat, holds, word_bits)
        bits = _store_size(g, gat, word_bits=wb)
        _check_fits(bits, holds, word_bits, gat)
        read_bw, write_bw, shared = _bandwidth(g, gat, default=None)
        banks = get_int(g, "banks", gat, default=1)
        out.append(
            GLBSpec(
                level="GLB",
                name=name,
                holds=holds,
                word_bits=wb,
                elem_bits=FrozenMap({t: word_bits[t] for t in holds}),
                read_bw=read_bw,
                write_bw=write_bw,
                shared_bw=shared,
                double_buffered=_double_buffered(g, gat, holds),
                size_bits=bits,
                banks=banks,
                ports=get_int(g, "ports", gat, default=1),
            )
        )
    return tuple(out)


def _bypass(value: Any, at: Where, glbs: tuple[GLBSpec, ...]) -> tuple[str, ...]:
    bypass: tuple[str, ...] = ()
    if value is not None:
        if not isinstance(value, list):
            raise at.error("wrong kind of value", expected="a list of data types", found=value)
        bypass = tuple(_dtype(v, at) for v in value)
    for t in bypass:
        holders = [g.name for g in glbs if t in g.holds]
        if holders:
            raise at.error(
                f"'{t}' is declared to bypass the global buffers, but '{holders[0]}' holds it",
                expected=f"'{t}' in no buffer's 'holds', or not in glb_bypass",
                found=t,
            )
    for t in DATA_TYPES:
        if t not in bypass and not any(t in g.holds for g in glbs):
            raise Where(at.file).at("glbs").error(
                f"no global buffer holds '{t}'",
                expected=f"a buffer whose 'holds' lists '{t}', or '{t}' in glb_bypass (it then goes DRAM <-> NoC directly)",
                found="buffers holding " + "; ".join(f"{g.name}: {', '.join(g.holds)}" for g in glbs),
            )
    return bypass


def _dram(value: Any, at: Where, word_bits: FrozenMap[str, int], clock_mhz: float) -> DRAMSpec:
    d = expect_mapping(value, at, "a mapping {bw_GBps or bw, word_bits}")
    check_keys(d, at, allowed=DRAM_KEYS)
    wb = get_int(d, "word_bits", at, default=max(word_bits.values()))
    if "bw_GBps" in d:
        clash = [k for k in BW_KEYS if k in d]
        if clash:
            raise at.error(f"give either 'bw_GBps' or '{clash[0]}', not both")
        gbps = get_number(d, "bw_GBps", at)
        words = gbps * 1e9 / (clock_mhz * 1e6) / (wb / 8)
        read_bw = write_bw = words
        shared = True
    else:
        if not any(k in d for k in BW_KEYS):
            raise at.error("missing required key 'bw_GBps' (or 'bw', or 'read_bw' and 'write_bw' in words per cycle)")
        read_bw, write_bw, shared = _bandwidth(d, at, default=None)
        per_cycle_bytes = (read_bw if shared else read_bw + write_bw) * wb / 8
        gbps = per_cycle_bytes * clock_mhz * 1e6 / 1e9
    size_bits = _store_size(d, at, word_bits=wb) if ("size" in d or "size_words" in d) else None
    return DRAMSpec(
        level="DRAM",
        name="DRAM",
        holds=DATA_TYPES,
        word_bits=wb,
        elem_bits=word_bits,
        read_bw=read_bw,
        write_bw=write_bw,
        shared_bw=shared,
        size_bits=size_bits,
        gbytes_per_s=gbps,
    )


def _simd(value: Any, at: Where, word_bits: FrozenMap[str, int]) -> SIMDSpec:
    d = expect_mapping(value, at, "a mapping {lanes, ops_per_lane_per_cycle}")
    check_keys(d, at, allowed=SIMD_KEYS, required=("lanes",))
    return SIMDSpec(
        lanes=get_int(d, "lanes", at),
        ops_per_lane_per_cycle=get_int(d, "ops_per_lane_per_cycle", at, default=1),
        word_bits=get_int(d, "word_bits", at, default=max(word_bits["ifmap"], word_bits["ofmap"])),
    )


# ---------------------------------------------------------------- field helpers


def _dtype(value: Any, at: Where) -> str:
    if not isinstance(value, str) or value not in DATA_TYPES:
        raise at.error(
            f"unknown data type '{value}'{did_you_mean(str(value), DATA_TYPES)}",
            expected="one of " + ", ".join(DATA_TYPES),
            found=value,
        )
    return value


def _holds(d: Mapping[str, Any], at: Where, *, default: tuple[str, ...] | None) -> tuple[str, ...]:
    if "holds" not in d:
        if default is None:
            raise at.error("missing required key 'holds'")
        return default
    hat = at.at("holds")
    v = d["holds"]
    if isinstance(v, str):
        v = [v]
    if not isinstance(v, list) or not v:
        raise hat.error("wrong kind of value", expected="a non-empty list of data types", found=v)
    got = [_dtype(x, hat) for x in v]
    if len(set(got)) != len(got):
        raise hat.error("a data type listed twice", expected="each data type once", found=v)
    return tuple(t for t in DATA_TYPES if t in got)


def _default_bits(d: Mapping[str, Any], at: Where, holds: tuple[str, ...], word_bits: Mapping[str, int]) -> int:
    return get_int(d, "word_bits", at, default=max(word_bits[t] for t in holds))


def parse_size_bytes(value: Any, at: Where) -> int | float:
    """Bytes from ``123`` (bytes) or ``'108 KiB'``; KB = kB = KiB = 1024 B (as SCALE-Sim)."""
    if isinstance(value, bool):
        raise at.error("not a size", expected="bytes (an integer) or a string such as '108 KiB'", found=value)
    if isinstance(value, (int, float)):
        n: float = value
    elif isinstance(value, str):
        m = _SIZE_RE.match(value)
        unit = m.group(2).lower() if m else ""
        if not m or unit not in UNIT_BYTES:
            raise at.error(
                "not a size",
                expected="bytes (an integer) or a number with a unit B, KB/KiB, MB/MiB, GB/GiB (KB = KiB = 1024 B)",
                found=value,
            )
        n = float(m.group(1)) * UNIT_BYTES[unit]
    else:
        raise at.error("not a size", expected="bytes (an integer) or a string such as '108 KiB'", found=value)
    if not n > 0:
        raise at.error("out of range", expected="a size > 0", found=value)
    if not float(n * 8).is_integer():
        raise at.error("not a whole number of bits", expected="a size that is a whole number of bits", found=value)
    return int(n) if float(n).is_integer() else n


def _size_bits(d: Mapping[str, Any], key: str, at: Where) -> int:
    return int(parse_size_bytes(d[key], at) * 8)


def _store_size(d: Mapping[str, Any], at: Where, *, word_bits: int) -> int:
    if "size" in d and "size_words" in d:
        raise at.error("give either 'size' or 'size_words', not both")
    if "size" in d:
        return _size_bits(d, "size", at.at("size"))
    if "size_words" in d:
        return get_int(d, "size_words", at) * word_bits
    raise at.error("missing required key 'size' (or 'size_words')")


def _check_fits(bits: int, holds: tuple[str, ...], word_bits: Mapping[str, int], at: Where) -> None:
    for t in holds:
        if bits < word_bits[t]:
            raise at.error(
                f"too small to hold one {t}",
                expected=f"at least {word_bits[t]} bits",
                found=_fmt_bits(bits),
            )


def _bandwidth(
    d: Mapping[str, Any], at: Where, *, default: tuple[float, float, bool] | None
) -> tuple[float, float, bool]:
    """(read, write, shared) in words per cycle, from ``bw`` or ``read_bw`` + ``write_bw``."""
    if "bw" in d:
        clash = [k for k in ("read_bw", "write_bw") if k in d]
        if clash:
            raise at.error(f"give either 'bw' (shared by reads and writes) or '{clash[0]}', not both")
        v = get_number(d, "bw", at)
        return v, v, True
    if "read_bw" in d or "write_bw" in d:
        for k in ("read_bw", "write_bw"):
            if k not in d:
                raise at.error(f"missing required key '{k}' (or give 'bw' for a bandwidth reads and writes share)")
        return get_number(d, "read_bw", at), get_number(d, "write_bw", at), False
    if default is None:
        raise at.error("missing required key 'bw' (or 'read_bw' and 'write_bw'), in words per cycle")
    return default


def _double_buffered(d: Mapping[str, Any], at: Where, holds: tuple[str, ...]) -> tuple[str, ...]:
    v = d.get("double_buffered", False)
    if v is None or v is False:
        return ()
    if v is True:
        return holds
    dat = at.at("double_buffered")
    if isinstance(v, str):
        v = [v]
    if not isinstance(v, list):
        raise dat.error("wrong kind of value", expected="true, false or a list of held data types", found=v)
    got = [_dtype(x, dat) for x in v]
    for t in got:
        if t not in holds:
            raise dat.error(f"'{t}' is not held here", expected="data types among " + ", ".join(holds), found=t)
    return tuple(t for t in DATA_TYPES if t in got)


def _fmt_bits(bits: int) -> str:
    return f"{bits // 8} B" if bits % 8 == 0 else f"{bits} bits"


__all__ = ["load_hardware", "hardware_from_dict", "parse_size_bytes"]
