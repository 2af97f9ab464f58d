#!/usr/bin/python3
"""Writes a stream's packets and extradata as Sluice test fixtures.

Usage: extract.py INPUT STREAM_SPEC OUT_BASE CLOCK

OUT_BASE.aus holds every packet of the stream as a record:
  u32 length, u8 flags (1 = key), s64 pts, s64 dts (big-endian; in CLOCK
  units, e.g. 90000 for video or the sample rate for audio), then the bytes.
The file starts with the magic "SLAU".  OUT_BASE.cfg holds the extradata
(avcC, hvcC, av1C, vpcC payload, AudioSpecificConfig, OpusHead) when the
container has one.  Uses ffprobe's -show_data hex dumps, so no demuxer
code is needed here.
"""
import fractions
import json
import struct
import subprocess
import sys


def hexdump_bytes(text):
    out = bytearray()
    for line in text.strip("\n").split("\n"):
        if not line.strip():
            continue
        hexpart = line.split(":", 1)[1][:40]
        out += bytes.fromhex(hexpart.replace(" ", ""))
    return bytes(out)


def main():
    inp, spec, base, clock = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    probe = json.loads(subprocess.check_output(
        ["ffprobe", "-v", "error", "-select_streams", spec, "-show_streams",
         "-show_packets", "-show_data", "-of", "json", inp]))
    st = probe["streams"][0]
    tb = fractions.Fraction(st["time_base"])
    with open(base + ".aus", "wb") as f:
        f.write(b"SLAU")
        for p in probe["packets"]:
            data = hexdump_bytes(p["data"])
            pts = int(p.get("pts", p.get("dts", 0)))
            dts = int(p.get("dts", pts))
            conv = lambda v: int(round(v * tb * clock))
            key = 1 if "K" in p["flags"] else 0
            f.write(struct.pack(">IBqq", len(data), key, conv(pts), conv(dts)))
            f.write(data)
    if st.get("extradata") and hexdump_bytes(st["extradata"]):
        with open(base + ".cfg", "wb") as f:
            f.write(hexdump_bytes(st["extradata"]))


if __name__ == "__main__":
    main()
