#!/usr/bin/env bash
# Runs every golden generator in this folder (see README.md); each writes its own files.
set -euo pipefail
cd "$(dirname "$0")"
for gen in gen_*.py; do
  [ -e "$gen" ] || continue
  echo "== $gen"
  python3 "$gen"
done
