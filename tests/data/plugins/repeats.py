"""Wrong: every channel is visited twice (the product is added twice)."""
from accelsim.dataflow import Dataflow


class RepeatsChannels(Dataflow):
    rows = ("E",)
    cols = ("F",)
    rf_order = ("N", "M", "C", "R", "S")
    keep = {"weight": "mac", "ifmap": "mac", "psum": "M"}
    pass_order = ("G", "N", "M", "E", "F", "C", "R", "S")

    def order(self, extent):
        for n in range(extent["N"]):
            for m in range(extent["M"]):
                for c in list(range(extent["C"])) * 2:
                    for r in range(extent["R"]):
                        for s in range(extent["S"]):
                            yield n, m, c, r, s
