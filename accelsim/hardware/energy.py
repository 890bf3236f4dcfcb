"""Energy tables: a cost per action, separate from the architecture (as in Timeloop/Accelergy).

An :class:`EnergyTable` maps *action names* to a cost per action and states its unit.
The engine counts actions (integers); energy = Σ count × cost (:meth:`EnergyTable.energy`).

Actions (one each):

=================== ===========================================================
``mac``             one multiply-accumulate
``rf_read``         one element read from a PE's RF (``rf_write``: written)
``noc_transfer``    one element moved over the NoC to or from one PE
``<glb>_read``      one element read from the global buffer named ``<glb>``
``<glb>_write``     one element written to it
``dram_read``       one element read from DRAM (``dram_write``: written)
``simd_op``         one operation of the SIMD/vector unit
``pe_static``       one clock cycle of one PE (leakage and clock), busy or idle
``rf_static``       one clock cycle of one PE's RF
``glb_static``      one clock cycle of one global buffer
``simd_static``     one clock cycle of the SIMD unit
=================== ===========================================================

The four ``*_static`` actions are optional: a table that does not state them charges
nothing per cycle (the built-in tables do not: 0, today's figures exactly). Stated, each
conv/fc layer is charged them for each of its cycles (PEs and RFs × the array's PEs, the
GLB cost × the number of global buffers), on the level of the MAC, RF, GLB and SIMD; then
an idle PE costs something and the energy objective weighs a longer run.

A cited default, ``energy: {table: eyeriss, static: jssc17}`` (or ``horowitz45``; the
user's own ``*_static`` costs still win), from the Eyeriss chip (JSSC'17, [R] = read in
the paper's text, PUBLISHED.md §1): 278 mW at a 200 MHz core clock on AlexNet CONV1–5,
23.1 GMAC/s, so 1.39 nJ and 115.5 MACs per cycle [I]; "the ALUs only account for less than
10 % of the total power, while data movement related components, including spads, GLB,
and NoC, account for up to 45 %", and "besides the clock network, the spads dominate"
(§VI-A, Fig. 16) [R]. What is neither computation nor data movement — the clock network,
control and leakage, paid every cycle, busy or idle — is therefore at least
100 − 10 − 45 = 45 % of the chip's power [I]; the default takes that lower bound [A]:

- ``eyeriss`` table (one MAC = 1): the ALUs' share bounds one MAC's energy, so the chip
  spends more than 115.5 / 0.10 = 1155 MAC-energies per cycle and at least
  0.45 × 1155 = 519.75 of them per cycle [I];
- ``horowitz45`` table (pJ): 0.45 × 1390 pJ = 625.5 pJ per cycle, the 65 nm chip's figure
  taken as is at 45 nm [A] (Horowitz gives no leakage or clock figure).

It is split by area, as leakage and clocked storage scale with it [A], with Fig. 15's
shares [R]: the spads "nearly half" of the core (0.5 → ``rf_static``, per PE), the GLB 2.5×
smaller (0.2 → ``glb_static``, shared by the chip's two global buffers, 100 + 8 kB), the
rest 0.3 (MACs 7.4 %, NoC, control → ``pe_static``, per PE of the chip's 168):

============  ==================  =================
action        eyeriss (MAC = 1)   horowitz45 (pJ)
============  ==================  =================
pe_static     0.928 per PE        1.117 per PE
rf_static     1.547 per PE        1.862 per PE
glb_static    51.98 per GLB       62.55 per GLB
simd_static   0 (not stated)      0
============  ==================  =================

On AlexNet CONV1–5 on ``eyeriss`` (rs, the energy objective, ``fusion="none"``) it adds
519.75 / 113.6 = 4.6 MAC-energies per MAC, against 5.8 of on-chip dynamic energy per MAC
of the static-0 mappings (so about 44 % of the on-chip total; the chip: at least 45 %);
and the energy objective's mappings then run at 113.6 MACs per cycle instead of 65.1 —
the chip itself ran 23.1 GMAC/s at 200 MHz, 115.5 per cycle [R]: a mapping that
leaves PEs idle for a longer run now pays for it (``benchmarks/static_energy.py``). No shipped
config states it: their reproduced claims compare per-layer *dynamic* energy with published
models that have no static term (ISCA'16 Table IV and Fig. 10–13, Timeloop's examples), so
they keep 0 and every reproduced figure is unchanged.

A table may refine an action per data type, ``rf_read.weight``; a count keyed
``rf_read.weight`` uses that cost if the table has it, else the cost of ``rf_read``. (The
``horowitz45`` table does this wherever element widths or spad sizes differ, e.g. TPU
psums are 32-bit but weights 8-bit.) A user table may give ``glb_read``/``glb_write`` as
a default for every global buffer without an entry of its own.

Two built-in tables, selected with ``energy: eyeriss`` or ``energy: horowitz45``:

- ``eyeriss`` — **unit "normalized to one MAC (Eyeriss)"**: MAC 1, RF 1, NoC 2, GLB 6,
  DRAM 200 per 16-bit access (Chen, Emer, Sze, ISCA 2016, Table IV, 65 nm;
  PUBLISHED.md §1.2, tag [M]). Reads and writes cost the same (the table gives one figure
  per access). ``simd_op`` = 1: the table's "ALU" row, [I].
- ``horowitz45`` — **unit "pJ"**, Horowitz, "Computing's energy problem", ISSCC 2014,
  45 nm, 0.9 V (PUBLISHED.md §2), computed for the config:

  * MAC = integer multiply at the operand width + integer add at the psum width.
    Anchors: add 8b 0.03 [M], 16b 0.05 [M], 32b 0.1 [R]; mult 8b 0.2 [M], 32b 3.1 [R];
    other widths interpolated log-log (16b mult ≈ 0.79 pJ). ``simd_op`` = one add at the
    SIMD width [I].
  * SRAM (RF, each GLB): Horowitz's 64-bit cache access 8 KB 10 pJ, 32 KB 20 pJ, 1 MB
    100 pJ [M], interpolated log-log in the size of one **bank** (size / banks; for a
    split RF, the partition of the data type), extrapolated beyond the end points with the
    end slopes (below 8 KB this is a rough guess for register files, [I]), and scaled
    linearly by the bits accessed (× word bits / 64, [I]).
  * DRAM: 640 pJ per 32 bits [M] = 20 pJ per bit, × element bits.
  * NoC: Horowitz gives no on-chip wire figure in PUBLISHED.md; we take Eyeriss's
    NoC/MAC ratio (2×, [M]) on a 16-bit Horowitz MAC, per bit, × element bits [I].

A user table, inline ``energy: {unit: pJ, costs: {mac: 0.2, ...}}``, in a separate file
``energy: {file: my_table.yaml}`` (a path relative to the config file; the file holds the
same mapping), or a built-in with overrides ``energy: {table: eyeriss, costs: {dram_read:
150}}``. Precedence: the user's entry for an action, then the user's ``glb_read`` default,
then the built-in table. Every action the config needs must have a cost, else the load
fails naming the missing action.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from numbers import Integral
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import AccelsimError, Where, did_you_mean
from ..yamlio import check_keys, expect_mapping, get_number, get_str, load_yaml

if TYPE_CHECKING:  # pragma: no cover
    from .spec import DRAMSpec, GLBSpec, NoCSpec, RFSpec, SIMDSpec

NORMALIZED = "normalized to one MAC (Eyeriss)"
PJ = "pJ"

BUILTIN_TABLES: tuple[str, ...] = ("eyeriss", "horowitz45")

FIXED_ACTIONS: tuple[str, ...] = ("mac", "rf_read", "rf_write", "noc_transfer", "dram_read", "dram_write", "simd_op")
STATIC_ACTIONS: tuple[str, ...] = ("pe_static", "rf_static", "glb_static", "simd_static")
STATIC_LEVELS = {"pe_static": "MAC", "rf_static": "RF", "glb_static": "GLB", "simd_static": "SIMD"}
GLB_DEFAULTS: tuple[str, ...] = ("glb_read", "glb_write")
ENERGY_KEYS: tuple[str, ...] = ("table", "unit", "costs", "file", "name", "source", "static")

# the cited per-cycle default (``static: jssc17``), derived in the module docstring
JSSC17 = {
    "power_w": 0.278, "clock_hz": 200e6, "macs_per_s": 23.1e9,  # [R] AlexNet CONV1-5 on the chip
    "alu_share_max": 0.10, "data_movement_share_max": 0.45,  # [R] §VI-A, Fig. 16
    "pes": 168, "glbs": 2,  # [R] 12 x 14 PEs; 100 kB fmap + 8 kB filter GLB
    "area_rf": 0.5, "area_glb": 0.5 / 2.5,  # [R] Fig. 15: spads nearly half, 2.5x the GLB
}
STATIC_DEFAULTS: tuple[str, ...] = ("jssc17",)


def jssc17_static(table: str) -> dict[str, float]:
    """The four per-cycle costs of ``static: jssc17`` in ``table``'s unit (module docstring)."""
    j = JSSC17
    share = 1.0 - j["alu_share_max"] - j["data_movement_share_max"]  # clock, control, leakage >= 45 %
    if table == "eyeriss":
        per_cycle = share * (j["macs_per_s"] / j["clock_hz"]) / j["alu_share_max"]  # in MAC energies
    else:
        per_cycle = share * j["power_w"] / j["clock_hz"] * 1e12  # pJ
    rest = 1.0 - j["area_rf"] - j["area_glb"]
    return {
        "pe_static": per_cycle * rest / j["pes"],
        "rf_static": per_cycle * j["area_rf"] / j["pes"],
        "glb_static": per_cycle * j["area_glb"] / j["glbs"],
        "simd_static": 0.0,
    }

