#!/usr/bin/python3
"""Writes the committed corpus of tests/fuzz/mpegts_demux_fuzz.c.

Usage: gen_fuzz_seeds.py   (from anywhere; reads the fixtures beside it)

Seeds are [mode][seed][body] (see the fuzz target's comment): mode 0 with
slices of the FFmpeg fixtures, clean and damaged (garbage, a lost packet,
a duplicate, timestamps near the 33-bit wrap, a bad CRC); mode 1 with
harness-built streams whose PES carry each codec's framing, including
the edge cases the unit tests cover (ADTS cut across PES, CRC headers,
LATM with in-band config of both versions, Opus trims, KLV cells, PTS+DTS,
no PTS, PMT changes).  Files named crash* are fuzzer finds and are kept.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "..", "..", "fuzz", "corpus",
                   "mpegts_demux")
PKT = 188

# Indices into the fuzz target's kinds[] table.
H264, H265, ADTS, LATM, MPA1, MPA2, AC3, AC3_DVB, AC3_REG = range(9)
OPUS, OPUS_EXT, KLVA, KLV_SYNC, MPEG2V = range(9, 14)


def fixture(name):
    with open(os.path.join(HERE, name), "rb") as f:
        return f.read()


def write(name, mode, seed, body):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(bytes([mode, seed]) + body)


def payloads(ts, pid):
    """The PES packets (header included) of pid in a TS file."""
    out = []
    cur = None
    for o in range(0, len(ts) - PKT + 1, PKT):
        p = ts[o:o + PKT]
        if ((p[1] & 0x1F) << 8 | p[2]) != pid or not p[3] & 0x10:
            continue
        off = 5 + p[4] if p[3] & 0x20 else 4
        if p[1] & 0x40:
            if cur is not None:
                out.append(bytes(cur))
            cur = bytearray()
        if cur is not None:
            cur += p[off:]
    if cur is not None:
        out.append(bytes(cur))
    return out


def es_data(pes):
    return pes[9 + pes[8]:]


def ts_field(prefix, v):
    return bytes([(prefix << 4) | ((v >> 29) & 0x0E) | 1,
                  (v >> 22) & 0xFF, ((v >> 14) & 0xFE) | 1,
                  (v >> 7) & 0xFF, ((v << 1) & 0xFE) | 1])


def pes(sid, data, pts=None, dts=None, bounded=True):
    hdr = b""
    flags = 0
    if pts is not None:
        flags = 0x80
        hdr += ts_field(3 if dts is not None else 2, pts)
        if dts is not None:
            flags = 0xC0
            hdr += ts_field(1, dts)
    n = 3 + len(hdr) + len(data) if bounded else 0
    return (b"\x00\x00\x01" + bytes([sid]) + struct.pack(">H", n)
            + bytes([0x80, flags, len(hdr)]) + hdr + data)


def records(track, data, extra=0):
    """Record form of a PES on a track (first record starts the unit)."""
    out = b""
    first = True
    while True:
        chunk = data[:176]
        data = data[176:]
        flags = track | (0x04 if first else 0) | extra
        out += bytes([flags, len(chunk)]) + chunk
        first = False
        extra = 0
        if not data:
            return out


def adts(au, crc=False, rate_index=3, channels=2):
    hl = 9 if crc else 7
    fl = hl + len(au)
    h = bytes([0xFF, 0xF0 if crc else 0xF1,
               (1 << 6) | (rate_index << 2) | (channels >> 2),
               ((channels & 3) << 6) | (fl >> 11), (fl >> 3) & 0xFF,
               ((fl & 7) << 5) | 0x1F, 0xFC])
    return h + (b"\x12\x34" if crc else b"") + au


def opus_au(packet, trims=False, ext=b""):
    flags = 0xE0 | (0x18 if trims else 0) | (0x04 if ext else 0)
    size = b"\xff" * (len(packet) // 255) + bytes([len(packet) % 255])
    out = b"\x7f" + bytes([flags]) + size
    if trims:
        out += b"\x00\x10\x00\x20"
    if ext:
        out += bytes([len(ext)]) + ext
    return out + packet


class Bits:
    def __init__(self):
        self.v = 0
        self.n = 0

    def put(self, n, v):
        self.v = (self.v << n) | (v & ((1 << n) - 1))
        self.n += n

    def bytes(self):
        pad = (8 - self.n % 8) % 8
        return ((self.v << pad).to_bytes((self.n + pad) // 8, "big"))


def loas_v1(aus):
    """A LOAS frame: audioMuxVersion 1, ASC with ascLen, len(aus) AUs."""
    w = Bits()
    for n, v in ((1, 0), (1, 1), (1, 0), (2, 0), (8, 0xFF), (1, 1),
                 (6, len(aus) - 1), (4, 0), (3, 0), (2, 0), (8, 20),
                 (5, 2), (4, 4), (4, 1), (3, 0), (4, 0), (3, 0), (8, 0xFF),
                 (1, 1), (2, 0), (8, 16), (1, 1), (8, 0x55)):
        w.put(n, v)
    for au in aus:
        w.put(8, len(au))
        for c in au:
            w.put(8, c)
    w.put(16, 0xABCD)  # otherDataBits
    el = w.bytes()
    return bytes([0x56, 0xE0 | (len(el) >> 8), len(el) & 0xFF]) + el


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if not f.startswith("crash"):  # fuzzer finds stay
            os.remove(os.path.join(OUT, f))
    h264 = fixture("h264_aac.ts")
    h265 = fixture("h265_mp3.ts")
    ac3 = fixture("ac3.ts")
    opus = fixture("opus.ts")
    latm = fixture("latm.ts")

    # Mode 0: raw TS.
    write("raw_h264_aac", 0, 4, h264[:PKT * 48])
    write("raw_h265_mp3", 0, 3, h265[:PKT * 48])
    write("raw_ac3", 0, 8, ac3[:PKT * 24])
    write("raw_opus", 0, 5, opus[:PKT * 24])
    write("raw_latm", 0, 12, latm[:PKT * 24])
    write("raw_one_packet", 0, 0, h264[:PKT])
    write("raw_garbage_prefix", 0, 1,
          bytes(range(0x30, 0x60)) * 5 + b"\x47" * 3 + h264[:PKT * 20])
    cut = h264[:PKT * 20]
    write("raw_lost_packet", 0, 2, cut[:PKT * 6] + cut[PKT * 7:])
    write("raw_dup_packet", 0, 6, cut[:PKT * 7] + cut[PKT * 6:])
    write("raw_mid_garbage", 0, 9, cut[:PKT * 9 + 50] + cut[PKT * 10:])
    bad = bytearray(cut)
    for o in range(0, len(bad), PKT):
        if bad[o + 1] & 0x1F == 0 and bad[o + 2] == 0:
            bad[o + 5 + bad[o + 4] + 8] ^= 0x01  # the first PAT's program
            break
    write("raw_bad_crc", 0, 7, bytes(bad))
    wrap = bytearray(h264[:PKT * 30])
    for o in range(0, len(wrap), PKT):
        p = wrap[o:o + PKT]
        if not p[1] & 0x40 or ((p[1] & 0x1F) << 8 | p[2]) not in (256, 257):
            continue
        off = o + (5 + p[4] if p[3] & 0x20 else 4)
        v = ((wrap[off + 9] >> 1) & 7) << 30 | (wrap[off + 10] << 22) | \
            ((wrap[off + 11] >> 1) << 15) | (wrap[off + 12] << 7) | \
            (wrap[off + 13] >> 1)
        v = (v + (1 << 33) - 130000) & ((1 << 33) - 1)
        wrap[off + 9:off + 14] = ts_field(wrap[off + 9] >> 4, v)
    write("raw_pts_wrap", 0, 10, bytes(wrap))

    # Mode 1: built streams.
    v = payloads(h264, 256)
    a = payloads(h264, 257)
    write("built_h264_aac", 1, 4, bytes([H264, ADTS, KLVA, MPEG2V])
          + records(0, v[0]) + records(1, a[0]) + records(0, v[1])
          + records(0, v[2]))
    hv = payloads(h265, 256)
    mp = payloads(h265, 257)
    write("built_h265_mp3", 1, 3, bytes([H265, MPA1, MPA2, H264])
          + records(0, hv[0]) + records(1, mp[0]) + records(0, hv[1])
          + records(2, mp[1]))
    frames = adts(b"a" * 10) + adts(b"b" * 20, crc=True) + adts(b"c" * 30)
    write("built_adts_cut", 1, 1, bytes([ADTS, ADTS, ADTS, ADTS])
          + records(0, pes(0xC0, frames[:40], 90000))
          + records(0, pes(0xC0, frames[40:] + adts(b"d" * 5), 100000))
          + records(1, pes(0xC0, adts(b"e" * 3) + b"\xff\xf1", None))
          + records(2, pes(0xC0, frames, 3000, bounded=False))
          + records(2, pes(0xC0, adts(b"f" * 9, rate_index=4), 9000)))
    la = payloads(latm, 256)
    write("built_latm", 1, 6, bytes([LATM, LATM, ADTS, H264])
          + records(0, la[0]) + records(0, la[1])
          + records(1, pes(0xC0, es_data(la[1]), 5000)))
    c3 = payloads(ac3, 256)
    write("built_ac3", 1, 2, bytes([AC3, AC3_DVB, AC3_REG, AC3])
          + records(0, c3[0]) + records(1, c3[1]) + records(2, c3[2])
          + records(3, pes(0xBD, es_data(c3[0])[:700], 1000)))
    op = payloads(opus, 256)
    write("built_opus", 1, 5, bytes([OPUS, OPUS_EXT, OPUS, OPUS])
          + records(0, op[0]) + records(1, op[1])
          + records(2, pes(0xBD, opus_au(b"\xfc" + b"x" * 300, trims=True)
                           + opus_au(b"\x4b\x01\x02", ext=b"ext"), 7000))
          + records(3, pes(0xBD, b"\x7f\xe0\xff\xff", 8000)))
    write("built_latm_v1", 1, 13, bytes([LATM, LATM, LATM, LATM])
          + records(0, pes(0xC0, loas_v1([b"xyz", b"w"])
                           + loas_v1([b"abc", b"defg"]), 1000))
          + records(1, pes(0xC0, loas_v1([b"p" * 300]), 2000)))
    write("built_pmt_change", 1, 14, bytes([H264, ADTS, KLVA, OPUS])
          + records(0, v[0][:600]) + records(1, a[0][:170])
          + records(0, v[1], 0x80) + records(2, v[2], 0x80)
          + records(1, a[1][:170]) + records(1, a[2], 0x80)
          + records(3, v[3]))
    cells = (b"\x00\x00\x80\x00\x03abc" + b"\x00\x01\x40\x00\x02de")
    write("built_klv", 1, 9, bytes([KLVA, KLV_SYNC, KLVA, H264])
          + records(0, pes(0xBD, b"\x06\x0e\x2b\x34" + b"k" * 40))
          + records(0, pes(0xBD, b"\x06\x0e\x2b\x34" + b"l" * 20, 45000))
          + records(1, pes(0xFC, cells, 46000))
          + records(1, pes(0xFC, cells[:7], 47000))
          + records(2, pes(0xBD, b"m" * 300, 48000, bounded=False)))
    write("built_flags", 1, 11, bytes([H264, ADTS, AC3, OPUS])
          + records(0, v[0][:400], extra=0x08) + records(0, v[1], 0x40)
          + records(1, a[0][:300], extra=0x10) + records(1, a[1], 0x20)
          + records(0, pes(0xE0, es_data(v[2]), 20000, 16400, False))
          + records(0, pes(0xE0, es_data(v[3]), None, None, False))
          + records(0, b"\x00\x00\x01\xe0\x00\x00\x80\xc0\x0a" + b"\0" * 10
                    + es_data(v[4])))


if __name__ == "__main__":
    main()
