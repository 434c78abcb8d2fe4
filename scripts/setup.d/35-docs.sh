#!/usr/bin/env bash
# API description linter: installs Redocly CLI, pinned in
# docs/package-lock.json, into docs/node_modules. pkg/api's TestOpenAPILint
# runs it over docs/openapi.yaml.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$(dirname "$0")/../.."
npm_ci docs .bin/redocly
echo "setup: redocly $(REDOCLY_SUPPRESS_UPDATE_NOTICE=true REDOCLY_TELEMETRY=off docs/node_modules/.bin/redocly --version 2>/dev/null)"
