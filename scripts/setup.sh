#!/usr/bin/env bash
# Installs what CSSS needs to build on Debian 12 / Ubuntu, skipping what is already there.
# Sourced by demo.sh and test.sh; safe to run again.
set -euo pipefail

CSSS_DEBIAN_PACKAGES=(
  pkg-config
  libpng-dev        # PNG decoding
  libturbojpeg0-dev # JPEG decoding (islow IDCT, bit-exact with Pillow's libjpeg-turbo)
  libhdf5-dev       # Keras .h5 and .keras weight files
  zlib1g-dev        # ZIP archives (.keras); Deflated Explicit VR Little Endian DICOM
  libjpeg62-turbo-dev # DICOM JPEG baseline 8-bit, decoded without colour conversion (libjpeg API)
  libgdcm-dev       # DICOM JPEG extended 12-bit: GDCM's IJG 6b build, libgdcmjpeg12
  libopenjp2-7-dev  # DICOM JPEG 2000 (OpenJPEG)
  libcharls-dev     # DICOM JPEG-LS (CharLS)
  libsqlite3-dev    # the records database (GRDB on the system SQLite, WAL)
  libargon2-dev     # Argon2id password hashing and passphrase keys
  libqrencode-dev   # the QR code of two-factor enrolment
  sqlite3           # tests only: tamper with the audit table by hand, as an attacker would
  libcairo2-dev     # PDF reports: drawing
  libpango1.0-dev   # PDF reports: text layout and shaping (wrapping, Devanagari, Tamil)
  fonts-noto-core   # PDF reports: fonts for Latin, Devanagari and Tamil names
  libqpdf-dev       # PDF reports: AES-256 (R6) encryption
  qpdf              # tests only: qpdf --show-encryption checks the reports
  poppler-utils     # tests only: pdftotext, pdfinfo and pdftoppm read the reports back
  libcurl4-openssl-dev # delivery: SMTP (email) and HTTPS (WhatsApp through Twilio)
  openssl           # tests only: a self-signed certificate for the local SMTP server's STARTTLS
  imagemagick       # tests only: decodes csss view's sixel output to compare it with the source image
)

missing=()
for package in "${CSSS_DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "csss setup: installing ${missing[*]}" >&2
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Tests only: the de-identification tests read CSSS's DICOM output back with pydicom (3.0.2, the last 3.0.x).
python3 -c 'import pydicom' 2>/dev/null ||
  python3 -m pip install --quiet --disable-pip-version-check "pydicom==3.0.2" ||
  echo "csss setup: pydicom could not be installed; the pydicom read-back tests will be skipped" >&2

# Tests only: the delivery tests send real mail to a real SMTP server on 127.0.0.1 (aiosmtpd 1.4.6).
python3 -c 'import aiosmtpd' 2>/dev/null ||
  python3 -m pip install --quiet --disable-pip-version-check "aiosmtpd==1.4.6" ||
  echo "csss setup: aiosmtpd could not be installed; the SMTP delivery tests will be skipped" >&2

if ! command -v swift >/dev/null 2>&1; then
  if [[ -x /opt/swift/usr/bin/swift ]]; then
    export PATH="/opt/swift/usr/bin:$PATH"
  else
    echo "csss setup: Swift 6.2 or later is needed and was not found; install it from swift.org (swiftly) and rerun." >&2
    exit 1
  fi
fi
