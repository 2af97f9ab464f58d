#!/usr/bin/python3
"""Writes the seed corpora of the rtp_pack, dts and codec_config fuzz targets
(tests/fuzz/corpus/<target>/) from the codec fixtures next to this script.
Run from anywhere; the output is committed."""
import os
import struct

data = os.path.dirname(os.path.abspath(__file__))
here = os.path.join(data, "..", "..", "..", "fuzz", "corpus")


def aus(name):
    d = open(os.path.join(data, name + ".aus"), "rb").read()[4:]
    out, o = [], 0
    while o < len(d):
        n, k, pts, dts = struct.unpack(">IBqq", d[o:o + 21])
        out.append((d[o + 21:o + 21 + n], k, pts))
        o += 21 + n
    return out


def cfg(name):
    return open(os.path.join(data, name + ".cfg"), "rb").read()


def write(target, name, blob):
    with open(os.path.join(here, target, name), "wb") as f:
        f.write(blob)


def records(frames):
    return b"".join(struct.pack(">H", len(a)) + a for a in frames)


def avcc_sets(sets):
    return b"".join(struct.pack(">I", len(s)) + s for s in sets)


def avcc_params(c):
    # avcC: one SPS, one PPS (what x264 writes).
    n = struct.unpack(">H", c[6:8])[0]
    sps = c[8:8 + n]
    m = struct.unpack(">H", c[9 + n:11 + n])[0]
    return [sps, c[11 + n:11 + n + m]]


def hvcc_params(c):
    out, o = [], 23
    for _ in range(c[22]):
        t, cnt = c[o] & 0x3f, struct.unpack(">H", c[o + 1:o + 3])[0]
        o += 3
        for _ in range(cnt):
            n = struct.unpack(">H", c[o:o + 2])[0]
            if t in (32, 33, 34):
                out.append(c[o + 2:o + 2 + n])
            o += 2 + n
    return out


# rtp_pack: codec index, 16-bit max payload, AUs.
codecs = {0: "h264_bf2", 1: "h265_bf", 2: "aac", 3: "opus", 6: "av1",
          7: "vp8", 8: "vp9"}
for idx, name in codecs.items():
    frames = [a for a, _, _ in aus(name)[:4]]
    for mp in (84, 484, 1444):
        write("rtp_pack", "%s_%d" % (name, mp),
              bytes([idx]) + struct.pack(">H", mp) + records(frames))
write("rtp_pack", "g711", bytes([4, 0, 200]) + records([bytes(range(160))]))
write("rtp_pack", "generic", bytes([5, 0, 100]) + records([b"klv" * 20]))

# dts: flags (bit 0 H.265, bit 1 out-of-band params), records.
for name, flag, params in (("h264_bf2", 0, avcc_params(cfg("h264_bf2"))),
                           ("h264_bf3", 0, avcc_params(cfg("h264_bf3"))),
                           ("h264_bf0", 0, avcc_params(cfg("h264_bf0"))),
                           ("h265_bf", 1, hvcc_params(cfg("h265_bf")))):
    body = b""
    for a, k, pts in aus(name)[:14]:
        if k:
            a = avcc_sets(params) + a
        body += struct.pack(">H", len(a)) + bytes([40]) + a
    write("dts", name + "_inband", bytes([flag]) + body)
    oob = avcc_sets(params)
    body = struct.pack(">H", len(oob)) + b"\0" + oob
    for a, k, pts in aus(name)[:10]:
        body += struct.pack(">H", len(a)) + bytes([40]) + a
    write("dts", name + "_oob", bytes([flag | 2]) + body)

# codec_config: selector byte (mod 10), then the bytes.
write("codec_config", "avcc_bf2", b"\x00" + cfg("h264_bf2"))
write("codec_config", "avcc_bf0", b"\x00" + cfg("h264_bf0"))
write("codec_config", "hvcc", b"\x01" + cfg("h265_bf"))
write("codec_config", "av1c", b"\x02" + cfg("av1"))
write("codec_config", "av1_key_tu", b"\x03" + aus("av1")[0][0][:600])
write("codec_config", "vpcc", b"\x04" + bytes([0, 10, 0x82, 2, 2, 2, 0, 0]))
write("codec_config", "vp9_key", b"\x05" + aus("vp9")[0][0][:64])
write("codec_config", "vp8_key", b"\x06" + aus("vp8")[0][0][:64])
write("codec_config", "opus_head", b"\x07" + cfg("opus"))
write("codec_config", "opus_head_51",
      b"\x07OpusHead\x01\x06\x00\x0f\x80\xbb\x00\x00\x00\x00\x01\x04\x02"
      b"\x00\x04\x01\x02\x03\x05")
write("codec_config", "prepend_idr", b"\x08" + aus("h264_bf2")[0][0][:200])
write("codec_config", "prepend_irap", b"\x08" + aus("h265_bf")[0][0][:200])
write("codec_config", "annexb", b"\x09" + aus("h264_bf2")[1][0])
