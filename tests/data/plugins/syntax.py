from accelsim.dataflow import Dataflow


class Broken(Dataflow):
    rows = ("E",)
    cols = ("F",
    rf_order = ("N", "M")
