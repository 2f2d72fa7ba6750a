#!/usr/bin/env bash
# screenshot_report.sh RUN [OUTDIR] - render RUN/report.html in headless
# Chromium, as a person would see it, to PNG files you can look at:
#   OUTDIR/report-top.png      the first screen (1280 px wide)
#   OUTDIR/report-page-N.png   every page of the print rendering (needs pdftoppm)
# Installs chromium and poppler-utils when run as root with apt-get; otherwise
# prints the apt-get line.  The page loads nothing from the network: the
# report is self-contained, and Chromium's own background traffic is off.
set -euo pipefail

run=${1:?usage: screenshot_report.sh RUN [OUTDIR]}
out=${2:-$run/screenshots}
report=$(realpath "$run/report.html")
[ -f "$report" ] || { echo "screenshot_report.sh: $report not found (run: evbench report $run)" >&2; exit 2; }

need=()
command -v chromium >/dev/null || need+=(chromium)
command -v pdftoppm >/dev/null || need+=(poppler-utils)
if [ ${#need[@]} -gt 0 ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >&2
	else
		echo "screenshot_report.sh: install them first: sudo apt-get install ${need[*]}" >&2
		exit 1
	fi
fi

mkdir -p "$out"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
       --disable-background-networking --disable-component-update --disable-sync
       --hide-scrollbars "--user-data-dir=$profile")

chromium "${flags[@]}" --window-size=1280,2000 --screenshot="$out/report-top.png" \
	"file://$report" >/dev/null 2>&1
chromium "${flags[@]}" --no-pdf-header-footer --print-to-pdf="$out/report.pdf" \
	"file://$report" >/dev/null 2>&1
rm -f "$out"/report-page-*.png
pdftoppm -png -r 60 "$out/report.pdf" "$out/report-page"
ls "$out"
