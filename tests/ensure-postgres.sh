#!/usr/bin/env bash
# Make sure PostgreSQL's server programs are on this machine, for the test run on
# PostgreSQL. Installs Debian's package when they are missing and we are root.
set -euo pipefail
if compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null; then
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "PostgreSQL is not installed; install it (apt-get install postgresql) or set PLP_TEST_PG_URL." >&2
    exit 1
fi
echo "Installing PostgreSQL from the distribution's packages ..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq postgresql >/dev/null
