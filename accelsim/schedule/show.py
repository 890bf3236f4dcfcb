"""How ``accelsim run`` marks the schedule in its table: fused layers, views, tensors kept on chip."""
from __future__ import annotations

from typing import Any

FUSED = "↳ "
VIEW = "▫ "


def mark(l: Any) -> str:
    """The layer's name, prefixed ↳ when fused into the layer before it, ▫ when a view."""
    role = (l.tensors or {}).get("role")
    return (FUSED if role == "fused" else VIEW if role == "view" else "") + l.name


def lives(l: Any) -> str:
    """Where the layer's write-back puts its output: GLB (kept on chip), DRAM, or - (a view,
    or fused: written by the layer it is fused into)."""
    outs = (l.tensors or {}).get("outputs", [])
    homes = sorted({o["lives"] for o in outs})
    return "+".join(homes) if homes else "-"


def legend(r: Any) -> list[str]:
    """One line on the schedule under the table, and the run's notes (the schedule's fallbacks among them)."""
    s = r.schedule
    if not s:
        return []
    roles = [(l.tensors or {}).get("role") for l in r.layers]
    kept = [t for t in s["tensors"] if t["lives"] == "GLB"]
    line = (f"--fusion {s['fusion']}: {roles.count('fused')} layers fused into the write-back before them (↳), "
            f"{roles.count('view')} views (▫), {len(kept)} tensors kept on chip"
            + (f" in {s['glb']} (out = GLB; beside the tiles, which keep their ops mappings)" if s["glb"] else "")
            + "; --json: where each tensor lived and why.")
    return [line] + [f"note: {n}" for n in r.notes]
