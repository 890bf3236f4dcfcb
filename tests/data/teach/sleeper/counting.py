"""A submission of assignment 1 that never returns (for the grader's time limit)."""
import time


def output_size(H, R, stride, pad):
    while True:
        time.sleep(1)
