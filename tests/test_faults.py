"""Faults (issue #18): every failure a one-paragraph error with exit status 2 and no traceback,
every output all or nothing, nothing that hangs.

A full disk and a read-only folder are small tmpfs mounts where the tests run as root (as in CI);
elsewhere a full disk is an RLIMIT_FSIZE child and a read-only folder one without write bits —
and a case that has neither says why it skips.
"""
from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from accelsim.errors import AccelsimError
from accelsim.limits import MAX_BATCH, MAX_FIELD, MAX_MACS, MAX_TENSOR
from accelsim.writing import MANIFEST, PAUSE_ENV, Outputs, write_file
from accelsim.yamlio import MAX_DEPTH, MAX_NODES, parse_yaml

REPO = Path(__file__).resolve().parent.parent
TINY = REPO / "tests" / "data" / "plugins" / "tiny.yaml"
SS = REPO / "tests" / "data" / "scalesim" / "traces"
TOPO, CFG = SS / "tiny.csv", SS / "tiny_ws_CALC.cfg"
REPORT_FILES = {"result.json", "layers.csv", "report.html"} | {
    f"{s}.{f}" for s in ("energy_layers", "energy_totals", "latency", "roofline") for f in ("png", "svg")}


def one_paragraph(code: int, out: str, err: str, *words: str) -> None:
    """Exit 2, one ``accelsim: error:`` paragraph on stderr that contains ``words``, no traceback."""
    assert code == 2, (code, err)
    assert "Traceback" not in err and err.startswith("accelsim: error: "), err
    assert err.strip().count("\n") == 0, err  # one paragraph
    for w in words:
        assert w in err, (w, err)


def leftovers(folder: Path) -> list[str]:
    """Temporary files or folders of a writer left in ``folder``."""
    return sorted(p.name for p in folder.rglob("*") if ".accelsim-tmp-" in p.name)


# ---------------------------------------------------------------- disks that fail


def _mount(path: Path, options: str) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        return False
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True)
    return r.returncode == 0


def _umount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], capture_output=True)


@pytest.fixture
def full_disk(tmp_path):
    """A folder on a full 64 kB tmpfs (root), else None (tests then use RLIMIT_FSIZE)."""
    d = tmp_path / "full"
    if not _mount(d, "size=64k"):
        yield None
        return
    try:
        fd = os.open(d / "filler", os.O_WRONLY | os.O_CREAT)
        try:  # fill it: every later write meets ENOSPC
            while os.write(fd, b"\0" * 4096):
                pass
        except OSError:
            pass
        finally:
            os.close(fd)
        yield d
    finally:
        _umount(d)


@pytest.fixture
def read_only(tmp_path):
    """A read-only folder: a read-only tmpfs as root, else a folder without write bits."""
    d = tmp_path / "ro"
    if _mount(d, "size=64k,ro"):
        try:
            yield d
        finally:
            _umount(d)
        return
    if os.geteuid() == 0:
        pytest.skip("root ignores write bits and mounting a read-only tmpfs is not permitted here")
    d.chmod(0o555)
    try:
        yield d
    finally:
        d.chmod(0o755)


def _cli(*argv: object, env: dict | None = None, limit_fsize: bool = False, timeout: float = 120) -> tuple[int, str, str]:
    """The CLI in a child process (for signals, resource limits and stdout on a device)."""
    def pre() -> None:
        if limit_fsize:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))

    r = subprocess.run([sys.executable, "-m", "accelsim", *map(str, argv)], capture_output=True, text=True,
                       env={**os.environ, **(env or {})}, preexec_fn=pre, timeout=timeout, cwd=REPO)
    return r.returncode, r.stdout, r.stderr


# ---------------------------------------------------------------- writing fails


