# Shared by the setup steps (sourced, not run): root and apt helpers.

# as_root runs a command as root: directly when we are root, else with sudo.
as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		echo "setup: '$*' needs root (or sudo)" >&2
		return 1
	fi
}

# apt_install installs Debian packages, quietly.
apt_install() {
	echo "setup: installing $*"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# npm_ci DIR MARKER installs DIR's npm packages as its package-lock.json
# pins them (Debian's nodejs and npm first when Node.js is missing), unless
# DIR/node_modules already matches the lock file and holds MARKER.
npm_ci() {
	local dir=$1 marker=$2
	if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
		apt_install nodejs npm
	fi
	local stamp="$dir/node_modules/.tender-lock-sha256" want
	want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -e "$dir/node_modules/$marker" ]; then
		echo "setup: $dir/node_modules matches package-lock.json"
		return 0
	fi
	echo "setup: npm ci in $dir/ (node $(node --version))"
	(cd "$dir" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
	echo "$want" >"$stamp"
}
