#!/usr/bin/env bash
# Times `xvpc import` of a generated organisation (gen.py): into a data
# directory, and into a running server; then one trace on the result.
#   bench/import/run.sh [XVPC_BIN] [--vpcs N] [--enis N] [--accounts N]
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-target/debug/xvpc}
shift || true
work=$(mktemp -d)
trap 'kill "${pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
python3 bench/import/gen.py "$work/dump" "$@"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/time -f "import --data-dir: %e s wall, %M KB max RSS" "$bin" import "$work/dump" --data-dir "$work/data" > /dev/null
"$bin" serve --listen 127.0.0.1:0 --data-dir "$work/served" > "$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q "listening on" "$work/serve.log" && break; sleep 0.1; done
url=$(grep -o "http://127.0.0.1:[0-9]*" "$work/serve.log" | head -1)
/usr/bin/time -f "import --endpoint: %e s wall, %M KB max RSS (client)" "$bin" import "$work/dump" --endpoint "$url" > /dev/null
/usr/bin/time -f "trace: %e s wall" "$bin" trace --endpoint "$url" --from i-00000000000000000 --to i-00000000000000002 --port 443 > /dev/null || true
