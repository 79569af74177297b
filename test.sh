#!/bin/sh
# Runs every test: unit and integration (SQLite, then PostgreSQL), the openstack CLI flows and Tempest.
# Installs what it needs first (npm ci; Debian packages when run as root). Options go to scripts/test.ts.
set -eu
here=$(dirname "$0")
"$here/scripts/setup.sh" test
cd "$here"
exec npm test -- "$@"