@pytest.mark.parametrize("flag", ["--json", "--csv", "--out"])
def test_outputs_onto_a_full_disk(run_cli, full_disk, tmp_path, flag):
    if full_disk is None:  # no tmpfs: a child whose files may not grow (EFBIG)
        code, out, err = _cli("run", TINY, "eyeriss", flag, tmp_path / "x", "--quiet", limit_fsize=True)
        one_paragraph(code, out, err, str(tmp_path / "x"), "cannot write")
        assert not (tmp_path / "x").exists() and not leftovers(tmp_path)
        return
    target = full_disk / "x"
    code, out, err = run_cli("run", TINY, "eyeriss", flag, target, "--quiet")
    one_paragraph(code, out, err, str(target), "no space left on the device")
    assert sorted(p.name for p in full_disk.iterdir()) == ["filler"]


@pytest.mark.parametrize("argv", [
    ("run", TINY, "eyeriss", "--quiet", "--json"),
    ("run", TINY, "eyeriss", "--quiet", "--csv"),
    ("run", TOPO, CFG, "--scalesim-reports"),
    ("run", TOPO, CFG, "--traces"),
    ("import", "scalesim", TOPO, CFG, "-o"),
    ("assignments", "export", "--student"),
])
def test_outputs_into_a_read_only_folder(run_cli, read_only, argv):
    target = read_only / "x"
    code, out, err = run_cli(*argv, target)
    one_paragraph(code, out, err, "x")
    assert "read-only" in err or "permission denied" in err
    assert not any(read_only.iterdir())


@pytest.mark.parametrize("argv, kind", [
    (("run", TOPO, CFG, "--json"), "file"),
    (("run", TOPO, CFG, "--scalesim-reports"), "folder"),
    (("run", TOPO, CFG, "--traces"), "folder"),
    (("import", "scalesim", TOPO, CFG, "-o"), "folder"),
    (("run", TINY, "eyeriss", "--quiet", "--csv"), "file"),
    (("run", TINY, "eyeriss", "--quiet", "--out"), "folder"),
])
def test_outputs_onto_a_directory_a_file_or_under_a_file(run_cli, tmp_path, argv, kind):
    a_dir, a_file = tmp_path / "d", tmp_path / "f"
    a_dir.mkdir()
    (a_dir / "mine.txt").write_text("the user's")
    a_file.write_text("the user's")
    if kind == "file":  # a file output given an existing folder
        code, out, err = run_cli(*argv, a_dir)
        one_paragraph(code, out, err, str(a_dir), "is a folder")
    else:  # a folder output given an existing file
        code, out, err = run_cli(*argv, a_file)
        one_paragraph(code, out, err, str(a_file), "is a file")
    code, out, err = run_cli(*argv, a_file / "sub" / "x")  # the parent is a file: cannot be created
    one_paragraph(code, out, err, "its parent is not a folder", str(a_file))
    assert a_file.read_text() == "the user's" and sorted(p.name for p in a_dir.iterdir()) == ["mine.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d", "f"]


def test_a_folder_that_cannot_be_created(run_cli, read_only):
    code, out, err = run_cli("run", TOPO, CFG, "--json", read_only / "new" / "deeper" / "r.json")
    one_paragraph(code, out, err, "cannot create the folder", str(read_only / "new"))


def test_devices_are_written_into_never_replaced(run_cli, tmp_path):
    # /dev/full: the write fails cleanly, and /dev/full is still the device
    code, out, err = run_cli("run", TOPO, CFG, "--json", "/dev/full")
    one_paragraph(code, out, err, "/dev/full", "no space left")
    assert Path("/dev/full").is_char_device()
    code, out, err = run_cli("run", TOPO, CFG, "--json", "/dev/null")
    assert code == 0 and Path("/dev/null").is_char_device()
    # /dev/stdout (a pipe here): the JSON comes out on stdout
    code, out, err = _cli("run", TOPO, CFG, "--json", "/dev/stdout")
    assert code == 0 and json.loads(out[: out.rindex("}") + 1])["layers"]
    # /dev/stdout that the shell sent to a file: written into that file; /dev/stdout stays a link
    with open(tmp_path / "shell.out", "w") as f:
        r = subprocess.run([sys.executable, "-m", "accelsim", "run", str(TOPO), str(CFG), "--json", "/dev/stdout"],
                           stdout=f, stderr=subprocess.PIPE, text=True, timeout=60, cwd=REPO)
    assert r.returncode == 0 and json.loads((tmp_path / "shell.out").read_text().split("\n}\n")[0] + "\n}")["layers"]
    assert Path("/dev/stdout").is_symlink()
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    write_file(fifo, "through the pipe\n")
    assert reader.communicate(timeout=10)[0] == b"through the pipe\n" and fifo.is_fifo()


