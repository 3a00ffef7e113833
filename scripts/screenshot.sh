#!/bin/sh
# Reproduces docs/screenshot-sample.png: the side-by-side HTML page of the sample article
# (shared/samples/news-tiktok-ar.txt, aligned in parallel mode with its English version
# tests/data/tiktok-en.txt), rendered by headless Chromium at 1280x1600.
# Needs: Debian chromium and fonts-noto-core (Arabic), ../shared beside the repo.
# Run from the repository root: scripts/screenshot.sh [OUT.png]
set -eu
out=${1:-docs/screenshot-sample.png}
ar=../shared/samples/news-tiktok-ar.txt
[ -f "$ar" ] || { echo "screenshot.sh: $ar is missing (the shared samples folder)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# A fixed date in the page's header, so that a rerun gives the same picture.
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1714003200} \
    cargo run -q -- align "$ar" tests/data/tiktok-en.txt --mode parallel --format html -q \
    -o "$tmp/sample.html"
chromium --headless --no-sandbox --disable-gpu --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --disable-quic \
    --user-data-dir="$tmp/profile" --hide-scrollbars --window-size=1280,1600 \
    --screenshot="$out" "file://$tmp/sample.html"
echo "wrote $out"
