#!/bin/bash
# Peer comparisons of issue 9, one command each (release build; see README "Performance / Hiệu năng").
#   scripts/peers/bench.sh rollups [DATA_DIR] [bench-rollups flags…]  giaoban's roll-ups vs DuckDB
#   scripts/peers/bench.sh text [bench-text flags…]                     extraction vs pyvi, underthesea
# Installs the Python peers in /opt/peers-venv when missing (../shared/peers/pyenv.sh, PyPI).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PYENV=${PYENV:-$ROOT/../shared/peers/pyenv.sh}
/opt/peers-venv/bin/python -c 'import duckdb, pyvi, underthesea' 2>/dev/null || "$PYENV"
cargo build --release -p giaoban --manifest-path "$ROOT/Cargo.toml"
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/giaoban
what=${1:-}; shift || true
case "$what" in
  rollups)
    dir=${1:-/tmp/giaoban-bench-rollups}; shift || true
    exec "$BIN" --data-dir "$dir" bench-rollups "$@" ;;
  text)
    exec "$BIN" --data-dir "${TMPDIR:-/tmp}/giaoban-bench-text" bench-text "$@" ;;
  *)
    sed -n 2,5p "$0"; exit 2 ;;
esac
