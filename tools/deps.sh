#!/bin/sh
# Installs the Debian packages Sluice needs to build and test.
# Usage: tools/deps.sh [build|test]   (test implies build)
# Runs apt-get only when something is missing and we are root.
set -eu
want=${1:-build}
BUILD="build-essential cmake pkg-config git clang libclang-rt-14-dev llvm \
 libuv1-dev libh2o-dev libssl-dev libsrtp2-dev libsrt-openssl-dev libyaml-dev \
 libjansson-dev libcurl4-openssl-dev libpcre2-dev libargon2-dev libcmocka-dev"
TEST="ffmpeg fonts-dejavu-core gstreamer1.0-tools gstreamer1.0-plugins-base \
 gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly \
 gstreamer1.0-libav gstreamer1.0-rtsp gir1.2-gst-rtsp-server-1.0 python3-gst-1.0 \
 python3-gi python3-pytest curl procps psmisc rtmpdump nginx libnginx-mod-rtmp \
 socat openssl srt-tools"
pkgs=$BUILD
[ "$want" = test ] && pkgs="$BUILD $TEST"
missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
        || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
    echo "sluice: missing Debian packages:$missing" >&2
    echo "sluice: run 'make deps' as root, or install them with apt-get" >&2
    exit 1
fi
echo "sluice: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
