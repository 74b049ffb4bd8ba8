"""The benchmark suite runs end to end on tiny sizes and writes its report.

Only that: no timing is asserted here (the machines are shared and noisy); the numbers
come from ``make bench``.
"""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_suite_runs_and_writes_json_and_png(tmp_path):
    out = tmp_path / "bench"
    proc = subprocess.run([sys.executable, "-m", "benchmarks.run", "--tiny", "--threads", "1", "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]

    report = json.loads((out / "bench.json").read_text())
    (setting,) = report["settings"]
    assert setting["setting"] == "1" and setting["threads"] == 1
    names = [r["name"] for r in setting["rows"]]
    groups = {r["group"] for r in setting["rows"]}
    assert groups == {"training", "autograd", "single ops", "data loading", "cnn", "rnn", "random"}
    assert any(n.startswith("quickstart MLP epoch") for n in names)
    assert "small-op graph (10 ops + backward)" in names
    assert sum(n.startswith("TensorDataset") for n in names) == 2
    for row in setting["rows"] + report["memory"]:
        assert row["torch"] > 0 and row["ours"] > 0
        assert abs(row["ratio"] - row["ours"] / row["torch"]) < 1e-9
    epoch = next(r for r in setting["rows"] if r["group"] == "training")
    assert epoch["target"] == 1.0 and epoch["numpy"] > 0
    assert [r["unit"] for r in report["memory"]] == ["bytes"] * 6
    assert report["cuda"] == (setting["rows"][0]["cuda"] is not None)

    png = (out / "bench.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000
    assert "wrote" in proc.stdout and "targets" in proc.stdout
