#!/usr/bin/env bash
# Fail early, with a clear message, when Python >= 3.10, node or npm is missing.
set -euo pipefail
python=${1:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
  echo "tokenheat needs Python >= 3.10 (tried '$python'); set PYTHON=/path/to/python3.x" >&2
  exit 1
fi
if ! "$python" -c 'import venv, ensurepip' 2>/dev/null; then
  echo "'$python' lacks the venv module; on Debian/Ubuntu: apt-get install python3-venv" >&2
  exit 1
fi
for tool in node npm; do
  if ! command -v "$tool" >/dev/null; then
    echo "tokenheat builds its front end with Node.js: '$tool' was not found (install Node.js >= 18)" >&2
    exit 1
  fi
done
