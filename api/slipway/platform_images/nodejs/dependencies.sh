# Sourced by /opt/slipway/deploy in the app directory (nodejs platform):
# the dependencies of package.json, without the development ones; `npm ci`
# when a lock file pins them. npm's cache does not stay in the image.
if [ -f package.json ]; then
	if [ -f package-lock.json ] || [ -f npm-shrinkwrap.json ]; then
		npm_command=ci
	else
		npm_command=install
	fi
	npm_cache=$(mktemp -d)
	echo "package.json: npm $npm_command --omit=dev"
	npm "$npm_command" --omit=dev --no-audit --no-fund --cache "$npm_cache" \
		|| fail "package.json: npm $npm_command failed (see npm's error above)"
	rm -rf "$npm_cache"
fi
