#!/usr/bin/env bash
# Writes .env.local once: the secret key and field-encryption key of this installation.
# `make run` loads it; keep the file (the register is encrypted with that key) and back it up.
set -eu
cd "$(dirname "$0")/.."
[ -f .env.local ] && exit 0
PY=${PY:-.venv/bin/python}
umask 077
{
  echo "# Written by scripts/local_keys.sh on $(date -u +%F). Keep it and back it up."
  echo "SECRET_KEY=$($PY -c 'import secrets;print(secrets.token_urlsafe(64))')"
  echo "FIELD_ENCRYPTION_KEY=$($PY -c 'import base64,os;print(base64.urlsafe_b64encode(os.urandom(32)).decode())')"
} > .env.local
echo "Wrote .env.local (the keys of this installation)."
