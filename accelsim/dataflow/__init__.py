"""The dataflows: one module each, readable as the loop nest of Sze et al.'s tutorial."""
from .base import Dataflow
from .is_ import IS
from .nlr import NLR
from .os import OS
from .rs import RS
from .ws import WS

DATAFLOWS: dict[str, Dataflow] = {d.name: d for d in (WS, OS, IS, RS, NLR)}

__all__ = ["DATAFLOWS", "Dataflow", "IS", "NLR", "OS", "RS", "WS"]
