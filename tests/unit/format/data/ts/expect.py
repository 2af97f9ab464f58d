#!/usr/bin/python3
"""Writes what the Sluice MPEG-TS demuxer must produce for a TS file.

Usage: expect.py INPUT.ts OUTPUT.txt

One line per packet that ffprobe (FFmpeg's demuxer and parsers) reads:
  track pts dts key len md5
in 90 kHz ticks, key K or -, and the md5 of the payload in the form the
demuxer hands out: H.264/H.265 as AVCC (4-byte lengths) without access
unit delimiters, AAC without its ADTS header, other codecs as they are.
LATM streams are checked through their ADTS twin (see gen_fixtures.sh),
so their lines come from that file.
"""
import hashlib
import json
import subprocess
import sys


def hexdump_bytes(text):
    out = bytearray()
    for line in text.strip("\n").split("\n"):
        if line.strip():
            out += bytes.fromhex(line.split(":", 1)[1][:40].replace(" ", ""))
    return bytes(out)


def nalus(data):
    """Annex-B NAL units without start codes or trailing zero bytes."""
    out = []
    i = 0
    starts = []
    while True:
        j = data.find(b"\x00\x00\x01", i)
        if j < 0:
            break
        starts.append(j + 3)
        i = j + 3
    for k, s in enumerate(starts):
        e = starts[k + 1] - 3 if k + 1 < len(starts) else len(data)
        n = data[s:e].rstrip(b"\x00")
        if n:
            out.append(n)
    return out


def avcc_without_aud(data, h265):
    out = bytearray()
    for n in nalus(data):
        t = (n[0] >> 1) & 0x3F if h265 else n[0] & 0x1F
        if t == (35 if h265 else 9):
            continue
        out += len(n).to_bytes(4, "big") + n
    return bytes(out)


def main():
    inp, outp = sys.argv[1], sys.argv[2]
    probe = json.loads(subprocess.check_output(
        ["ffprobe", "-v", "error", "-show_streams", "-show_packets",
         "-show_data", "-of", "json", inp]))
    codec = {s["index"]: s["codec_name"] for s in probe["streams"]}
    with open(outp, "w") as f:
        for p in probe["packets"]:
            idx = p["stream_index"]
            data = hexdump_bytes(p["data"])
            c = codec[idx]
            if c in ("h264", "hevc"):
                data = avcc_without_aud(data, c == "hevc")
            elif c == "aac" and data[:2] in (b"\xff\xf1", b"\xff\xf0",
                                             b"\xff\xf9", b"\xff\xf8"):
                data = data[7 if data[1] & 1 else 9:]
            pts = int(p["pts"])
            dts = int(p.get("dts", pts))
            key = "K" if "K" in p["flags"] else "-"
            f.write("%d %d %d %s %d %s\n" % (idx, pts, dts, key, len(data),
                                             hashlib.md5(data).hexdigest()))


if __name__ == "__main__":
    main()
