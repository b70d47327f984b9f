#!/usr/bin/env bash
# Makes sure Debian's Chromium, with the fonts the transcript view renders Korean text and emoji with, is
# installed for the browser tests in test/integration/view. Installs the missing packages with apt-get when
# run as root; otherwise says what to run. Never downloads a browser build of its own.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
PACKAGES=(chromium fonts-noto-cjk fonts-noto-color-emoji)

missing=()
for package in "${PACKAGES[@]}"; do
  if [ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)" != 'install ok installed' ]; then
    missing+=("$package")
  fi
done
if [ -x "$CHROMIUM" ] && [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  hint="sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]:-chromium}"
  if [ -x "$CHROMIUM" ]; then
    # The browser tests still run; only Korean text or emoji render as boxes in screenshots.
    echo "ensure-chromium: fonts missing (${missing[*]}); to install them run: $hint" >&2
    exit 0
  fi
  echo "ensure-chromium: $CHROMIUM is missing and only root can install it; run: $hint" >&2
  exit 1
fi

echo "ensure-chromium: installing ${missing[*]:-chromium} with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]:-chromium}" >/dev/null

if [ ! -x "$CHROMIUM" ]; then
  echo "ensure-chromium: apt-get finished but $CHROMIUM is still missing" >&2
  exit 1
fi
echo "ensure-chromium: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM installed")" >&2
