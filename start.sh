#!/bin/sh
# Starts the all-in-one cloud (installs npm dependencies first when needed). Options go to `strata start`.
set -eu
here=$(dirname "$0")
"$here/scripts/setup.sh"
exec "$here/bin/strata" start "$@"
