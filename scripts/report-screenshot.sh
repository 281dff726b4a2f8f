#!/usr/bin/env bash
# The picture of the HTML report in the README (docs/report.png): renders `verify report` of a
# results directory in headless Chromium, as HTMLReportBrowserTests does (no network), and shrinks
# the PNG with Debian's ImageMagick (/usr/bin/convert) when it is installed.
#   scripts/report-screenshot.sh RESULTS_DIR [OUT.png]     (default OUT: docs/report.png)
# The README's picture: the quickstart's registry-client results (scripts/quickstart.sh; results/registry).
set -euo pipefail
cd "$(dirname "$0")/.."
results=${1:?usage: scripts/report-screenshot.sh RESULTS_DIR [OUT.png]}
out=${2:-docs/report.png}
verify=${VERIFY:-.build/release/verify}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
"$verify" report "$results" --html "$scratch/report.html"
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$scratch/profile" \
  --host-resolver-rules="MAP * ~NOTFOUND" --disable-background-networking --disable-component-update --no-first-run \
  --virtual-time-budget=3000 --window-size=1200,1250 --screenshot="$scratch/shot.png" "file://$scratch/report.html" 2>/dev/null
if /usr/bin/convert -version 2>/dev/null | grep -q ImageMagick; then
  /usr/bin/convert "$scratch/shot.png" -resize 75% +dither -colors 64 "PNG8:$out"
else
  cp "$scratch/shot.png" "$out"
fi
echo "$out: $(stat -c %s "$out") bytes"
