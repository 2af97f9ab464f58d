#!/bin/sh
# Regenerates the MPEG-TS demuxer fixtures (committed, so tests need no
# ffmpeg) and, beside each NAME.ts, NAME.txt: what FFmpeg's own demuxer
# reads from it (see expect.py), which tests/unit/format/mpegts_demux_test.c
# requires the Sluice demuxer to reproduce exactly.
# Usage: tests/unit/format/data/ts/gen_fixtures.sh   (from anywhere)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ff="ffmpeg -nostdin -hide_banner -loglevel error -y -fflags +bitexact"
vsrc="-f lavfi -i testsrc2=size=96x64:rate=25"
ex="/usr/bin/python3 $here/expect.py"

# H.264 with B-frames (pyramid) and AAC-LC 48 kHz mono: FFmpeg packs
# several ADTS frames into each audio PES.
$ff $vsrc -f lavfi -i sine=frequency=440:sample_rate=48000 -t 1 \
    -c:v libx264 -threads 1 -bf 2 -g 10 -b:v 150k \
    -c:a aac -b:a 32k -ac 1 -f mpegts "$here/h264_aac.ts"
$ex "$here/h264_aac.ts" "$here/h264_aac.txt"

# H.265 with B-frames and MP3 (MPEG-1 layer III) 44.1 kHz mono: frame
# durations of 2351.02 ticks exercise the PTS interpolation.
$ff $vsrc -f lavfi -i sine=frequency=440:sample_rate=44100 -t 1 \
    -c:v libx265 -b:v 100k -x265-params \
    log-level=error:keyint=10:min-keyint=10:scenecut=0:bframes=2:frame-threads=1:pools=none \
    -c:a libmp3lame -b:a 32k -ac 1 -f mpegts "$here/h265_mp3.ts"
$ex "$here/h265_mp3.ts" "$here/h265_mp3.txt"

# AC-3 at 44.1 kHz (frame sizes alternate with the padding word), stream
# type 0x81 with an "AC-3" registration descriptor.
$ff -f lavfi -i sine=frequency=440:sample_rate=44100 -t 0.7 \
    -c:a ac3 -b:a 96k -f mpegts "$here/ac3.ts"
$ex "$here/ac3.ts" "$here/ac3.txt"

# Opus stereo: private data with registration "Opus", control headers.
$ff -f lavfi -i sine=frequency=440:sample_rate=48000 -t 1 \
    -c:a libopus -b:a 32k -ac 2 -f mpegts "$here/opus.ts"
$ex "$here/opus.ts" "$here/opus.txt"

# AAC in LATM/LOAS (stream type 0x11, StreamMuxConfig in-band every 20
# frames).  FFmpeg reads LOAS frames, not AUs, so the expected AUs come
# from the same AUs muxed as ADTS.
$ff -f lavfi -i sine=frequency=440:sample_rate=48000 -t 1 \
    -c:a aac -b:a 32k -ac 2 "$tmp/a.m4a"
$ff -i "$tmp/a.m4a" -c copy -mpegts_flags latm -f mpegts "$here/latm.ts"
$ff -i "$tmp/a.m4a" -c copy -f mpegts "$tmp/adts.ts"
$ex "$tmp/adts.ts" "$here/latm.txt"
