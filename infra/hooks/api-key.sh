#!/bin/sh
# azd preprovision hook: give this azd environment its gateway API key once, so that provisioning
# again keeps the key the silos already run with. Read it back with: azd env get-value ORLEANSKV_API_KEY
set -eu
if [ -z "${ORLEANSKV_API_KEY:-}" ]; then
  # 32 random bytes as 64 hex digits.
  key=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
  azd env set ORLEANSKV_API_KEY "$key"
  echo "Generated the gateway API key for this environment (azd env get-value ORLEANSKV_API_KEY)."
fi
