#!/usr/bin/env bash
# Make sure Debian's chromium is on this machine, for the browser tests in tests/web.
# Installs the distribution's package when it is missing and we are root. The tests
# drive it through Playwright's Python package with executable_path=/usr/bin/chromium;
# no browser is ever downloaded (never `playwright install`).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "Chromium is not installed; install it (apt-get install chromium) to run the browser tests." >&2
    exit 1
fi
echo "Installing chromium from the distribution's packages ..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
