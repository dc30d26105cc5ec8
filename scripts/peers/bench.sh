#!/bin/bash
# Peer comparisons of issue 9, one command each (release build; see docs/PERFORMANCE.md).
#   scripts/peers/bench.sh rollups [DATA_DIR] [giaoban-bench rollups flags…]  roll-ups vs DuckDB
#   scripts/peers/bench.sh text [giaoban-bench text flags…]         extraction vs pyvi, underthesea
# Installs the Python peers in /opt/peers-venv when missing (../shared/peers/pyenv.sh, PyPI).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PYENV=${PYENV:-$ROOT/../shared/peers/pyenv.sh}
/opt/peers-venv/bin/python -c 'import duckdb, pyvi, underthesea' 2>/dev/null || "$PYENV"
# giaoban-bench (crates/devtools) with the workspace's other binaries: selecting one package with -p
# would resolve features for it alone and rebuild dependencies (see scripts/test).
cargo build --release --locked --workspace --bins --manifest-path "$ROOT/Cargo.toml"
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/giaoban-bench
what=${1:-}; shift || true
case "$what" in
  rollups)
    dir=${1:-/tmp/giaoban-bench-rollups}; shift || true
    exec "$BIN" --data-dir "$dir" rollups "$@" ;;
  text)
    exec "$BIN" --data-dir "${TMPDIR:-/tmp}/giaoban-bench-text" text "$@" ;;
  *)
    sed -n 2,5p "$0"; exit 2 ;;
esac