_DTYPES = ("weight", "ifmap", "psum", "ofmap")


def _frozen(d: Mapping[str, Any]) -> Any:
    from .spec import FrozenMap  # local: spec imports this module

    return FrozenMap(d)


# ---------------------------------------------------------------- the table


@dataclass(frozen=True)
class EnergyTable:
    """Per-action costs in one ``unit``, bound to one config (every action it needs is present).

    ``costs`` maps action name (optionally ``action.dtype``) to the cost of one action;
    ``sources`` says where each number comes from (with PUBLISHED.md's confidence tag);
    ``levels`` maps each action to its data-movement level (MAC, RF, NoC, GLB, DRAM, SIMD).
    """

    name: str
    unit: str
    costs: Mapping[str, float]
    sources: Mapping[str, str]
    levels: Mapping[str, str]
    file: str = ""

    def cost(self, action: str) -> float:
        """The cost of one ``action``; ``x.dtype`` falls back to ``x``."""
        if action in self.costs:
            return self.costs[action]
        base, dot, dtype = action.partition(".")
        if dot and base in self.costs and dtype in _DTYPES:
            return self.costs[base]
        raise AccelsimError(
            f"the energy table '{self.name}' has no cost for action '{action}'"
            f"{did_you_mean(action, self.costs)}",
            file=self.file or None,
            where="energy",
            expected="one of " + ", ".join(a for a in self.costs if "." not in a),
            found=action,
        )

    def level(self, action: str) -> str:
        """The level an action belongs to: MAC, RF, NoC, GLB, DRAM or SIMD."""
        base = action.partition(".")[0]
        if base not in self.levels:
            self.cost(action)  # raises the clear error
        return self.levels[base]

    def energy(self, counts: Mapping[str, int]) -> dict[str, float]:
        """Energy per action, in ``unit``: count × cost for each action in ``counts``."""
        out: dict[str, float] = {}
        for action, n in counts.items():
            if isinstance(n, bool) or not isinstance(n, Integral):
                raise TypeError(f"count of {action!r} must be an integer, got {n!r}")
            if n < 0:
                raise ValueError(f"count of {action!r} must be >= 0, got {n}")
            out[action] = int(n) * self.cost(action)
        return out

    def total(self, counts: Mapping[str, int]) -> float:
        """Σ count × cost, in ``unit``."""
        return math.fsum(self.energy(counts).values())

    def by_level(self, counts: Mapping[str, int]) -> dict[str, float]:
        """Energy summed per level (MAC, RF, NoC, GLB, DRAM, SIMD), in ``unit``."""
        out: dict[str, list[float]] = {}
        for action, e in self.energy(counts).items():
            out.setdefault(self.level(action), []).append(e)
        return {k: math.fsum(v) for k, v in out.items()}

    def static_counts(self, cycles: int, pes: int, has_rf: bool, glbs: int, has_simd: bool) -> dict[str, int]:
        """The per-cycle actions this table states, counted over ``cycles``."""
        n = {"pe_static": pes, "rf_static": pes if has_rf else 0, "glb_static": glbs, "simd_static": 1 if has_simd else 0}
        return {a: cycles * n[a] for a in STATIC_ACTIONS if a in self.costs and n[a]}

    def to_dict(self) -> dict[str, Any]:
        return {
            "table": self.name,
            "unit": self.unit,
            "costs": dict(self.costs),
            "sources": dict(self.sources),
        }


