#!/usr/bin/env python3
"""Compare a heatmap overlay written by CSSS with the one the seed's OpenCV code draws.

The seed drew Grad-CAM overlays with

    heatmap = cv2.resize(cam, (w, h))
    heatmap = cv2.applyColorMap(np.uint8(255 * heatmap), cv2.COLORMAP_JET)
    overlay = cv2.addWeighted(img, 1 - alpha, heatmap, alpha, 0)

This script draws the same overlay for a scan and a raw map, reads the PNG CSSS wrote for them, and prints
the largest per-sample difference and how many samples differ. It draws OpenCV's overlay twice: with Intel
IPP on (the default in the x86 pip wheels, so what the seed produced, and what CSSS follows bit for bit) and
off (OpenCV's own resize code, as in ARM builds). The two resizes differ in the last bit of some values,
which can move a pixel across a quantisation step: expect 0 against IPP-on, and against IPP-off a difference
of 1 or 2 levels in about one pixel in 10,000.

Usage, from the repository root:

    python3 -m venv bench/.venv && bench/.venv/bin/pip install opencv-python-headless numpy
    bench/.venv/bin/python bench/overlay_vs_opencv.py --scan SCAN.jpeg --map MAP.bin --csss OVERLAY.png \
        [--csss-heatmap HEATMAP.png] [--alpha 0.4]

MAP.bin is raw little-endian float32, row-major, top row first, square unless --map-shape HxW says
otherwise: the fixtures' reference/*/*/gradcam.<layer>.bin files are in this format. OVERLAY.png is what
CSSS wrote for the same scan and map (`csss predict --heatmap OVERLAY.png` once the CLI has it); the scan
is decoded by OpenCV (`cv2.imread`, 8-bit BGR), so a JPEG decoder difference would show up here too.
Exit status 0 when the largest difference against OpenCV with IPP on is at most --tolerance (default 0).
On a machine whose OpenCV has no IPP (ARM), both lines show OpenCV's own code.
"""

import argparse
import math
import sys

try:
    import cv2
    import numpy as np
except ImportError as error:
    sys.exit(f"{error}\nSet up once: python3 -m venv bench/.venv && bench/.venv/bin/pip install opencv-python-headless numpy")


def read_map(path, shape):
    values = np.fromfile(path, dtype="<f4")
    if shape:
        height, width = (int(side) for side in shape.lower().split("x"))
    else:
        height = width = math.isqrt(values.size)
    if height * width != values.size:
        sys.exit(f"{path}: {values.size} values do not fill a {height}x{width} map (use --map-shape HxW)")
    return values.reshape(height, width).astype(np.float32)


def opencv_overlay(scan_bgr, cam, alpha, use_ipp):
    """The seed's three lines; returns (overlay, bare heatmap) as RGB uint8."""
    cv2.ipp.setUseIPP(use_ipp)
    height, width = scan_bgr.shape[:2]
    heatmap = cv2.resize(cam, (width, height))
    heatmap = cv2.applyColorMap(np.uint8(255 * heatmap), cv2.COLORMAP_JET)
    overlay = cv2.addWeighted(scan_bgr, 1 - alpha, heatmap, alpha, 0)
    return overlay[:, :, ::-1], heatmap[:, :, ::-1]


def read_rgb(path):
    image = cv2.imread(path, cv2.IMREAD_UNCHANGED)
    if image is None:
        sys.exit(f"{path}: cannot be read as an image")
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    return image[:, :, ::-1]


def compare(label, ours, theirs):
    if ours.shape != theirs.shape:
        print(f"{label}: shapes differ, CSSS {ours.shape} against OpenCV {theirs.shape}")
        return math.inf
    difference = np.abs(ours.astype(np.int16) - theirs.astype(np.int16))
    largest = int(difference.max())
    differing = int(np.count_nonzero(difference))
    pixels = int(np.count_nonzero(difference.max(axis=2)))
    print(f"{label}: max |diff| {largest}, {differing} of {difference.size} samples differ "
          f"({pixels} of {difference.shape[0] * difference.shape[1]} pixels)")
    return largest


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scan", required=True, help="the scan the overlay was drawn on")
    parser.add_argument("--map", required=True, help="the map, raw little-endian float32")
    parser.add_argument("--map-shape", help="HxW, when the map is not square")
    parser.add_argument("--csss", required=True, help="the overlay PNG CSSS wrote")
    parser.add_argument("--csss-heatmap", help="the bare heatmap PNG CSSS wrote, at the scan's size")
    parser.add_argument("--alpha", type=float, default=0.4)
    parser.add_argument("--tolerance", type=int, default=0)
    arguments = parser.parse_args()

    cam = read_map(arguments.map, arguments.map_shape)
    scan = cv2.imread(arguments.scan, cv2.IMREAD_COLOR)
    if scan is None:
        sys.exit(f"{arguments.scan}: cannot be read as an image")
    print(f"OpenCV {cv2.__version__} (IPP {'available' if cv2.ipp.useIPP() else 'absent'}), numpy {np.__version__}; scan {scan.shape[1]}x{scan.shape[0]}, "
          f"map {cam.shape[1]}x{cam.shape[0]} (max {cam.max():.4g}), alpha {arguments.alpha}")

    ours = read_rgb(arguments.csss)
    bare = read_rgb(arguments.csss_heatmap) if arguments.csss_heatmap else None
    worst = {}
    for use_ipp in (False, True):
        overlay, heatmap = opencv_overlay(scan, cam, arguments.alpha, use_ipp)
        label = "IPP on " if use_ipp else "IPP off"
        worst[use_ipp] = compare(f"overlay, {label}", ours, overlay)
        if bare is not None:
            compare(f"heatmap, {label}", bare, heatmap)
    return 0 if worst[True] <= arguments.tolerance else 1


if __name__ == "__main__":
    sys.exit(main())