def test_a_symlinked_output_is_written_where_it_points(tmp_path):
    real_dir, real_file = tmp_path / "real", tmp_path / "real.json"
    real_dir.mkdir()
    (tmp_path / "d").symlink_to(real_dir)
    (tmp_path / "f.json").symlink_to(real_file)
    Outputs().folder(tmp_path / "d", {"a.csv": "1"}).file(tmp_path / "f.json", "{}").write()
    assert (tmp_path / "d").is_symlink() and (tmp_path / "f.json").is_symlink()
    assert (real_dir / "a.csv").read_text() == "1" and real_file.read_text() == "{}"


def test_stdout_on_a_full_disk():
    with open("/dev/full", "w") as full:
        r = subprocess.run([sys.executable, "-m", "accelsim", "info", "alexnet"], stdout=full,
                           stderr=subprocess.PIPE, text=True, timeout=60, cwd=REPO)
    one_paragraph(r.returncode, "", r.stderr, "standard output", "no space left")


# ---------------------------------------------------------------- all or nothing


def test_a_failing_json_leaves_no_report(run_cli, tmp_path):
    (tmp_path / "j").mkdir()
    code, out, err = run_cli("run", TINY, "eyeriss", "--out", tmp_path / "o", "--json", tmp_path / "j",
                             "--csv", tmp_path / "c.csv", "--quiet")
    one_paragraph(code, out, err, "--json", "is a folder")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["j"]


def test_the_set_is_all_or_none_when_staging_fails(tmp_path, monkeypatch):
    """The third of three outputs fails while it is staged: the first two are not written either."""
    import accelsim.writing as w

    real = w._stage_file
    calls = []

    def third_fails(tmp, data):
        calls.append(tmp)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        real(tmp, data)

    monkeypatch.setattr(w, "_stage_file", third_fails)
    out = Outputs().file(tmp_path / "a.json", "{}").folder(tmp_path / "dir", {"x.csv": "1", "y.csv": "2"})
    with pytest.raises(AccelsimError, match="no space left"):
        out.write()
    assert list(tmp_path.iterdir()) == []


def test_runs_one_after_the_other_leave_no_mix(run_cli, tmp_path):
    """A folder holds one run: figures of an earlier run that the later one does not draw go;
    the user's own files stay; the manifest says which run it holds."""
    out = tmp_path / "o"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    Outputs(label="first").folder(out, {"dataflows.png": b"x", "result.json": "{}", "sub/a.csv": "1"}).write()
    assert (out / "dataflows.png").exists() and json.loads((out / MANIFEST).read_text())["label"] == "first"
    Outputs(label="second").folder(out, {"result.json": '{"second": 1}', "sub/b.csv": "2"}).write()
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*")) == sorted(
        [MANIFEST, "notes.txt", "result.json", "sub", "sub/b.csv"])
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["label"] == "second" and manifest["files"] == ["result.json", "sub/b.csv"]
    assert (out / "notes.txt").read_text() == "mine" and not leftovers(tmp_path)
    out.chmod(0o1777)  # a shared folder keeps its bits when a run's files are swapped in
    Outputs(label="third").folder(out, {"result.json": "{}"}).write()
    assert out.stat().st_mode & 0o7777 == 0o1777


