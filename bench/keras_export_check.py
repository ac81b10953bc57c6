#!/usr/bin/env python3
"""Check a Keras .h5 written by CSSS (KerasModelWriter) with TensorFlow's own Keras 2, against `csss predict`.

Loads the model with tf_keras (Keras 2, the reader of legacy .h5 files) via `load_model(..., compile=False)`,
classifies every image of a folder with Keras preprocessing exactly as the fixtures' reference does (PIL decode,
RGB, whole-image bicubic resize to the model input, x / 127.5 - 1), runs `csss predict --json` on the same images,
and prints the largest |Δprobability| over all images and classes. Target: <= 1e-4. Exit status 1 above it.
See bench/README.md.
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
SETUP = "python3 -m venv bench/.venv-tf && bench/.venv-tf/bin/pip install tensorflow-cpu tf_keras h5py pillow"
TARGET = 1e-4

try:
    import numpy as np
    from PIL import Image
except ImportError as error:
    sys.exit(f"{error}\nSet up the environment once, from the repository root:\n  {SETUP}")


def fixtures_dir():
    """The shared fixtures: $CSSS_FIXTURES, else ../shared/fixtures beside the repository."""
    return Path(os.environ.get("CSSS_FIXTURES") or REPO.parent / "shared" / "fixtures")


def parse_args():
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model", type=Path, help="the .h5 written by CSSS")
    p.add_argument("images", type=Path, help="folder of PNG/JPEG images")
    p.add_argument("--labels", type=Path, default=fixtures_dir() / "models" / "labels.json",
                   help="class labels JSON for csss (default: the fixtures' labels.json)")
    p.add_argument("--csss", type=Path, default=REPO / ".build" / "release" / "csss",
                   help="the csss binary (default: .build/release/csss)")
    p.add_argument("--threads", type=int, default=2, help="threads for csss")
    p.add_argument("--limit", type=int, default=0, help="use only the first N images (0: all)")
    return p.parse_args()


def load_keras2(model):
    """The model, loaded by Keras 2 (tf_keras) as `tf.keras.models.load_model` in TF 2.15 would."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    try:
        import tf_keras as keras
    except ImportError:
        import tensorflow as tf
        keras = tf.keras
        if not keras.__version__.startswith("2."):
            sys.exit(f"TensorFlow's Keras is {keras.__version__}; install tf_keras for Keras 2:\n  {SETUP}")
    return keras, keras.models.load_model(model, compile=False)


def preprocess(path, height, width):
    """NHWC float32 [1, H, W, 3] in [-1, 1]: the reference's preprocessing (mobilenet_v2.preprocess_input)."""
    image = Image.open(path).convert("RGB").resize((width, height), Image.BICUBIC)
    x = np.asarray(image, dtype=np.float32)
    return (x / np.float32(127.5) - np.float32(1.0))[None]


def csss_probabilities(args, images):
    """`csss predict --json`: per image, in order, the probabilities in the model's output order."""
    command = [str(args.csss), "predict", "--model", str(args.model), "--labels", str(args.labels),
               "--threads", str(args.threads), "--json", *map(str, images)]
    run = subprocess.run(command, capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"csss predict failed ({run.returncode}):\n{run.stderr}")
    records = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    if len(records) != len(images):
        sys.exit(f"csss printed {len(records)} predictions for {len(images)} images")
    return [list(record["prediction"]["probabilities"].values()) for record in records]


def main():
    args = parse_args()
    images = sorted(p for p in args.images.resolve().iterdir() if p.suffix.lower() in (".png", ".jpg", ".jpeg"))
    if args.limit:
        images = images[:args.limit]
    if not images:
        sys.exit(f"no PNG or JPEG images in {args.images}")
    keras, model = load_keras2(args.model)
    _, height, width, _ = model.input_shape
    print(f"Keras {keras.__version__} loaded {args.model.name}: {len(model.layers)} layers, "
          f"input {height}x{width}, {model.count_params()} parameters", file=sys.stderr)
    theirs = csss_probabilities(args, images)
    worst, worst_image = 0.0, None
    for path, probabilities in zip(images, theirs):
        keras_p = model(preprocess(path, height, width), training=False).numpy()[0].astype(np.float64)
        csss_p = np.asarray(probabilities, dtype=np.float64)
        if csss_p.shape != keras_p.shape:
            sys.exit(f"{path.name}: csss gives {csss_p.size} classes, Keras {keras_p.size}")
        delta = float(np.max(np.abs(csss_p - keras_p)))
        print(f"{path.name}: max |Δp| = {delta:.3g}  (Keras top {int(keras_p.argmax())}, csss top {int(csss_p.argmax())})")
        if delta >= worst:
            worst, worst_image = delta, path.name
    verdict = "OK" if worst <= TARGET else "ABOVE TARGET"
    print(f"max |Δprobability| over {len(images)} images: {worst:.3g} ({worst_image}); target <= {TARGET:g}: {verdict}")
    sys.exit(0 if worst <= TARGET else 1)


if __name__ == "__main__":
    main()