# ---------------------------------------------------------------- Horowitz 45 nm model

# (width in bits, pJ, PUBLISHED.md tag) — Horowitz ISSCC'14, 45 nm, 0.9 V
INT_ADD_PJ: tuple[tuple[int, float, str], ...] = ((8, 0.03, "[M]"), (16, 0.05, "[M]"), (32, 0.1, "[R]"))
INT_MULT_PJ: tuple[tuple[int, float, str], ...] = ((8, 0.2, "[M]"), (32, 3.1, "[R]"))
# (SRAM size in bytes, pJ per 64-bit access) — Horowitz's "Memory, 64 bit" cache figures [M]
SRAM64_PJ: tuple[tuple[int, float], ...] = ((8 * 1024, 10.0), (32 * 1024, 20.0), (1024 * 1024, 100.0))
DRAM_PJ_PER_32_BITS = 640.0  # [M]
EYERISS_NOC_OVER_MAC = 2.0  # ISCA'16 Table IV [M]

_HOROWITZ = "Horowitz ISSCC'14 45 nm"


def loglog(points: list[tuple[float, float]] | tuple[tuple[float, float], ...], x: float) -> float:
    """Piecewise-linear interpolation in log(x)-log(y) through ``points`` (sorted by x),
    extrapolated beyond either end with the end segment's slope."""
    pts = sorted(points)
    if len(pts) == 1:
        return pts[0][1]
    i = 0
    while i < len(pts) - 2 and x > pts[i + 1][0]:
        i += 1
    (x0, y0), (x1, y1) = pts[i], pts[i + 1]
    slope = math.log(y1 / y0) / math.log(x1 / x0)
    return y0 * (x / x0) ** slope


