"""The dataflows: one module each, readable as the loop nest of Sze et al.'s tutorial."""
from .base import Dataflow
from .is_ import IS, IS_SYSTOLIC
from .nlr import NLR
from .os import OS, OS_SYSTOLIC
from .rs import RS
from .ws import WS, WS_SYSTOLIC

DATAFLOWS: dict[str, Dataflow] = {d.name: d for d in (WS, OS, IS, RS, NLR)}
"""The dataflows on a spatial array (PEs fed by a multicast NoC)."""

SYSTOLIC: dict[str, Dataflow] = {d.name: d for d in (WS_SYSTOLIC, OS_SYSTOLIC, IS_SYSTOLIC)}
"""The classic systolic schedules (operands forwarded between neighbours)."""


def dataflow_for(name: str | Dataflow | type, array_kind: str) -> Dataflow:
    """The loop nest of dataflow ``name`` on a ``spatial`` or ``systolic`` array; a user's
    dataflow (``"mine.py:MyDataflow"``, a Dataflow subclass or instance) as it declares
    itself (:mod:`accelsim.dataflow.plugin`)."""
    from .plugin import is_reference, resolve

    if not isinstance(name, str) or is_reference(name):
        return resolve(name)
    return (SYSTOLIC if array_kind == "systolic" else DATAFLOWS)[name]


__all__ = ["DATAFLOWS", "SYSTOLIC", "Dataflow", "IS", "NLR", "OS", "RS", "WS", "dataflow_for"]