def test_run_then_plot_into_the_same_folder(run_cli, tmp_path):
    """``plot`` into the run's own folder keeps its result.json and layers.csv and replaces the figures."""
    out = tmp_path / "o"
    code, _, _ = run_cli("run", TINY, "eyeriss", "--out", out, "--quiet")
    fusion = {"fusion_dram.png", "fusion_dram.svg"}  # run draws --fusion none beside onchip; plot has one run
    assert code == 0 and {p.name for p in out.iterdir()} == REPORT_FILES | {MANIFEST} | fusion
    code, _, err = run_cli("plot", out / "result.json", "--quiet")
    assert code == 0 and {p.name for p in out.iterdir()} == REPORT_FILES | {MANIFEST}
    assert sorted(json.loads((out / MANIFEST).read_text())["files"]) == sorted(REPORT_FILES - {"result.json", "layers.csv"})


def test_two_writers_at_once_leave_one_whole_run(tmp_path):
    """Two processes stage into the same folder at once; the one that swaps in last wins whole."""
    out = tmp_path / "o"
    script = ("import sys; from accelsim.writing import Outputs; n = sys.argv[1]; "
              "Outputs(label=n).folder(sys.argv[2], {f'{n}-{i}.txt': n for i in range(20)}).write()")
    marker = tmp_path / "paused"
    env = {**os.environ, PAUSE_ENV: str(marker)}
    first = subprocess.Popen([sys.executable, "-c", script, "a", str(out)], env=env, cwd=REPO)
    _wait_for(marker)
    second = subprocess.run([sys.executable, "-c", script, "b", str(out)], cwd=REPO, timeout=60)
    assert second.returncode == 0
    first.send_signal(signal.SIGTERM)  # the paused writer is stopped: the folder holds run b whole
    first.wait(timeout=30)
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([MANIFEST] + [f"b-{i}.txt" for i in range(20)])
    assert not leftovers(tmp_path)


