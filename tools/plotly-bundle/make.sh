#!/bin/sh
# Remake sitegen/vendor/plotly/plotly-bar-sunburst.min.js from the npm packages pinned in
# package-lock.json (plotly.js 4.1.1, esbuild 0.28.2). Needs node and npm; run from anywhere.
# The options follow plotly.js's own esbuild-config.js (IIFE, global Plotly, global=window,
# es2016). maplibre-gl's CSS, required only by map traces, is dropped (empty CSS loader).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../../sitegen/vendor/plotly/plotly-bar-sunburst.min.js"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here/package.json" "$here/package-lock.json" "$here/entry.js" "$work/"
cd "$work"
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
version=$(node -p 'require("plotly.js/package.json").version')
npx esbuild entry.js --bundle --minify --format=iife --global-name=Plotly \
  --define:global=window --define:define.amd=false --target=es2016 --loader:.css=empty \
  --legal-comments=none --log-level=warning \
  "--banner:js=/*! plotly.js v$version, traces bar and sunburst (sitegen tools/plotly-bundle) | (c) Plotly, Inc. | MIT License */" \
  --outfile="$out"
cp node_modules/plotly.js/LICENSE "$here/../../sitegen/vendor/plotly/LICENSE"
echo "wrote $out ($(wc -c < "$out") bytes)"