def int_add_pj(bits: int) -> float:
    """Energy of one integer add of ``bits`` bits (Horowitz 45 nm, log-log between anchors)."""
    return loglog([(w, e) for w, e, _ in INT_ADD_PJ], bits)


def int_mult_pj(bits: int) -> float:
    """Energy of one integer multiply of ``bits``-bit operands (Horowitz 45 nm, log-log)."""
    return loglog([(w, e) for w, e, _ in INT_MULT_PJ], bits)


def mac_pj(operand_bits: int, acc_bits: int) -> float:
    """One MAC: a multiply at the operand width plus an add at the accumulator width."""
    return int_mult_pj(operand_bits) + int_add_pj(acc_bits)


def sram_pj(bank_bytes: float, bits: int) -> float:
    """One access of ``bits`` bits to an SRAM bank of ``bank_bytes`` bytes."""
    return loglog(SRAM64_PJ, bank_bytes) * bits / 64


def dram_pj(bits: int) -> float:
    """One DRAM access of ``bits`` bits (640 pJ per 32 bits)."""
    return DRAM_PJ_PER_32_BITS / 32 * bits


def noc_pj_per_bit() -> float:
    """NoC energy per bit moved: Eyeriss's NoC/MAC ratio on a 16-bit Horowitz MAC, per bit."""
    return EYERISS_NOC_OVER_MAC * mac_pj(16, 16) / 16


def _sz(nbytes: float) -> str:
    for unit, scale in (("MiB", 1024**2), ("KiB", 1024)):
        if nbytes >= scale:
            return f"{nbytes / scale:g} {unit}"
    return f"{nbytes:g} B"


