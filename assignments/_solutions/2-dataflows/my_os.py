"""Output stationary (reference solution): PE (e, f) owns output pixel o[n][m][e][f];
the psum stays in its RF while the C·R·S products come in; weights and ifmaps stream."""
from accelsim.dataflow import Dataflow


class OutputStationary(Dataflow):
    name = "my-os"
    title = "output stationary"
    rows = ("E",)
    cols = ("F",)
    rf_order = ("N", "M", "C", "R", "S")
    keep = {"weight": "mac", "ifmap": "mac", "psum": "M"}
    pass_order = ("G", "N", "M", "E", "F", "C", "R", "S")
    full_in_pass = ("R", "S")

    def order(self, extent):
        for n in range(extent["N"]):
            for m in range(extent["M"]):
                for c in range(extent["C"]):
                    for r in range(extent["R"]):
                        for s in range(extent["S"]):
                            yield n, m, c, r, s
