"""Assignment 2 — reference answers."""


def predict(N, C, H, W, M, R, S):
    E, F = H - R + 1, W - S + 1
    macs = N * M * E * F * C * R * S
    return {"macs": macs, "rf_psum_reads": macs, "noc_weight": macs, "noc_ifmap": macs, "glb_ofmap_writes": N * M * E * F}


EXPLANATION = """
Every MAC reads the output's partial sum from the PE's RF and writes it back, because the
psum is the operand that stays: so RF psum reads equal the MACs. Weights and ifmaps are not
kept, so each MAC has its weight and its ifmap value delivered over the NoC: both NoC counts
equal the MACs (no padding here). The GLB sees each output once, when it is finished, because
the psum never leaves the PE before its last product. A weight-stationary dataflow would keep
each weight in the RF for the whole pass and cut the NoC weight deliveries to one per weight
per pass, at the price of moving psums.
"""
