"""The workload model: layer types, networks as DAGs, the YAML format and the model zoo."""
from .builder import NetBuilder
from .loader import load_workload, network_to_yaml, workload_from_dict
from .network import LayerSpec, NetLayer, Network, build_network
from .ops import OP_TYPES, Op
from .tensor import Shape, Tensor

__all__ = [
    "NetBuilder",
    "LayerSpec",
    "NetLayer",
    "Network",
    "OP_TYPES",
    "Op",
    "Shape",
    "Tensor",
    "build_network",
    "load_workload",
    "network_to_yaml",
    "workload_from_dict",
]
