#!/usr/bin/env python3
"""CSSS's CLAHE and 3x3 median against OpenCV's, on the same 8-bit gray pixels.

OpenCV decodes each chest X-ray fixture to gray (cv2.imdecode, IMREAD_GRAYSCALE), and its
createCLAHE(2.0, (8, 8)).apply and medianBlur(3) outputs are written with that input as raw .u8 files
into a dump folder. A Swift test (CLAHETests, "matches OpenCV on the chest X-ray dumps") reads the same
input, runs CSSS's CLAHE and median, and writes its outputs beside them; this script then reports the
differences. Feeding both sides OpenCV's decode isolates the filters from JPEG decoder differences.

  python3 -m venv bench/.venv-cv && bench/.venv-cv/bin/pip install opencv-python-headless numpy
  bench/.venv-cv/bin/python bench/clahe_vs_opencv.py              # dump, run the Swift test, report
  bench/.venv-cv/bin/python bench/clahe_vs_opencv.py --fixtures   # rewrite the tests' small references

Options: --images DIR (default ../shared/fixtures/images/cxr or $CSSS_FIXTURES/images/cxr),
--dumps DIR (default bench/out/clahe-cxr), --no-swift (dump only; run the test yourself with
CSSS_OPENCV_DUMPS=DIR), --report-only (compare what is already in DIR).
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
TEST_RESOURCES = ROOT / "Tests/CSSSEngineTests/Resources/clahe"
SWIFT_TEST = "CSSSEngineTests.CLAHETests/matchesOpenCVOnDumps"


def default_images() -> Path:
    fixtures = os.environ.get("CSSS_FIXTURES")
    base = Path(fixtures) if fixtures else ROOT.parent / "shared/fixtures"
    return base / "images/cxr"


def clahe(image: np.ndarray, clip: float, columns: int, rows: int) -> np.ndarray:
    return cv2.createCLAHE(clipLimit=clip, tileGridSize=(columns, rows)).apply(image)


def dump(images: Path, dumps: Path) -> None:
    dumps.mkdir(parents=True, exist_ok=True)
    entries = []
    for path in sorted(images.glob("*.jpeg")):
        gray = cv2.imdecode(np.fromfile(path, dtype=np.uint8), cv2.IMREAD_GRAYSCALE)
        stem = path.stem
        gray.tofile(dumps / f"{stem}.input.u8")
        clahe(gray, 2.0, 8, 8).tofile(dumps / f"{stem}.opencv-clahe.u8")
        cv2.medianBlur(gray, 3).tofile(dumps / f"{stem}.opencv-median.u8")
        entries.append({"stem": stem, "width": int(gray.shape[1]), "height": int(gray.shape[0])})
    manifest = {"opencv": cv2.__version__, "clipLimit": 2.0, "tileGrid": [8, 8], "images": entries}
    (dumps / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    print(f"OpenCV {cv2.__version__}: {len(entries)} images dumped to {dumps}", file=sys.stderr)


def run_swift(dumps: Path) -> None:
    env = dict(os.environ, CSSS_OPENCV_DUMPS=str(dumps.resolve()))
    command = ["swift", "test", "--filter", SWIFT_TEST]
    print("running: CSSS_OPENCV_DUMPS=... " + " ".join(command), file=sys.stderr)
    result = subprocess.run(command, cwd=ROOT, env=env)
    if result.returncode != 0:
        print("the Swift test failed (see above); reporting what it wrote", file=sys.stderr)


def report(dumps: Path) -> int:
    manifest = json.loads((dumps / "manifest.json").read_text())
    print(f"OpenCV {manifest['opencv']}, CLAHE clipLimit {manifest['clipLimit']}, grid {manifest['tileGrid']}")
    print(f"{'image':32} {'size':>10} | {'CLAHE max':>9} {'mean':>8} {'differ':>7} | {'median max':>10} {'differ':>7}")
    totals = {"clahe": [0, 0.0, 0, 0], "median": [0, 0.0, 0, 0]}  # max, sum of |diff|, differing, pixels
    missing = 0
    for entry in manifest["images"]:
        stem, shape = entry["stem"], (entry["height"], entry["width"])
        row = []
        for operation in ("clahe", "median"):
            ours_path = dumps / f"{stem}.csss-{operation}.u8"
            if not ours_path.exists():
                missing += 1
                row.append(None)
                continue
            theirs = np.fromfile(dumps / f"{stem}.opencv-{operation}.u8", dtype=np.uint8).reshape(shape)
            ours = np.fromfile(ours_path, dtype=np.uint8).reshape(shape)
            diff = np.abs(ours.astype(np.int16) - theirs.astype(np.int16))
            stats = (int(diff.max()), float(diff.mean()), int(np.count_nonzero(diff)))
            total = totals[operation]
            total[0] = max(total[0], stats[0])
            total[1] += float(diff.sum())
            total[2] += stats[2]
            total[3] += diff.size
            row.append(stats)
        cells = [f"{'-':>9} {'-':>8} {'-':>7}" if s is None else f"{s[0]:>9} {s[1]:>8.5f} {s[2]:>7}" for s in row[:1]]
        cells += [f"{'-':>10} {'-':>7}" if s is None else f"{s[0]:>10} {s[2]:>7}" for s in row[1:]]
        print(f"{stem:32} {shape[1]:>4}x{shape[0]:<5} | {cells[0]} | {cells[1]}")
    for operation, (worst, total, differing, pixels) in totals.items():
        if pixels:
            print(f"{operation}: max |diff| {worst}, mean |diff| {total / pixels:.6f}, "
                  f"{differing} of {pixels} pixels differ")
    if missing:
        print(f"{missing} CSSS outputs missing: run the Swift test with CSSS_OPENCV_DUMPS={dumps}", file=sys.stderr)
        return 1
    return 0 if max(t[0] for t in totals.values()) <= 1 else 1


def synthetic(width: int, height: int, seed: int) -> np.ndarray:
    """A gradient with flat blocks (which CLAHE clips) and noise (which it spreads)."""
    y, x = np.mgrid[0:height, 0:width]
    image = 40 + 150 * x / max(width - 1, 1) + 30 * np.sin(y / 3.0)
    image[height // 4: height // 2, width // 5: width // 2] = 90
    image[(2 * height) // 3:, (3 * width) // 5:] = 200
    image += np.random.default_rng(seed).normal(0, 6, size=image.shape)
    return np.clip(np.rint(image), 0, 255).astype(np.uint8)


def write_fixtures(images: Path) -> None:
    """Small inputs and OpenCV outputs for CLAHETests, so the tests need no OpenCV."""
    TEST_RESOURCES.mkdir(parents=True, exist_ok=True)
    chest = cv2.imdecode(np.fromfile(images / "NORMAL2-IM-1427-0001.jpeg", dtype=np.uint8), cv2.IMREAD_GRAYSCALE)
    inputs = {
        # divisible by the 8x8 grid: no padding
        "synthetic-64x48": (synthetic(64, 48, 1), [(2.0, 8, 8), (40.0, 2, 2)], True),
        # width divisible, height not: OpenCV pads the width by a whole tile too
        "synthetic-40x45": (synthetic(40, 45, 2), [(2.0, 8, 8)], True),
        # smaller than the grid: reflect-101 padding longer than the image
        "synthetic-5x3": (synthetic(5, 3, 3), [(2.0, 8, 8)], True),
        # a whole chest X-ray, area-downscaled: real anatomy, neither side divisible
        "cxr-101x77": (cv2.resize(chest, (101, 77), interpolation=cv2.INTER_AREA),
                       [(2.0, 8, 8), (4.0, 3, 5), (0.0, 8, 8)], True),
    }
    cases = []
    for name, (image, settings, median) in inputs.items():
        image.tofile(TEST_RESOURCES / f"{name}.u8")
        outputs = []
        for clip, columns, rows in settings:
            file = f"{name}.clahe-{clip:g}-{columns}x{rows}.u8"
            clahe(image, clip, columns, rows).tofile(TEST_RESOURCES / file)
            outputs.append({"operation": "clahe", "clipLimit": clip, "tileColumns": columns, "tileRows": rows,
                            "file": file})
        if median:
            file = f"{name}.median3.u8"
            cv2.medianBlur(image, 3).tofile(TEST_RESOURCES / file)
            outputs.append({"operation": "median3", "file": file})
        cases.append({"name": name, "width": int(image.shape[1]), "height": int(image.shape[0]),
                      "input": f"{name}.u8", "outputs": outputs})
    manifest = {"generatedBy": "bench/clahe_vs_opencv.py --fixtures", "opencv": cv2.__version__, "cases": cases}
    (TEST_RESOURCES / "cases.json").write_text(json.dumps(manifest, indent=1) + "\n")
    print(f"wrote {len(cases)} cases to {TEST_RESOURCES.relative_to(ROOT)}", file=sys.stderr)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", type=Path, default=default_images())
    parser.add_argument("--dumps", type=Path, default=ROOT / "bench/out/clahe-cxr")
    parser.add_argument("--no-swift", action="store_true")
    parser.add_argument("--report-only", action="store_true")
    parser.add_argument("--fixtures", action="store_true")
    args = parser.parse_args()
    if args.fixtures:
        write_fixtures(args.images)
        return 0
    if not args.report_only:
        dump(args.images, args.dumps)
        if args.no_swift:
            return 0
        run_swift(args.dumps)
    return report(args.dumps)


if __name__ == "__main__":
    sys.exit(main())
