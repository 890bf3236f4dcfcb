"""Assignment 2 — a deliberately wrong submission: weights counted once each, as if they stayed."""


def predict(N, C, H, W, M, R, S):
    E, F = H - R + 1, W - S + 1
    macs = N * M * E * F * C * R * S
    return {"macs": macs, "rf_psum_reads": macs, "noc_weight": M * C * R * S, "noc_ifmap": macs, "glb_ofmap_writes": N * M * E * F}


EXPLANATION = "Too short."
