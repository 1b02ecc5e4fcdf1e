#!/usr/bin/env bash
# Install the Debian packages po_meetings needs, where they are missing.
#   scripts/system-deps.sh runtime   what the app needs to run (make run): Pango for WeasyPrint's
#                                    PDFs, and fonts
#   scripts/system-deps.sh [all]     that and what the test suite needs (make test): PostgreSQL
#                                    (the tests start a throwaway server) and Chromium (browser
#                                    and axe tests)
#   scripts/system-deps.sh bench     runtime and wrk (make bench); PostgreSQL too when DB=postgresql
set -euo pipefail

scope="${1:-all}"
case "$scope" in
  runtime|all|bench) ;;
  *) echo "Användning: $0 [runtime|all|bench]" >&2; exit 2 ;;
esac

# True when the dynamic linker knows the shared library $1 (ldconfig is in /sbin for non-root users).
has_library() {
  local ldconfig
  ldconfig="$(command -v ldconfig || echo /sbin/ldconfig)"
  "$ldconfig" -p 2>/dev/null | grep -qF "$1"
}

missing=()
# Runtime: WeasyPrint loads Pango (and through it HarfBuzz and fontconfig) with dlopen.
has_library libpango-1.0.so.0 || missing+=(libpango-1.0-0)
has_library libpangoft2-1.0.so.0 || missing+=(libpangoft2-1.0-0)
# PDFs use the DejaVu files vendored in static/fonts/; the system copy is fontconfig's fallback.
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)

if [ "$scope" = all ]; then
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v runuser >/dev/null 2>&1 || missing+=(util-linux)
fi

if [ "$scope" = bench ]; then
  command -v wrk >/dev/null 2>&1 || missing+=(wrk)
  if [ "${DB:-sqlite}" = postgresql ]; then
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
    command -v runuser >/dev/null 2>&1 || missing+=(util-linux)
  fi
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "Installerar Debian-paket: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
