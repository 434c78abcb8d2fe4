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
