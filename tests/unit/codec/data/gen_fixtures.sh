#!/bin/sh
# Regenerates the codec fixtures used by tests/unit/codec and
# tests/unit/proto/rtp/pack_test.c (committed, so tests need no ffmpeg).
# Usage: tests/unit/codec/data/gen_fixtures.sh   (from anywhere)
# Every clip is 50 frames (or about 1 s of audio) of 64x64 testsrc2 / sine.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ff="ffmpeg -nostdin -hide_banner -loglevel error -y -fflags +bitexact"
src="-f lavfi -i testsrc2=size=64x64:rate=25 -frames:v 50"
asrc="-f lavfi -i sine=frequency=440:sample_rate=48000 -t 1"
nosei="-bsf:v filter_units=remove_types=6"
x264="-c:v libx264 -threads 1 -g 25 -keyint_min 25 -sc_threshold 0"
ex="/usr/bin/python3 $here/extract.py"

# H.264 High, B-frames 2 with pyramid (POC type 0, reorder 2).
$ff $src $x264 -bf 2 -x264-params b-pyramid=normal $nosei "$tmp/a.mp4"
$ex "$tmp/a.mp4" v h264_bf2 90000
# H.264 High, B-frames 3 without pyramid (reorder 1).
$ff $src $x264 -bf 3 -x264-params b-pyramid=none $nosei "$tmp/b.mp4"
$ex "$tmp/b.mp4" v h264_bf3 90000
# H.264 without B-frames (x264 then uses POC type 2).
$ff $src $x264 -bf 0 $nosei "$tmp/c.mp4"
$ex "$tmp/c.mp4" v h264_bf0 90000
# H.265 with x265's B-frames (pyramid), closed GOP.
$ff $src -c:v libx265 -x265-params \
    log-level=error:keyint=25:min-keyint=25:scenecut=0:open-gop=0:frame-threads=1:pools=none \
    -bsf:v filter_units=remove_types=39 "$tmp/d.mp4"
$ex "$tmp/d.mp4" v h265_bf 90000
# AV1 (SVT-AV1) in MP4: temporal units without temporal delimiters.
$ff $src -c:v libsvtav1 -g 25 -preset 12 "$tmp/e.mp4"
$ex "$tmp/e.mp4" v av1 90000
# VP8 (WebM) and VP9 (MP4, for vpcC).
$ff $src -c:v libvpx -g 25 -threads 1 "$tmp/f.webm"
$ex "$tmp/f.webm" v vp8 90000
$ff $src -c:v libvpx-vp9 -g 25 -threads 1 "$tmp/g.mp4"
$ex "$tmp/g.mp4" v vp9 90000
# AAC-LC 48 kHz stereo (raw AUs, ASC) and Opus (packets, OpusHead).
$ff $asrc -ac 2 -c:a aac -b:a 64k "$tmp/h.m4a"
$ex "$tmp/h.m4a" a aac 48000
$ff $asrc -ac 2 -c:a libopus -b:a 64k "$tmp/i.mkv"
$ex "$tmp/i.mkv" a opus 48000