def horowitz45_costs(
    *,
    word_bits: Mapping[str, int],
    rf: "RFSpec | None",
    noc: "NoCSpec",
    glbs: "tuple[GLBSpec, ...]",
    dram: "DRAMSpec",
    simd: "SIMDSpec",
) -> tuple[dict[str, float], dict[str, str]]:
    """The ``horowitz45`` table (pJ) computed for a config's widths and buffer sizes."""
    costs: dict[str, float] = {}
    src: dict[str, str] = {}

    op_bits = max(word_bits["weight"], word_bits["ifmap"])
    acc_bits = word_bits["psum"]
    costs["mac"] = mac_pj(op_bits, acc_bits)
    src["mac"] = (
        f"{_HOROWITZ}: {op_bits}b int mult + {acc_bits}b int add; anchors add 8b 0.03 [M], 16b 0.05 [M], "
        "32b 0.1 [R], mult 8b 0.2 [M], 32b 3.1 [R]; log-log between them [I]"
    )

    def store(prefix: str, what: str, holds: tuple[str, ...], generic_bytes: float, generic_bits: int,
              per_type_bytes: Callable[[str], float]) -> None:
        e = sram_pj(generic_bytes, generic_bits)
        for act in ("read", "write"):
            costs[f"{prefix}_{act}"] = e
            src[f"{prefix}_{act}"] = (
                f"{_HOROWITZ}: 64-bit SRAM access 8 KB 10 pJ, 32 KB 20 pJ, 1 MB 100 pJ [M], log-log at "
                f"{what} {_sz(generic_bytes)}, x {generic_bits}/64 bits [I]; read = write [I]"
            )
        for d in holds:
            b, bits = per_type_bytes(d), word_bits[d]
            if (b, bits) != (generic_bytes, generic_bits):
                for act in ("read", "write"):
                    costs[f"{prefix}_{act}.{d}"] = sram_pj(b, bits)
                    src[f"{prefix}_{act}.{d}"] = (
                        f"{_HOROWITZ}: SRAM as {prefix}_{act}, at {_sz(b)}, x {bits}/64 bits [I]"
                    )

    if rf is not None:
        if rf.split is not None:
            part = {d: rf.split[d] * word_bits[d] / 8 for d in rf.holds}
            biggest = max(rf.holds, key=lambda d: part[d])
            store("rf", f"the largest RF partition ({biggest})", rf.holds, part[biggest], rf.word_bits,
                  lambda d: part[d])
        else:
            nbytes = rf.size_bits / 8
            store("rf", "the RF", rf.holds, nbytes, rf.word_bits, lambda d: nbytes)

    for g in glbs:
        bank = g.bank_bits / 8
        store(g.name, f"one of {g.banks} bank(s)" if g.banks > 1 else "the buffer", g.holds, bank, g.word_bits,
              lambda d, bank=bank: bank)

    per_bit = noc_pj_per_bit()
    costs["noc_transfer"] = per_bit * noc.word_bits
    src["noc_transfer"] = (
        f"[I] no wire figure from {_HOROWITZ} in PUBLISHED.md: Eyeriss NoC/MAC = 2 (ISCA'16 Table IV [M]) on a "
        f"16b Horowitz MAC = {per_bit:.4g} pJ/bit, x {noc.word_bits} bits"
    )
    for d in _DTYPES:
        if word_bits[d] != noc.word_bits:
            costs[f"noc_transfer.{d}"] = per_bit * word_bits[d]
            src[f"noc_transfer.{d}"] = f"as noc_transfer, x {word_bits[d]} bits [I]"

    for act in ("read", "write"):
        costs[f"dram_{act}"] = dram_pj(dram.word_bits)
        src[f"dram_{act}"] = f"{_HOROWITZ}: DRAM 640 pJ per 32 bits [M], x {dram.word_bits} bits; read = write [I]"
        for d in _DTYPES:
            if word_bits[d] != dram.word_bits:
                costs[f"dram_{act}.{d}"] = dram_pj(word_bits[d])
                src[f"dram_{act}.{d}"] = f"{_HOROWITZ}: DRAM 640 pJ per 32 bits [M], x {word_bits[d]} bits"

    costs["simd_op"] = int_add_pj(simd.word_bits)
    src["simd_op"] = f"{_HOROWITZ}: one {simd.word_bits}b int add per SIMD op [I]"
    return costs, src


