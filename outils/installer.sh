#!/usr/bin/env bash
# Installs clause_kit and what it needs on a fresh Debian/Ubuntu machine (run as root or with sudo).
# LibreOffice (Writer, without GUI) converts the pieces to PDF; Calc (without GUI) opens the
# follow-up workbooks in the tests, as the companies that fill them do; the Liberation and Carlito
# fonts keep the layout stable; poppler-utils gives pdftotext for reading PDFs by hand. The extra
# « revue » brings python-redlines and its Docxodus engine for Word redlines (comparer --format docx).
# Chromium (Debian's) runs the guided form's browser test and takes its screenshots: Playwright
# drives it, and never downloads a browser of its own. axe-core (npm, pinned) checks the form's
# accessibility in those tests: installed into outils/axe, where tests/navigateur.py finds it, so
# that nothing is fetched when the tests run.
set -euo pipefail
cd "$(dirname "$0")/.."

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
paquets=()
command -v soffice >/dev/null 2>&1 || paquets+=(libreoffice-writer-nogui fonts-liberation fonts-crosextra-carlito poppler-utils)
# LibreOffice's Python bridge, for Debian's own Python: the tests accept and reject a redline's
# changes in LibreOffice through it (tests/revisions_libreoffice.py).
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import uno' >/dev/null 2>&1 || paquets+=(python3-uno)
if command -v dpkg >/dev/null 2>&1 && ! dpkg -s libreoffice-calc-nogui >/dev/null 2>&1 \
  && ! dpkg -s libreoffice-calc >/dev/null 2>&1; then
  paquets+=(libreoffice-calc-nogui)
fi
python3 -m pip --version >/dev/null 2>&1 || paquets+=(python3-pip)
[ -x /usr/bin/chromium ] || paquets+=(chromium)
command -v npm >/dev/null 2>&1 || paquets+=(npm)
if [ ${#paquets[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${paquets[@]}" >/dev/null
fi

# Debian's own Python refuses pip installs outside a virtual environment (PEP 668): this
# machine is dedicated to the tool, so install into it anyway, as the README's commands expect.
if [ -f "$(python3 -c 'import sysconfig; print(sysconfig.get_path("stdlib"))')/EXTERNALLY-MANAGED" ]; then
  export PIP_BREAK_SYSTEM_PACKAGES=1
fi
python3 -m pip install -q -e '.[test,revue,docs]'
# An editable install leaves the package's bytecode to its first import, which a machine setting
# PYTHONDONTWRITEBYTECODE forbids: every command would compile the sources again (about 0.1 s of
# each start, measured with python -X importtime). Written once here, as a regular install does.
python3 -m compileall -q clause_kit >/dev/null

AXE_CORE=4.10.3
if [ ! -f outils/axe/node_modules/axe-core/axe.min.js ] \
  || ! grep -q "\"version\": \"$AXE_CORE\"" outils/axe/node_modules/axe-core/package.json; then
  npm install --prefix outils/axe --no-save --no-audit --no-fund --silent "axe-core@$AXE_CORE"
fi
