"""Assignment 2 — your answers."""


def predict(N: int, C: int, H: int, W: int, M: int, R: int, S: int) -> dict[str, int]:
    """What accelsim will count for YOUR output-stationary dataflow on a conv layer with
    no padding and stride 1, whatever mapping the mapper picks, as closed forms:

    - "macs": multiply-accumulates;
    - "rf_psum_reads": psum reads from the PEs' RFs;
    - "noc_weight": weights delivered to PEs over the NoC;
    - "noc_ifmap": ifmap values delivered to PEs over the NoC;
    - "glb_ofmap_writes": finished outputs written to the global buffer.
    """
    raise NotImplementedError


EXPLANATION = """
(At least 50 words: why does each of these counts come out as it does for an
output-stationary dataflow, and which of them a weight-stationary one would cut?)
"""