def eyeriss_costs(actions: tuple[str, ...], glb_names: tuple[str, ...]) -> tuple[dict[str, float], dict[str, str]]:
    """The ``eyeriss`` normalized table (one 16-bit MAC = 1) for these actions."""
    isca = "Chen, Emer, Sze ISCA'16 Table IV (65 nm, normalized to one MAC) [M]"
    costs: dict[str, float] = {}
    src: dict[str, str] = {}
    for a in actions:
        base = a.rsplit("_", 1)[0]
        if a == "mac":
            costs[a], src[a] = 1.0, f"ALU 1x, {isca}"
        elif a in ("rf_read", "rf_write"):
            costs[a], src[a] = 1.0, f"RF (0.5 kB) 1x, {isca}; read = write [I]"
        elif a == "noc_transfer":
            costs[a], src[a] = 2.0, f"array / inter-PE 2x, {isca}"
        elif a in ("dram_read", "dram_write"):
            costs[a], src[a] = 200.0, f"DRAM 200x, {isca}; read = write [I]"
        elif a == "simd_op":
            costs[a], src[a] = 1.0, f"[I] one ALU op, as the ALU row of {isca}"
        elif base in glb_names:
            costs[a], src[a] = 6.0, f"global buffer (>100 kB) 6x, {isca}; read = write [I]"
    return costs, src


# ---------------------------------------------------------------- reading the 'energy' section


def action_level(action: str, glb_names: tuple[str, ...]) -> str | None:
    """The level of a (base) action name, or None if it is not an action of this config."""
    if action == "mac":
        return "MAC"
    if action in ("rf_read", "rf_write"):
        return "RF"
    if action == "noc_transfer":
        return "NoC"
    if action in ("dram_read", "dram_write"):
        return "DRAM"
    if action == "simd_op":
        return "SIMD"
    if action in STATIC_LEVELS:
        return STATIC_LEVELS[action]
    base, _, act = action.rpartition("_")
    if act in ("read", "write") and base in glb_names:
        return "GLB"
    return None


BuiltinFn = Callable[[str], tuple[dict[str, float], dict[str, str]]]


def energy_from_config(
    value: Any,
    at: Where,
    *,
    base_dir: Path,
    actions: tuple[str, ...],
    glb_names: tuple[str, ...],
    builtin: BuiltinFn,
) -> EnergyTable:
    """Read a config's ``energy`` value and bind it to the config's ``actions``.

    ``builtin(name)`` computes a built-in table (costs, sources) for this config.
    """
    if isinstance(value, str):
        name = get_str({"energy": value}, "energy", Where(at.file), choices=BUILTIN_TABLES)
        costs, src = builtin(name)
        return _bind(name, _unit(name), costs, src, actions, glb_names, at, file="")
    d = expect_mapping(value, at, "a built-in table name (eyeriss, horowitz45) or a mapping {table/unit, costs} or {file}")
    if "file" in d:
        if len(d) > 1:
            others = ", ".join(k for k in d if k != "file")
            raise at.error(f"'file' cannot be combined with other keys ({others}); put them in the file")
        rel = get_str(d, "file", at)
        path = Path(rel) if Path(rel).is_absolute() else base_dir / rel
        data = load_yaml(path)
        inner = Where(str(path))
        d = expect_mapping(data, inner, "a mapping {table/unit, costs}")
        return _table_from_mapping(d, inner, actions, glb_names, builtin, file=str(path))
    return _table_from_mapping(d, at, actions, glb_names, builtin, file="")


def _unit(name: str) -> str:
    return NORMALIZED if name == "eyeriss" else PJ


