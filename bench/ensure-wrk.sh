#!/usr/bin/env bash
# Make sure wrk (the HTTP load generator the web measures use) is on this machine.
# Installs Debian's package when it is missing and we are root.
set -euo pipefail
if command -v wrk >/dev/null; then
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "wrk is not installed; install it (apt-get install wrk) or run: python -m bench.run --only cli" >&2
    exit 1
fi
echo "Installing wrk from the distribution's packages ..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq wrk >/dev/null
