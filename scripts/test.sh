#!/usr/bin/env bash
# The full test command: installs what is missing, builds the C tools, and
# runs every test (mvn verify).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/prerequisites.sh
make -C driver/tools
mvn -B -ntp verify "$@"