def _table_from_mapping(
    d: Mapping[str, Any],
    at: Where,
    actions: tuple[str, ...],
    glb_names: tuple[str, ...],
    builtin: BuiltinFn,
    *,
    file: str,
) -> EnergyTable:
    check_keys(d, at, allowed=[k for k in ENERGY_KEYS if k != "file"] if file else ENERGY_KEYS)
    base_costs: dict[str, float] = {}
    base_src: dict[str, str] = {}
    if "table" in d:
        base = get_str(d, "table", at, choices=BUILTIN_TABLES)
        base_costs, base_src = builtin(base)
        unit = _unit(base)
        if "unit" in d and get_str(d, "unit", at) != unit:
            raise at.at("unit").error(
                f"the overrides must be in the unit of table '{base}'", expected=repr(unit), found=d["unit"]
            )
        name = get_str(d, "name", at, default=f"{base} + overrides" if "costs" in d else base)
    else:
        if "unit" not in d or "costs" not in d:
            missing = "unit" if "unit" not in d else "costs"
            raise at.error(
                f"missing required key '{missing}'",
                expected="a user table {unit: ..., costs: {action: cost}} or a built-in 'table'",
            )
        unit = get_str(d, "unit", at)
        if not unit.strip():
            raise at.at("unit").error("empty unit", expected="a unit such as 'pJ'", found=unit)
        name = get_str(d, "name", at, default="custom")
    source = get_str(d, "source", at, default="user table" + (f" {file}" if file else ""))

    cat = at.at("costs")
    raw = expect_mapping(d.get("costs", {}), cat, "a mapping {action: cost}")
    if not raw and "table" not in d:
        raise cat.error("no costs", expected="at least one {action: cost}", found={})
    known = (list(FIXED_ACTIONS) + list(GLB_DEFAULTS) + [f"{g}_{a}" for g in glb_names for a in ("read", "write")]
             + list(STATIC_ACTIONS))
    user: dict[str, float] = {}
    for key in raw:
        k = str(key)
        base_action, dot, dtype = k.partition(".")
        if base_action not in known:
            raise cat.error(
                f"unknown action '{k}'{did_you_mean(base_action, known)}",
                expected="one of " + ", ".join(known) + " (optionally with .weight/.ifmap/.psum/.ofmap)",
                found=k,
            )
        if dot and base_action in STATIC_ACTIONS:
            raise cat.error(
                f"'{base_action}' is charged per cycle, not per data type",
                expected=base_action,
                found=k,
            )
        if dot and dtype not in _DTYPES:
            raise cat.error(
                f"unknown data type '{dtype}' in action '{k}'{did_you_mean(dtype, _DTYPES)}",
                expected="one of " + ", ".join(_DTYPES),
                found=k,
            )
        user[k] = get_number(raw, key, cat, positive=False)

    costs = dict(base_costs)
    src = dict(base_src)
    if "static" in d:
        default = get_str(d, "static", at, choices=STATIC_DEFAULTS)
        if "table" not in d:
            raise at.at("static").error(
                "a cited static default is stated in a built-in table's unit", expected="'table: eyeriss' or "
                "'table: horowitz45' beside it (or the *_static costs themselves in a user table)", found=default,
            )
        why = f"JSSC'17 chip: >= 45 % of its power neither ALU nor data movement, split by area [I]/[A] ({default})"
        for action, value in jssc17_static(get_str(d, "table", at)).items():
            costs[action], src[action] = value, why

    def put(action: str, value: float, why: str) -> None:
        for stale in [c for c in costs if c.startswith(action + ".")]:  # refinements of an overridden action
            del costs[stale], src[stale]
        costs[action], src[action] = value, why

    for default in GLB_DEFAULTS:
        if default in user:
            act = default.split("_")[1]
            for g in glb_names:
                put(f"{g}_{act}", user[default], f"{source} ({default} default)")
    for k, v in user.items():  # whole actions first: they drop the built-in's refinements ...
        if "." not in k and not (k in GLB_DEFAULTS and k.split("_")[0] not in glb_names):
            put(k, v, source)
    for k, v in user.items():  # ... then the user's own refinements
        if "." in k:
            costs[k], src[k] = v, source
    return _bind(name, unit, costs, src, actions, glb_names, at, file=file)


def _bind(
    name: str,
    unit: str,
    costs: dict[str, float],
    src: dict[str, str],
    actions: tuple[str, ...],
    glb_names: tuple[str, ...],
    at: Where,
    *,
    file: str,
) -> EnergyTable:
    missing = [a for a in actions if a not in costs]
    if missing:
        raise at.error(
            f"the energy table has no cost for action{'s' if len(missing) > 1 else ''} "
            + ", ".join(f"'{a}'" for a in missing),
            expected="a cost for every action this config needs: " + ", ".join(actions),
            found="costs for " + (", ".join(a for a in actions if a in costs) or "nothing"),
        )
    # the per-cycle actions only where stated (absent: nothing charged per cycle)
    static = tuple(a for a in STATIC_ACTIONS if a in costs and a not in actions)
    actions = tuple(actions) + static
    keep = [a for a in costs if a.partition(".")[0] in actions]
    order = {a: i for i, a in enumerate(actions)}
    keep.sort(key=lambda a: (order[a.partition(".")[0]], a))
    levels = {a: action_level(a, glb_names) or "" for a in actions}
    return EnergyTable(
        name=name,
        unit=unit,
        costs=_frozen({a: float(costs[a]) for a in keep}),
        sources=_frozen({a: src.get(a, "") for a in keep}),
        levels=_frozen(levels),
        file=file,
    )
