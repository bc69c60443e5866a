#!/bin/sh
# tools/testdeps.sh: installs what `make test` needs and the machine lacks.
#
#   chromium  the review page and the studio are tested in a real headless
#             browser (skipped when KIVACONV_CHROMIUM names a browser, or
#             KIVACONV_SKIP_BROWSER=1)
#   zsh       the zsh completion script is checked by zsh itself
#
# On Debian and Ubuntu it runs apt-get (as root, or through sudo); elsewhere
# it prints the one line that would install them and fails.
set -eu

need=""
have() { command -v "$1" >/dev/null 2>&1; }

if [ "${KIVACONV_SKIP_BROWSER:-}" != 1 ] && [ -z "${KIVACONV_CHROMIUM:-}" ]; then
  found=""
  for b in chromium chromium-browser google-chrome google-chrome-stable chrome; do
    if have "$b"; then found=$b; break; fi
  done
  [ -n "$found" ] || need="$need chromium"
fi
have zsh || need="$need zsh"
[ -n "$need" ] || exit 0

echo "make test: installing$need (needed by the tests)" >&2
if ! have apt-get; then
  echo "make test needs$need: install them with your package manager (for example: brew install$need), or set KIVACONV_SKIP_BROWSER=1 to skip the browser tests" >&2
  exit 1
fi
if [ "$(id -u)" = 0 ]; then
  sudo=""
elif have sudo; then
  # No password prompt when nobody can answer one (CI, a pipe).
  if [ -t 0 ]; then sudo="sudo"; else sudo="sudo -n"; fi
else
  echo "make test needs$need: run as root: apt-get install -y$need (or set KIVACONV_SKIP_BROWSER=1 to skip the browser tests)" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
fail() {
  echo "make test needs$need and could not install them: run sudo apt-get install -y$need (or set KIVACONV_SKIP_BROWSER=1 to skip the browser tests)" >&2
  exit 1
}
$sudo apt-get update -qq >/dev/null 2>&1 || true
# shellcheck disable=SC2086 # $need is a list of package names
if ! $sudo apt-get install -y -qq $need >/dev/null 2>&1; then
  # Older Ubuntu names the package chromium-browser.
  alt=$(echo "$need" | sed 's/chromium/chromium-browser/')
  # shellcheck disable=SC2086
  $sudo apt-get install -y -qq $alt >/dev/null 2>&1 || fail
fi
echo "make test: installed$need" >&2