def _wait_for(marker: Path, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while not marker.exists():
        assert time.monotonic() < deadline, "the writer never reached its pause"
        time.sleep(0.05)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_during_the_write_leaves_nothing(tmp_path, sig):
    """SIGINT or SIGTERM while the outputs are staged: no output, no temporary, exit 130/143.
    SIGTERM: the 15 files of ``--out`` with ``--json``; SIGINT: SCALE-Sim's reports, traces and JSON."""
    marker, out = tmp_path / "paused", tmp_path / "o"
    args = [sys.executable, "-m", "accelsim", "run", str(TINY), "eyeriss", "--out", str(out),
            "--json", str(tmp_path / "r.json"), "--quiet"]
    if sig == signal.SIGINT:
        args = [sys.executable, "-m", "accelsim", "run", str(TOPO), str(CFG), "--scalesim-reports", str(out),
                "--traces", str(tmp_path / "t"), "--json", str(tmp_path / "r.json")]
    p = subprocess.Popen(args, env={**os.environ, PAUSE_ENV: str(marker)}, cwd=REPO,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _wait_for(marker)
    p.send_signal(sig)
    _, err = p.communicate(timeout=150)
    assert p.returncode in (130, 128 + sig, -sig) and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["paused"]


def test_sigkill_leaves_the_target_untouched_and_the_next_write_sweeps(tmp_path):
    marker, out = tmp_path / "paused", tmp_path / "reports"
    Outputs(label="before").folder(out, {"COMPUTE_REPORT.csv": "old"}).write()
    p = subprocess.Popen([sys.executable, "-m", "accelsim", "run", str(TOPO), str(CFG), "--scalesim-reports", str(out)],
                         env={**os.environ, PAUSE_ENV: str(marker)}, cwd=REPO,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_for(marker)
    p.kill()
    p.wait(timeout=30)
    assert (out / "COMPUTE_REPORT.csv").read_text() == "old"  # the earlier run, whole
    assert leftovers(tmp_path)  # SIGKILL cannot be caught: its staging folder stays ...
    Outputs().folder(out, {"COMPUTE_REPORT.csv": "new"}).write()
    assert not leftovers(tmp_path)  # ... until the next write beside it removes it


# ---------------------------------------------------------------- numbers too large


def _workload(tmp_path: Path, layer: str, name: str = "w.yaml") -> Path:
    p = tmp_path / name
    p.write_text(f"name: w\nlayers:\n- {{name: c, type: conv, {layer}}}\n")
    return p


@pytest.mark.parametrize("layer, words", [
    ("C: 3, H: 8, W: 8, M: 1000000000000000000000000000000, R: 3, S: 3", ["M:", f"{MAX_FIELD:,}"]),
    ("C: 100000, H: 100000, W: 100000, M: 16, R: 3, S: 3", ["layer 'c'", "the input", f"{MAX_TENSOR:,}"]),
    ("C: 40000, H: 8, W: 8, M: 40000, R: 3, S: 3", ["the weights", f"{MAX_TENSOR:,}"]),
])
def test_sizes_beyond_the_limits_are_refused_on_load(run_cli, tmp_path, layer, words):
    w = _workload(tmp_path, layer)
    for argv in (("info", w), ("run", w, "eyeriss")):  # info refuses what run cannot do
        one_paragraph(*run_cli(*argv), str(w), "than accelsim accepts", *words)


def test_the_limits_are_what_int64_and_the_search_allow():
    # int64 counts: the accesses of a layer are a few per MAC, so MAX_MACS leaves 2**7 spare
    assert MAX_MACS * 2**6 <= 2**63 - 1
    assert MAX_FIELD == 2**31 - 1 and MAX_TENSOR == 2**30 and MAX_BATCH == 2**20


@pytest.mark.parametrize("batch, words", [
    (10**21, ["--batch", f"{MAX_BATCH:,}"]),
    (10**9, ["--batch", f"{MAX_BATCH:,}"]),
    (2**20, ["layer 'c'", "at batch 1048576", f"{MAX_TENSOR:,}"]),
])
def test_a_batch_beyond_the_limits(run_cli, tmp_path, batch, words):
    w = _workload(tmp_path, "C: 64, H: 64, W: 64, M: 64, R: 3, S: 3, pad: 1")
    one_paragraph(*run_cli("run", w, "eyeriss", "--batch", batch, "--quiet"), *words)


def test_a_scalesim_height_of_1e20(run_cli, tmp_path):
    topo = tmp_path / "big.csv"
    topo.write_text(TOPO.read_text().splitlines()[0] + "\nc1, 100000000000000000000, 8, 3, 3, 3, 16, 1,\n")
    one_paragraph(*run_cli("run", topo, CFG), str(topo), "IFMAP Height", f"{MAX_FIELD:,}")
    topo.write_text(TOPO.read_text().splitlines()[0] + "\nc1, 2000000000, 2000000000, 3, 3, 3, 16, 1,\n")
    one_paragraph(*run_cli("run", topo, CFG), str(topo), "ifmap operand", f"{MAX_TENSOR:,}")


# ---------------------------------------------------------------- YAML that is a weapon


def test_deep_nesting(run_cli, tmp_path):
    p = tmp_path / "deep.yaml"
    p.write_text("[" * 10_000 + "]" * 10_000)
    one_paragraph(*run_cli("info", p), str(p), "nest")
    with pytest.raises(AccelsimError, match=f"more than {MAX_DEPTH} levels"):
        parse_yaml("a: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5), "n.yaml")


def test_an_alias_bomb_stops_at_once_with_a_short_message(run_cli, tmp_path):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, c in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{c}: &{c} [" + ",".join([f"*{prev}"] * 9) + "]")
    p = tmp_path / "bomb.yaml"
    p.write_text("\n".join(lines) + "\n")  # 9**9 = 387 million strings once expanded
    t = time.process_time()
    code, out, err = run_cli("info", p)
    assert time.process_time() - t < 5
    one_paragraph(code, out, err, str(p), f"more than {MAX_NODES:,} values")
    assert len(err) < 500


def test_a_long_value_is_cut_in_the_message(run_cli, tmp_path):
    p = tmp_path / "long.yaml"
    p.write_text("name: x\nlayers:\n- {name: c, type: conv, C: 3, H: 8, W: 8, M: '" + "9" * 100_000 + "', R: 3, S: 3}\n")
    code, out, err = run_cli("info", p)
    one_paragraph(code, out, err, "M", "9999...9999")  # the 100,000 digits cut in the middle
    assert len(err) < 700


@pytest.mark.parametrize("text, key", [
    ("name: x\nlayers:\n- {name: c, type: conv, C: 3, H: 8, W: 8, M: 16, M: 32, R: 3, S: 3}\n", "'M'"),
    ("name: x\nlayers: []\nlayers:\n- {name: c, type: conv, C: 3, H: 8, W: 8, M: 16, R: 3, S: 3}\n", "'layers'"),
])
def test_duplicate_keys_are_an_error(run_cli, tmp_path, text, key):
    p = tmp_path / "dup.yaml"
    p.write_text(text)
    one_paragraph(*run_cli("info", p), str(p), f"the key {key} appears twice")


def test_tags_are_refused_as_tags(run_cli, tmp_path):
    p = tmp_path / "evil.yaml"
    p.write_text("name: !!python/object/apply:os.system ['echo pwned']\nlayers: []\n")
    code, out, err = run_cli("info", p)
    one_paragraph(code, out, err, "tags are not allowed", "!!python/object/apply:os.system")
    assert "syntax error" not in err and "pwned" not in out
    with pytest.raises(AccelsimError, match="tags are not allowed"):
        parse_yaml("a: !!str 3\n")


def test_the_hardened_loader_reads_the_shipped_files_as_before():
    import yaml

    for f in sorted((REPO / "hw_configs").glob("*.yaml")) + sorted((REPO / "workloads").glob("*.yaml"))[:5]:
        text = f.read_text()
        assert parse_yaml(text, str(f)) == yaml.safe_load(text), f


# ---------------------------------------------------------------- user code


def _plugin(tmp_path: Path, head: str = "", order: str | None = None) -> str:
    body = (head + "from accelsim.dataflow import Dataflow\n\n\nclass Mine(Dataflow):\n"
            '    rows = ("E",)\n    cols = ("F",)\n    rf_order = ("N", "M", "C", "R", "S")\n'
            '    keep = {"weight": "mac", "ifmap": "mac", "psum": "M"}\n'
            '    pass_order = ("G", "N", "M", "E", "F", "C", "R", "S")\n')
    if order:
        body += "\n    def order(self, extent):\n" + "".join(f"        {l}\n" for l in order.splitlines())
    p = tmp_path / "mine.py"
    p.write_text(body)
    return f"{p}:Mine"


@pytest.mark.parametrize("head, order, words", [
    ("import sys\nsys.exit(0)\n", None, ["sys.exit(0)", "importing the file", "line 2"]),
    ("while True:\n    pass\n", None, ["time limit (1 s in all)", "importing the file", "--time-limit"]),
    ("", "while True:\n    pass\nyield 0", ["time limit", "class Mine", "running order()", "line 1"]),
    ("", "import time\ntime.sleep(600)\nyield 0", ["time limit", "class Mine", "line 13"]),
    ("", "raise SystemExit(3)\nyield 0", ["sys.exit(3)", "class Mine"]),
    ("", "yield 1 / 0", ["ZeroDivisionError", "class Mine", "line 12"]),
])
def test_user_code_is_bounded_and_named(run_cli, tmp_path, head, order, words):
    ref = _plugin(tmp_path, head, order)
    t = time.monotonic()
    code, out, err = run_cli("run", TINY, "eyeriss", "--dataflow", ref, "--quiet", "--time-limit", "1")
    assert time.monotonic() - t < 30
    one_paragraph(code, out, err, str(tmp_path / "mine.py"), *words)


def test_a_user_class_named_like_a_shipped_dataflow_is_named_by_its_file(tmp_path):
    from accelsim.dataflow.plugin import load
    from accelsim.reference.check import check_dataflow

    src = (REPO / "tests" / "data" / "plugins" / "swapped.py").read_text().replace("class SwappedLoops", "class OS")
    (tmp_path / "os_mine.py").write_text(src)
    with pytest.raises(AccelsimError) as e:
        check_dataflow(load(f"{tmp_path / 'os_mine.py'}:OS"))
    assert f"{tmp_path / 'os_mine.py'}: class OS:" in str(e.value) and "dataflow 'os'" not in str(e.value)


def test_the_time_limit_option_is_checked(run_cli):
    one_paragraph(*run_cli("run", TINY, "eyeriss", "--time-limit", "0"), "--time-limit")


# ---------------------------------------------------------------- odd files


def test_a_fifo_or_a_device_as_input(run_cli, tmp_path):
    fifo = tmp_path / "w.yaml"
    os.mkfifo(fifo)
    for argv in (("info", fifo), ("run", TINY, fifo), ("plot", fifo), ("run", tmp_path / "w.csv", CFG)):
        if argv[0] == "run" and argv[1] != TINY:
            os.mkfifo(argv[1])
        t = time.monotonic()
        code, out, err = run_cli(*argv)
        assert time.monotonic() - t < 10
        one_paragraph(code, out, err, "not a regular file", "FIFO")
    one_paragraph(*run_cli("info", "/dev/zero"), "/dev/zero", "a device")


@pytest.mark.parametrize("content, words", [
    (b"\x89PNG\r\n\x1a\n\x00\x00binary", ["a binary file", "0x89"]),
    (b'{"workload": "x", "layers": [{"name": ', ["not valid JSON", "cut off"]),
    (b"", ["empty"]),
    (b"[" * 100_000, ["JSON"]),
])
def test_plot_of_a_binary_or_truncated_result(run_cli, tmp_path, content, words):
    p = tmp_path / "r.json"
    p.write_bytes(content)
    one_paragraph(*run_cli("plot", p, "--out", tmp_path / "o"), str(p), *words)
    assert not (tmp_path / "o").exists()


def test_plot_of_a_result_without_layers(run_cli, tmp_path):
    code, out, _ = run_cli("run", TINY, "eyeriss", "--json", "--quiet")
    d = json.loads(out)
    d["layers"] = []
    p = tmp_path / "r.json"
    p.write_text(json.dumps(d))
    one_paragraph(*run_cli("plot", p, "--out", tmp_path / "o"), str(p), "no layer with MACs", "0 MACs")
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("pair", [(TOPO, "eyeriss"), (TOPO, REPO / "hw_configs" / "eyeriss.yaml"), ("alexnet", CFG), (TINY, CFG)])
def test_a_scalesim_file_with_an_accelsim_one(run_cli, pair):
    one_paragraph(*run_cli("run", *pair), "SCALE-Sim pair (TOPOLOGY.csv CONFIG.cfg)", "accelsim pair")


def test_scalesim_commands_given_a_yaml_config(run_cli):
    hw = REPO / "hw_configs" / "eyeriss.yaml"
    one_paragraph(*run_cli("scalesim", TOPO, hw), "SCALE-Sim pair")


# ---------------------------------------------------------------- empty option values


@pytest.mark.parametrize("argv, option", [
    (("run", TINY, "eyeriss", "--dataflow", ""), "--dataflow"),
    (("run", TINY, "eyeriss", "--csv", ""), "--csv"),
    (("run", TINY, "eyeriss", "--out", ""), "--out"),
    (("run", TINY, "eyeriss", "--json", ""), "--json"),
    (("info", ""), "workload"),
])
def test_empty_option_values(run_cli, argv, option):
    one_paragraph(*run_cli(*argv), option, "an empty value")
