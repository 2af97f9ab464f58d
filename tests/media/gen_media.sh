#!/bin/sh
# Generates Sluice's deterministic test clips and their source checksums.
# Usage: tests/media/gen_media.sh OUTDIR
#
# Every clip is 5 s of testsrc2 with the frame number burnt in and a 440 Hz
# sine, encoded single-threaded with bit-exact flags, so two runs give
# byte-identical files. Next to each clip with video, NAME.framemd5 holds the
# decoded frames' checksums (the reference the e2e tests compare against).
# A stamp file holds this script's hash: when it matches and every output
# exists, nothing is regenerated.
set -eu

out=${1:?usage: gen_media.sh OUTDIR}
self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
mkdir -p "$out"
cd "$out"

outputs="h264_aac.mp4 h264_aac.ts h264_aac.flv h264_aac_long.mp4 h264b_aac.mp4
 h265_aac.mp4 h265_aac_long.mp4 h264_opus.mkv h264_4m.mp4 h264_4m.ts
 h264_mp3.flv"
hash=$(sha256sum "$self" | cut -d' ' -f1)

if [ -f .stamp ] && [ "$(cat .stamp)" = "$hash" ]; then
    complete=1
    for f in $outputs; do
        if [ ! -s "$f" ] || [ ! -s "${f%.*}.${f##*.}.framemd5" ]; then
            complete=0
        fi
    done
    if [ "$complete" = 1 ]; then
        exit 0
    fi
fi
rm -f .stamp

font=/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf
if [ ! -f "$font" ]; then
    echo "gen_media.sh: $font missing (Debian package fonts-dejavu-core)" >&2
    exit 1
fi
dur=5
burn="drawtext=fontfile=$font:text='%{frame_num} %{pts\\:hms}'"
burn="$burn:x=8:y=8:fontsize=24:fontcolor=white:box=1:boxcolor=black"
video="testsrc2=size=320x240:rate=25,$burn"
audio="sine=frequency=440:sample_rate=48000"
ff="ffmpeg -nostdin -hide_banner -loglevel error -y -fflags +bitexact"
bitexact="-fflags +bitexact -flags:v +bitexact -flags:a +bitexact"
x264="-c:v libx264 -preset veryfast -pix_fmt yuv420p -g 25 -keyint_min 25"
x264="$x264 -sc_threshold 0 -threads 1"
aac="-c:a aac -b:a 64k -ac 2"

# H.264 constrained baseline (no B-frames) + AAC-LC 48 kHz stereo.
$ff -f lavfi -i "$video" -f lavfi -i "$audio" -t $dur $x264 \
    -profile:v baseline -bf 0 $aac $bitexact h264_aac.mp4
$ff -i h264_aac.mp4 -c copy $bitexact -f mpegts h264_aac.ts
$ff -i h264_aac.mp4 -c copy $bitexact -f flv h264_aac.flv

# The same bitstream four times over (20 s) for publishers that cannot loop
# (GStreamer's filesrc): every loop starts with an IDR, so the decoded frames
# repeat the source's exactly.
$ff -stream_loop 3 -i h264_aac.mp4 -c copy $bitexact h264_aac_long.mp4

# The same H.264 with MP3 (44.1 kHz stereo) in FLV, for RTMP's MP3 path.
$ff -i h264_aac.mp4 -f lavfi -i "sine=frequency=440:sample_rate=44100" \
    -map 0:v -map 1:a -t $dur -c:v copy -c:a libmp3lame -b:a 64k -ac 2 \
    $bitexact -f flv h264_mp3.flv

# H.264 main with 2 B-frames (PTS != DTS) + AAC.
$ff -f lavfi -i "$video" -f lavfi -i "$audio" -t $dur $x264 \
    -profile:v main -bf 2 $aac $bitexact h264b_aac.mp4

# H.265 main (hvc1) + AAC; x265 is deterministic with one pool/frame thread.
x265p="keyint=25:min-keyint=25:scenecut=0:bframes=0:pools=1:frame-threads=1"
$ff -f lavfi -i "$video" -f lavfi -i "$audio" -t $dur -c:v libx265 \
    -preset veryfast -pix_fmt yuv420p -tag:v hvc1 \
    -x265-params "$x265p:log-level=error" $aac $bitexact h265_aac.mp4
$ff -stream_loop 3 -i h265_aac.mp4 -c copy $bitexact h265_aac_long.mp4

# H.264 baseline + Opus 48 kHz stereo.
$ff -f lavfi -i "$video" -f lavfi -i "$audio" -t $dur $x264 \
    -profile:v baseline -bf 0 -c:a libopus -b:a 64k -ac 2 $bitexact \
    h264_opus.mkv

# High bitrate: 640x360, temporal noise so x264 really spends ~5 Mbit/s
# (capped by maxrate), for the slow-reader test and load runs.
big="testsrc2=size=640x360:rate=25,noise=alls=24:allf=t,$burn"
$ff -f lavfi -i "$big" -f lavfi -i "$audio" -t $dur $x264 -profile:v main \
    -bf 0 -b:v 5000k -maxrate 5000k -bufsize 2500k $aac $bitexact \
    h264_4m.mp4
$ff -i h264_4m.mp4 -c copy $bitexact -f mpegts h264_4m.ts

for f in $outputs; do
    $ff -i "$f" -map 0:v:0 -fps_mode passthrough $bitexact \
        -f framemd5 "$f.framemd5"
done

echo "$hash" > .stamp
