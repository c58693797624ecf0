#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Install the Debian 12 packages Kestrel's build and tests need.
# Run as root (or with sudo available).  Safe to run again.
set -e
pkgs="gcc make meson ninja-build pkg-config
      libglib2.0-dev libcapstone-dev zlib1g-dev libsdl2-dev libcmocka-dev
      libfdt-dev libjson-glib-dev
      gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static
      qemu-system-arm u-boot-qemu qemu-efi-aarch64 cpio
      qemu-utils gdb-multiarch python3"
missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "setup: installing$missing"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
