#!/usr/bin/env bash
# How long headless Chromium takes to show the dashboard page of a 1,000-trial study
# (`make dashboard-timing`). Writes a study of 1,000 trials with `hyperpower run` (random
# search, a command that answers at once), serves its folder, loads the page five times and
# prints, per load, the page's own timings: server (request to first byte), browser (first
# byte to laid out) and total (navigation start to laid out); then the dashboard's resident
# memory before and after 1,000 more page requests.
set -euo pipefail
HP=${HP:-.build/release/hyperpower}
PORT=${PORT:-8799}
CHROMIUM=$(command -v chromium || command -v chromium-browser || command -v google-chrome)
dir=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$dir"' EXIT
cat > "$dir/study.yaml" <<'YAML'
objective: {name: validation_error, direction: minimize}
parameters:
  - {name: learning_rate, type: real, low: 0.0001, high: 0.1, log: true}
  - {name: layers, type: integer, low: 1, high: 4}
  - {name: width, type: powerOfTwo, low: 16, high: 512}
  - {name: optimizer, type: categorical, choices: [adam, sgd]}
constraints:
  - {name: latency_ms, atMost: 3}
budget: 1000
seed: 0
storage: thousand.jsonl
YAML
"$HP" run "$dir/study.yaml" --sampler random --workers 2 -- \
    sh -c 'echo "{\"validation_error\": {learning_rate}, \"latency_ms\": {layers}}"' > /dev/null
rm -f "$dir/thousand.html"
"$HP" dashboard --storage "$dir" --port "$PORT" > /dev/null 2>&1 &
server=$!
sleep 1
url="http://127.0.0.1:$PORT/studies/thousand.jsonl"
echo "1,000 trials, $url"
for run in 1 2 3 4 5; do
    dom=$("$CHROMIUM" --headless --no-sandbox --disable-gpu --dump-dom "$url" 2>/dev/null)
    server_ms=$(grep -o 'data-server-ms="[0-9]*"' <<<"$dom" | grep -o '[0-9]*')
    browser_ms=$(grep -o 'data-browser-ms="[0-9]*"' <<<"$dom" | grep -o '[0-9]*')
    total_ms=$(grep -o 'data-rendered-ms="[0-9]*"' <<<"$dom" | grep -o '[0-9]*')
    echo "load $run: server ${server_ms} ms, browser ${browser_ms} ms, total ${total_ms} ms"
done
before=$(awk '/VmRSS/ {print $2}' /proc/$server/status)
for i in $(seq 1 1000); do curl -s -o /dev/null "$url"; done
after=$(awk '/VmRSS/ {print $2}' /proc/$server/status)
echo "dashboard resident memory: ${before} kB, after 1,000 more page requests ${after} kB"
