#!/bin/sh
# Starts the all-in-one cloud (installs npm dependencies first when needed). Options go to `strata start`.
set -eu
here=$(dirname "$0")
"$here/scripts/setup.sh"
# --first-run: on a new cloud also build the guest image and make the public network, as DevStack leaves them.
exec "$here/bin/strata" start --first-run "$@"
