#!/usr/bin/env bash
# Installs clause_kit and what it needs on a fresh Debian/Ubuntu machine (run as root or with sudo).
# LibreOffice (Writer, without GUI) converts the pieces to PDF; the Liberation and Carlito fonts
# keep the layout stable; poppler-utils gives pdftotext for reading PDFs by hand.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v soffice >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends \
    libreoffice-writer-nogui fonts-liberation fonts-crosextra-carlito poppler-utils >/dev/null
fi

python3 -m pip install -q -e '.[test]'
