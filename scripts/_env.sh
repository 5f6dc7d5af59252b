# Sourced by scripts/test and scripts/demo: set up, then put the Pulumi CLI and .venv first on PATH.
# shellcheck shell=bash
cd "$(dirname "${BASH_SOURCE[0]}")/.."
CAC_DIRECTOR_PULUMI_BIN="$(scripts/setup)"
export CAC_DIRECTOR_PULUMI_BIN
export PATH="$CAC_DIRECTOR_PULUMI_BIN:$PWD/.venv/bin:$PATH"
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
