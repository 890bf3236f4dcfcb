"""A correct user dataflow: output stationary, its RF loop nest written out by hand."""
from accelsim.dataflow import Dataflow


class OutputStationary(Dataflow):
    name = "my-os"
    title = "output stationary (a student's)"
    rows = ("E",)
    cols = ("F",)
    rf_order = ("N", "M", "C", "R", "S")
    keep = {"weight": "mac", "ifmap": "mac", "psum": "M"}
    pass_order = ("G", "N", "M", "E", "F", "C", "R", "S")

    def order(self, extent):
        for n in range(extent["N"]):
            for m in range(extent["M"]):
                for c in range(extent["C"]):
                    for r in range(extent["R"]):
                        for s in range(extent["S"]):
                            yield n, m, c, r, s


class Declarative(Dataflow):
    """No order(): the loops nest as rf_order says."""
    rows = ("C",)
    cols = ("M",)
    rf_order = ("N", "E", "F", "R", "S")
    keep = {"weight": "pass", "ifmap": "mac", "psum": "F"}
    pass_order = ("G", "M", "C", "R", "S", "N", "E", "F")
    full_in_pass = ("R", "S")
