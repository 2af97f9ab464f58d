#!/usr/bin/python3
"""A small scripted RTMP client (standard library only) for Sluice's e2e
tests: an Enhanced-RTMP (E-RTMP) aware *player*, and a few wire-level
helpers (connect / createStream / publish / play with the server's status
codes).

No client in Debian 12 speaks Enhanced RTMP (ffmpeg 5.1, GStreamer 1.22 and
librtmp predate it), so the tests read H.265 over RTMP with this one:

  ertmp_client.py URL OUT [--fourcc hvc1,av01,vp09,Opus | --no-fourcc]
                  [--frames N] [--secs S]
  ertmp_client.py publish-hevc URL FILE.h265 [--loops N]
  ertmp_client.py publish URL [--video FILE.ivf --video-config FILE.mp4]
                  [--audio FILE.ogg] [--loops N]

  URL   rtmp://host:port/app[/stream...][?query] (or rtmps://, no certificate
        check): tcUrl = rtmp://host:port/app, play name = the rest + query,
        as ffmpeg splits it.
  OUT   the video elementary stream. H.264/H.265 in Annex-B: parameter
        sets from the sequence header (avcC / hvcC) then every frame's
        length-prefixed NAL units with start codes (`ffmpeg -f hevc -i OUT`
        or -f h264 decodes it). AV1 and VP9 as IVF (one temporal unit or
        frame per IVF frame, millisecond timestamps), from the first
        keyframe on. Audio is not written: the report lists the MD5 of
        every AAC/MP3/Opus frame instead (audio_md5), and the sequence
        starts it got (video_config, audio_config, hex).

It sends `connect` with `fourCcList` (AMF0 strict array) unless --no-fourcc,
then createStream and play; parses the chunk stream (Set Chunk Size, Abort,
all four chunk header types, extended timestamps, also on type-3 chunks),
acknowledges every window/2 bytes and answers pings; reads classic FLV video
(AVC, codec 7; HEVC as codec 12, a pre-standard convention) and E-RTMP video
(ExVideoTagHeader: IsExHeader bit, PacketType, FourCC; SequenceStart,
CodedFrames with a 24-bit composition time, CodedFramesX, SequenceEnd,
Metadata). It stops after N video frames (counted from the first keyframe),
S seconds, or when the server closes, and prints one JSON line with what it
saw (see Player.report()).

publish-hevc sends an H.265 Annex-B file (e.g. `ffmpeg -i h265_aac.mp4 -map
0:v -c copy -bsf:v hevc_mp4toannexb -f hevc x.h265`) as Enhanced RTMP, in
real time: hvcC built from the first VPS/SPS/PPS, keyframes as CodedFrames,
the rest as CodedFramesX (see publish_hevc()).

publish sends AV1 or VP9 from an IVF file and/or Opus from an Ogg file as
Enhanced RTMP, in real time, interleaved by timestamp (see publish_media()):
onMetaData with FourCC codec ids, a video SequenceStart whose body is the
av1C / vpcC box payload of --video-config (an MP4 of the same stream, e.g.
`ffmpeg -i x.ivf -c copy x.mp4`; vpcC keeps its FullBox version and flags,
as E-RTMP carries it), an audio SequenceStart with the Ogg's OpusHead, then
video keyframes as CodedFrames (frame type key) and other frames as
CodedFramesX (frame type inter), every Opus packet as CodedFrames, and a
video SequenceEnd at the end.
"""

import hashlib
import json
import os
import socket
import ssl
import struct
import sys
import time
from urllib.parse import urlsplit

DEFAULT_FOURCC = ['hvc1', 'av01', 'vp09', 'Opus']

# Message types
SET_CHUNK_SIZE = 1
ABORT = 2
ACK = 3
USER_CONTROL = 4
WINDOW_ACK_SIZE = 5
SET_PEER_BW = 6
AUDIO = 8
VIDEO = 9
DATA_AMF3 = 15
CMD_AMF3 = 17
DATA_AMF0 = 18
CMD_AMF0 = 20
AGGREGATE = 22

# E-RTMP video packet types
PT_SEQUENCE_START = 0
PT_CODED_FRAMES = 1
PT_SEQUENCE_END = 2
PT_CODED_FRAMES_X = 3
PT_METADATA = 4
PT_MPEG2TS_SEQUENCE_START = 5
PT_MULTITRACK = 6
PT_MODEX = 7

START_CODE = b'\x00\x00\x00\x01'

# E-RTMP FourCC -> IVF FourCC
IVF_FOURCC = {'av01': b'AV01', 'vp09': b'VP90'}


class RtmpError(Exception):
    pass


class Closed(RtmpError):
    pass


# ---------------------------------------------------------------- AMF0

class Undefined:
    def __repr__(self):
        return 'undefined'


class StrictArray(list):
    """Encoded as AMF0 strict array (0x0A) rather than an ECMA array."""


def amf0_encode(v):
    if v is None:
        return b'\x05'
    if isinstance(v, bool):
        return b'\x01' + (b'\x01' if v else b'\x00')
    if isinstance(v, (int, float)):
        return b'\x00' + struct.pack('>d', float(v))
    if isinstance(v, str):
        b = v.encode()
        if len(b) > 0xffff:
            return b'\x0c' + struct.pack('>I', len(b)) + b
        return b'\x02' + struct.pack('>H', len(b)) + b
    if isinstance(v, StrictArray):
        return (b'\x0a' + struct.pack('>I', len(v))
                + b''.join(amf0_encode(x) for x in v))
    if isinstance(v, dict):
        out = b'\x03'
        for k, x in v.items():
            kb = k.encode()
            out += struct.pack('>H', len(kb)) + kb + amf0_encode(x)
        return out + b'\x00\x00\x09'
    raise TypeError(f'cannot AMF0-encode {type(v)}')


def _amf0_key(buf, pos):
    n = struct.unpack_from('>H', buf, pos)[0]
    return buf[pos + 2:pos + 2 + n].decode(errors='replace'), pos + 2 + n


def amf0_decode_one(buf, pos=0):
    """(value, next position)."""
    t = buf[pos]
    pos += 1
    if t == 0x00:
        return struct.unpack_from('>d', buf, pos)[0], pos + 8
    if t == 0x01:
        return buf[pos] != 0, pos + 1
    if t == 0x02:
        return _amf0_key(buf, pos)
    if t in (0x03, 0x08):
        if t == 0x08:
            pos += 4  # ECMA array count (advisory)
        obj = {}
        while True:
            if buf[pos:pos + 3] == b'\x00\x00\x09':
                return obj, pos + 3
            k, pos = _amf0_key(buf, pos)
            obj[k], pos = amf0_decode_one(buf, pos)
    if t in (0x05, 0x06):
        return (None if t == 0x05 else Undefined()), pos
    if t == 0x0a:
        n = struct.unpack_from('>I', buf, pos)[0]
        pos += 4
        arr = []
        for _ in range(n):
            x, pos = amf0_decode_one(buf, pos)
            arr.append(x)
        return arr, pos
    if t == 0x0b:
        return struct.unpack_from('>d', buf, pos)[0], pos + 10
    if t == 0x0c:
        n = struct.unpack_from('>I', buf, pos)[0]
        return buf[pos + 4:pos + 4 + n].decode(errors='replace'), pos + 4 + n
    raise RtmpError(f'unsupported AMF0 type 0x{t:02x} at {pos - 1}')


def amf0_decode_all(buf):
    out, pos = [], 0
    while pos < len(buf):
        v, pos = amf0_decode_one(buf, pos)
        out.append(v)
    return out


# ---------------------------------------------------------------- URLs

def split_url(url):
    """(scheme, host, port, app, stream name, tcUrl) the way ffmpeg splits
    rtmp://host:port/app/rest?query: app = first path segment, name = the
    rest of the path plus the query."""
    u = urlsplit(url)
    if u.scheme not in ('rtmp', 'rtmps'):
        raise ValueError(f'not an rtmp(s) URL: {url}')
    port = u.port or (1936 if u.scheme == 'rtmps' else 1935)
    path = u.path.lstrip('/')
    app, _, name = path.partition('/')
    if u.query:
        name += '?' + u.query
    tc = f'{u.scheme}://{u.hostname}:{port}/{app}'
    return u.scheme, u.hostname, port, app, name, tc


# ---------------------------------------------------------------- connection

class Message:
    __slots__ = ('csid', 'type', 'stream', 'ts', 'data')

    def __init__(self, csid, mtype, stream, ts, data):
        self.csid, self.type, self.stream = csid, mtype, stream
        self.ts, self.data = ts, data

    def __repr__(self):
        return (f'<msg csid={self.csid} type={self.type} stream={self.stream} '
                f'ts={self.ts} len={len(self.data)}>')


class _ChunkStream:
    __slots__ = ('ts', 'delta', 'length', 'type', 'stream', 'ext', 'buf',
                 'have_header')

    def __init__(self):
        self.ts = self.delta = self.length = self.type = self.stream = 0
        self.ext = False
        self.buf = None  # payload of the message being assembled
        self.have_header = False


class RtmpConn:
    """One client connection: handshake, chunked messages both ways, AMF0
    commands. Protocol-control messages (chunk size, window, pings) are
    handled inside read_message()."""

    def __init__(self, url, timeout=10.0, verify=False):
        (self.scheme, self.host, self.port, self.app, self.name,
         self.tc_url) = split_url(url)
        self.timeout = timeout
        raw = socket.create_connection((self.host, self.port), timeout=timeout)
        if self.scheme == 'rtmps':
            ctx = ssl.create_default_context()
            if not verify:
                ctx.check_hostname = False
                ctx.verify_mode = ssl.CERT_NONE
            raw = ctx.wrap_socket(raw, server_hostname=self.host)
        self.sock = raw
        self.rbuf = bytearray()
        self.in_chunk = 128
        self.out_chunk = 128
        self.streams = {}
        self.window = 0
        self.received = 0
        self.acked = 0
        self.txn = 0
        self.peer_bw = None
        self.server_chunk_sizes = []
        self.pings = 0
        self.acks_sent = 0
        self.extended_ts_seen = False
        self.handshake()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    # -- bytes in/out

    def _recv(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise socket.timeout('timed out')
        self.sock.settimeout(left)
        try:
            d = self.sock.recv(1 << 18)
        except (ConnectionResetError, BrokenPipeError, ssl.SSLError) as e:
            raise Closed(f'connection reset: {e}') from None
        if not d:
            raise Closed('connection closed by server')
        self.received += len(d)
        self.rbuf += d

    def _need(self, n, deadline):
        while len(self.rbuf) < n:
            self._recv(deadline)

    def _take(self, n, deadline):
        self._need(n, deadline)
        out = bytes(self.rbuf[:n])
        del self.rbuf[:n]
        return out

    def send(self, data):
        try:
            self.sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError) as e:
            raise Closed(f'send failed: {e}') from None

    # -- handshake

    def handshake(self):
        deadline = time.monotonic() + self.timeout
        c1 = struct.pack('>II', 0, 0) + os.urandom(1528)
        self.send(b'\x03' + c1)
        s0 = self._take(1, deadline)
        if s0 != b'\x03':
            raise RtmpError(f'unexpected S0 version {s0!r}')
        s1 = self._take(1536, deadline)
        self.send(s1)  # C2 echoes S1
        self._take(1536, deadline)  # S2 (echo of C1; not checked)
        self.received = 0

    # -- messages out

    def send_message(self, csid, mtype, stream, ts, payload):
        out = bytearray()
        ts_field = min(ts, 0xffffff)
        ext = struct.pack('>I', ts) if ts >= 0xffffff else b''
        out += self._basic_header(0, csid)
        out += ts_field.to_bytes(3, 'big') + len(payload).to_bytes(3, 'big')
        out += bytes([mtype]) + struct.pack('<I', stream) + ext
        pos = 0
        while True:
            n = min(self.out_chunk, len(payload) - pos)
            out += payload[pos:pos + n]
            pos += n
            if pos >= len(payload):
                break
            out += self._basic_header(3, csid) + ext
        self.send(bytes(out))

    @staticmethod
    def _basic_header(fmt, csid):
        if csid < 64:
            return bytes([(fmt << 6) | csid])
        if csid < 320:
            return bytes([fmt << 6, csid - 64])
        return bytes([(fmt << 6) | 1]) + struct.pack('<H', csid - 64)

    def set_chunk_size(self, n):
        self.send_message(2, SET_CHUNK_SIZE, 0, 0, struct.pack('>I', n))
        self.out_chunk = n

    def command(self, name, *args, stream=0, csid=3, txn=None):
        if txn is None:
            self.txn += 1
            txn = self.txn
        payload = b''.join(amf0_encode(x) for x in (name, txn) + args)
        self.send_message(csid, CMD_AMF0, stream, 0, payload)
        return txn

    # -- messages in

    def read_message(self, deadline):
        """The next complete message that is not protocol control."""
        while True:
            m = self._read_one(deadline)
            if m is None:
                continue
            if m.type == SET_CHUNK_SIZE:
                n = struct.unpack('>I', m.data[:4])[0] & 0x7fffffff
                if n < 1:
                    raise RtmpError('Set Chunk Size 0')
                self.in_chunk = n
                self.server_chunk_sizes.append(n)
            elif m.type == ABORT:
                cs = self.streams.get(struct.unpack('>I', m.data[:4])[0])
                if cs:
                    cs.buf = None
            elif m.type == WINDOW_ACK_SIZE:
                self.window = struct.unpack('>I', m.data[:4])[0]
            elif m.type == SET_PEER_BW:
                self.peer_bw = struct.unpack('>I', m.data[:4])[0]
            elif m.type == USER_CONTROL:
                ev = struct.unpack('>H', m.data[:2])[0]
                if ev == 6:  # PingRequest -> PingResponse
                    self.pings += 1
                    self.send_message(2, USER_CONTROL, 0, 0,
                                      struct.pack('>H', 7) + m.data[2:6])
                else:
                    return m
            elif m.type == ACK:
                pass
            else:
                return m

    def _maybe_ack(self):
        if self.window and self.received - self.acked >= self.window // 2:
            self.acked = self.received
            self.acks_sent += 1
            self.send_message(2, ACK, 0, 0,
                              struct.pack('>I', self.received & 0xffffffff))

    def _read_one(self, deadline):
        """Reads one chunk; returns a message when one completes."""
        b0 = self._take(1, deadline)[0]
        fmt, csid = b0 >> 6, b0 & 0x3f
        if csid == 0:
            csid = 64 + self._take(1, deadline)[0]
        elif csid == 1:
            csid = 64 + struct.unpack('<H', self._take(2, deadline))[0]
        cs = self.streams.get(csid)
        if cs is None:
            cs = self.streams[csid] = _ChunkStream()
        if fmt == 0:
            h = self._take(11, deadline)
            tsf = int.from_bytes(h[0:3], 'big')
            cs.length = int.from_bytes(h[3:6], 'big')
            cs.type = h[6]
            cs.stream = struct.unpack('<I', h[7:11])[0]
            cs.ext = tsf == 0xffffff
            if cs.ext:
                tsf = struct.unpack('>I', self._take(4, deadline))[0]
                self.extended_ts_seen = True
            cs.ts, cs.delta = tsf, 0
            cs.have_header = True
            start = True
        elif fmt in (1, 2):
            if not cs.have_header:
                raise RtmpError(f'type-{fmt} chunk on new chunk stream {csid}')
            h = self._take(3 if fmt == 2 else 7, deadline)
            d = int.from_bytes(h[0:3], 'big')
            if fmt == 1:
                cs.length = int.from_bytes(h[3:6], 'big')
                cs.type = h[6]
            cs.ext = d == 0xffffff
            if cs.ext:
                d = struct.unpack('>I', self._take(4, deadline))[0]
                self.extended_ts_seen = True
            cs.delta = d
            cs.ts = (cs.ts + d) & 0xffffffff
            start = True
        else:
            if not cs.have_header:
                raise RtmpError(f'type-3 chunk on new chunk stream {csid}')
            if cs.ext:
                # The extended timestamp is repeated on type-3 chunks (what
                # ffmpeg and librtmp expect).
                self._take(4, deadline)
            start = cs.buf is None
            if start:
                # A new message with the previous header: the delta again.
                cs.ts = (cs.ts + cs.delta) & 0xffffffff
        if start and cs.buf is not None and len(cs.buf) < cs.length:
            raise RtmpError(f'new message header on chunk stream {csid} '
                            'while a message was incomplete')
        if start:
            cs.buf = bytearray()
        n = min(self.in_chunk, cs.length - len(cs.buf))
        cs.buf += self._take(n, deadline)
        self._maybe_ack()
        if len(cs.buf) >= cs.length:
            m = Message(csid, cs.type, cs.stream, cs.ts, bytes(cs.buf))
            cs.buf = None
            return m
        return None

    # -- commands

    def connect(self, fourcc=None, extra=None, deadline=None):
        """Sends connect; returns the _result / _error's info object.
        Raises RtmpError on _error."""
        deadline = deadline or time.monotonic() + self.timeout
        obj = {
            'app': self.app,
            'type': 'nonprivate',
            'flashVer': 'LNX 9,0,124,2',
            'tcUrl': self.tc_url,
            'fpad': False,
            'capabilities': 15,
            'audioCodecs': 4071,
            'videoCodecs': 252,
            'videoFunction': 1,
        }
        if fourcc:
            obj['fourCcList'] = StrictArray(fourcc)
        if extra:
            obj.update(extra)
        txn = self.command('connect', obj)
        name, args = self.wait_result(txn, deadline)
        if name != '_result':
            raise RtmpError(f'connect refused: {name} {args!r}')
        return args[1] if len(args) > 1 else None

    def wait_result(self, txn, deadline):
        """(name, args) of the _result/_error answering txn."""
        while True:
            m = self.read_message(deadline)
            if m.type not in (CMD_AMF0, CMD_AMF3):
                continue
            vals = amf0_decode_all(m.data[1:] if m.type == CMD_AMF3 else m.data)
            if (len(vals) >= 2 and vals[0] in ('_result', '_error')
                    and vals[1] == txn):
                return vals[0], vals[2:]

    def create_stream(self, deadline=None):
        deadline = deadline or time.monotonic() + self.timeout
        txn = self.command('createStream', None)
        name, args = self.wait_result(txn, deadline)
        if name != '_result' or len(args) < 2:
            raise RtmpError(f'createStream refused: {name} {args!r}')
        return int(args[1])

    def play(self, stream_id, name=None):
        name = self.name if name is None else name
        self.command('play', None, name, -2000.0, stream=stream_id, csid=8,
                     txn=0)
        # Set Buffer Length (3000 ms), as players do.
        self.send_message(2, USER_CONTROL, 0, 0,
                          struct.pack('>HII', 3, stream_id, 3000))

    def publish(self, stream_id, name=None):
        name = self.name if name is None else name
        self.command('releaseStream', None, name)
        self.command('FCPublish', None, name)
        self.command('publish', None, name, 'live', stream=stream_id, csid=8,
                     txn=0)

    def wait_status(self, deadline, codes=None):
        """The next onStatus info object (or the first whose code is in
        codes). Raises Closed when the server closes first."""
        while True:
            m = self.read_message(deadline)
            if m.type not in (CMD_AMF0, CMD_AMF3):
                continue
            vals = amf0_decode_all(m.data[1:] if m.type == CMD_AMF3 else m.data)
            if vals and vals[0] == 'onStatus':
                info = next((v for v in vals[1:] if isinstance(v, dict)), {})
                if codes is None or info.get('code') in codes:
                    return info


def open_stream(url, mode, fourcc=None, timeout=10.0):
    """Connects, creates a stream and sends play/publish. Returns
    (conn, stream id). Errors propagate (RtmpError / Closed / timeout)."""
    c = RtmpConn(url, timeout=timeout)
    try:
        c.connect(fourcc=fourcc)
        c.set_chunk_size(4096)
        sid = c.create_stream()
        if mode == 'play':
            c.play(sid)
        else:
            c.publish(sid)
    except BaseException:
        c.close()
        raise
    return c, sid


def status_of(url, mode, timeout=8.0, fourcc=None):
    """The first NetStream status code a play/publish gets, or 'closed',
    'timeout', 'connect-refused: ...' — for wire-level refusal checks."""
    try:
        c, _ = open_stream(url, mode, fourcc=fourcc, timeout=timeout)
    except (Closed, ConnectionRefusedError, ConnectionResetError) as e:
        return f'closed ({e})'
    except socket.timeout:
        return 'timeout'
    except RtmpError as e:
        return f'connect-refused: {e}'
    try:
        deadline = time.monotonic() + timeout
        info = c.wait_status(deadline)
        return info.get('code', '?')
    except Closed:
        return 'closed'
    except socket.timeout:
        return 'timeout'
    finally:
        c.close()


# ---------------------------------------------------------------- video

def hvcc_to_annexb(rec):
    """(NAL length size, Annex-B parameter sets) of an HEVCDecoder-
    ConfigurationRecord."""
    if len(rec) < 23:
        raise RtmpError('hvcC too short')
    nls = (rec[21] & 3) + 1
    n = rec[22]
    pos, out = 23, bytearray()
    for _ in range(n):
        cnt = struct.unpack_from('>H', rec, pos + 1)[0]
        pos += 3
        for _ in range(cnt):
            ln = struct.unpack_from('>H', rec, pos)[0]
            out += START_CODE + rec[pos + 2:pos + 2 + ln]
            pos += 2 + ln
    return nls, bytes(out)


def avcc_to_annexb(rec):
    """(NAL length size, Annex-B SPS+PPS) of an AVCDecoderConfiguration-
    Record."""
    if len(rec) < 7:
        raise RtmpError('avcC too short')
    nls = (rec[4] & 3) + 1
    out = bytearray()
    pos = 6
    for _ in range(rec[5] & 0x1f):
        ln = struct.unpack_from('>H', rec, pos)[0]
        out += START_CODE + rec[pos + 2:pos + 2 + ln]
        pos += 2 + ln
    npps = rec[pos]
    pos += 1
    for _ in range(npps):
        ln = struct.unpack_from('>H', rec, pos)[0]
        out += START_CODE + rec[pos + 2:pos + 2 + ln]
        pos += 2 + ln
    return nls, bytes(out)


def lp_to_annexb(data, nls):
    """Length-prefixed NAL units -> Annex-B."""
    out, pos = bytearray(), 0
    while pos + nls <= len(data):
        ln = int.from_bytes(data[pos:pos + nls], 'big')
        pos += nls
        if pos + ln > len(data):
            raise RtmpError('NAL unit runs past the end of the frame')
        out += START_CODE + data[pos:pos + ln]
        pos += ln
    return bytes(out)


class Player:
    """Plays a stream and writes its video as Annex-B."""

    def __init__(self, url, out, fourcc=DEFAULT_FOURCC, frames=75, secs=10.0):
        self.url, self.out_path = url, out
        self.fourcc, self.max_frames, self.secs = fourcc, frames, secs
        self.codec = None          # 'hvc1', 'avc1', ... of the video seen
        self.nls = 4
        self.params = b''
        self.started = False       # a keyframe has been written
        self.frames = 0            # video frames written (from the keyframe)
        self.video_msgs = 0
        self.audio_msgs = 0
        self.video_tags = {}       # kind -> count, e.g. 'ex:hvc1:1', 'avc:1'
        self.audio_formats = {}    # 'aac', 'mp3', 'ex:Opus', ...
        self.audio_md5 = []        # MD5 of each AAC/MP3/Opus frame
        self.video_config = None   # hex of the last video sequence start
        self.audio_config = None   # hex of the last audio sequence start
        self.ivf_frames = 0        # IVF frames written (AV1, VP9)
        self.status = []           # onStatus codes in order
        self.metadata = None
        self.errors = []
        self.closed = None
        self.conn = None
        self.connect_info = None
        self.first_video_ts = None

    # -- video tags

    def _frame(self, data, key):
        if not self.started:
            if not key:
                return
            self.started = True
            self.out.write(self.params)
        self.out.write(lp_to_annexb(data, self.nls))
        self.frames += 1

    def _seq(self, fourcc, rec):
        self.video_config = rec.hex()
        if fourcc in ('hvc1', 'hev1'):
            self.nls, self.params = hvcc_to_annexb(rec)
        elif fourcc == 'avc1':
            self.nls, self.params = avcc_to_annexb(rec)
        else:
            # AV1/VP9: the record is kept; frames are written as they come.
            self.params = b''
        if self.started and self.params:
            self.out.write(self.params)

    def on_video(self, ts, d):
        self.video_msgs += 1
        if not d:
            return
        b0 = d[0]
        if b0 & 0x80:
            frame_type = (b0 >> 4) & 7
            pt = b0 & 0x0f
            if len(d) < 5:
                self.errors.append('short E-RTMP video tag')
                return
            fourcc = d[1:5].decode('latin-1')
            kind = f'ex:{fourcc}:{pt}'
            self.video_tags[kind] = self.video_tags.get(kind, 0) + 1
            self.codec = self.codec or fourcc
            body = d[5:]
            if frame_type == 5:  # command frame, no payload
                return
            if pt == PT_SEQUENCE_START:
                self._seq(fourcc, body)
            elif pt == PT_CODED_FRAMES:
                if fourcc in ('hvc1', 'avc1', 'hev1'):
                    body = body[3:]  # SI24 composition time
                self._coded(fourcc, body, frame_type == 1, ts)
            elif pt == PT_CODED_FRAMES_X:
                self._coded(fourcc, body, frame_type == 1, ts)
            elif pt in (PT_SEQUENCE_END, PT_METADATA):
                pass
            else:
                self.errors.append(f'unsupported E-RTMP video packet type {pt}')
            return
        frame_type, codec = b0 >> 4, b0 & 0x0f
        if codec in (7, 12) and len(d) >= 5:
            fourcc = 'avc1' if codec == 7 else 'hvc1'
            kind = f'{"avc" if codec == 7 else "hevc12"}:{d[1]}'
            self.video_tags[kind] = self.video_tags.get(kind, 0) + 1
            self.codec = self.codec or fourcc
            if d[1] == 0:
                self._seq(fourcc, d[5:])
            elif d[1] == 1:
                self._coded(fourcc, d[5:], frame_type == 1, ts)
        else:
            kind = f'codec{codec}'
            self.video_tags[kind] = self.video_tags.get(kind, 0) + 1

    def _coded(self, fourcc, body, key, ts):
        if fourcc in IVF_FOURCC:
            self._ivf_frame(fourcc, body, key, ts)
            return
        if fourcc not in ('hvc1', 'hev1', 'avc1'):
            return  # counted only
        if self.first_video_ts is None:
            self.first_video_ts = ts
        self._frame(body, key)

    def _ivf_frame(self, fourcc, body, key, ts):
        """AV1/VP9: one IVF frame per message, from the first keyframe."""
        if not self.started:
            if not key:
                return
            self.started = True
            self.first_video_ts = ts
            w = int((self.metadata or {}).get('width') or 0)
            h = int((self.metadata or {}).get('height') or 0)
            self.out.write(ivf_header(IVF_FOURCC[fourcc], w, h, 0))
        self.out.write(struct.pack('<IQ', len(body), ts) + body)
        self.ivf_frames += 1
        self.frames += 1

    def finish_ivf(self):
        """Writes the frame count into the IVF header."""
        if self.ivf_frames:
            self.out.seek(24)
            self.out.write(struct.pack('<I', self.ivf_frames))

    def on_audio(self, d):
        self.audio_msgs += 1
        if not d:
            return
        fmt = d[0] >> 4
        if fmt == 9:  # E-RTMP ExAudioTagHeader
            name = 'ex:' + d[1:5].decode('latin-1')
        else:
            name = {10: 'aac', 2: 'mp3', 14: 'mp3-8k'}.get(fmt, f'fmt{fmt}')
        self.audio_formats[name] = self.audio_formats.get(name, 0) + 1
        if fmt == 10 and len(d) > 2 and d[1] == 1:
            self.audio_md5.append(hashlib.md5(d[2:]).hexdigest())
        elif fmt == 10 and len(d) > 2 and d[1] == 0:
            self.audio_config = d[2:].hex()
        elif fmt == 2:
            self.audio_md5.append(hashlib.md5(d[1:]).hexdigest())
        elif fmt == 9 and len(d) >= 5:
            pt = d[0] & 0x0f
            kind = f'{name}:{pt}'
            self.audio_formats[kind] = self.audio_formats.get(kind, 0) + 1
            if pt == PT_SEQUENCE_START:
                self.audio_config = d[5:].hex()
            elif pt == PT_CODED_FRAMES:
                self.audio_md5.append(hashlib.md5(d[5:]).hexdigest())

    # -- running

    def run(self, timeout=10.0):
        t0 = time.monotonic()
        deadline = t0 + self.secs
        with open(self.out_path, 'wb') as self.out:
            try:
                self.conn = RtmpConn(self.url, timeout=timeout)
                self.connect_info = self.conn.connect(fourcc=self.fourcc)
                self.conn.set_chunk_size(4096)
                sid = self.conn.create_stream()
                self.conn.play(sid)
                while self.frames < self.max_frames:
                    m = self.conn.read_message(deadline)
                    if m.type == VIDEO:
                        self.on_video(m.ts, m.data)
                    elif m.type == AUDIO:
                        self.on_audio(m.data)
                    elif m.type == AGGREGATE:
                        self.on_aggregate(m.data)
                    elif m.type in (CMD_AMF0, CMD_AMF3):
                        vals = amf0_decode_all(m.data[1:] if m.type == CMD_AMF3
                                               else m.data)
                        if vals and vals[0] == 'onStatus':
                            info = next((v for v in vals[1:]
                                         if isinstance(v, dict)), {})
                            self.status.append(info.get('code'))
                    elif m.type in (DATA_AMF0, DATA_AMF3):
                        vals = amf0_decode_all(m.data[1:] if m.type == DATA_AMF3
                                               else m.data)
                        for v in vals:
                            if isinstance(v, dict):
                                self.metadata = v
                                break
                self.closed = False
            except Closed as e:
                self.closed = str(e)
            except socket.timeout:
                self.closed = False
            except (RtmpError, OSError, struct.error, IndexError) as e:
                self.errors.append(f'{type(e).__name__}: {e}')
            finally:
                if self.conn:
                    self.conn.close()
                self.finish_ivf()
        self.elapsed = time.monotonic() - t0
        return self.report()

    def on_aggregate(self, d):
        pos = 0
        while pos + 11 <= len(d):
            t = d[pos]
            size = int.from_bytes(d[pos + 1:pos + 4], 'big')
            ts = int.from_bytes(d[pos + 4:pos + 7], 'big') | (d[pos + 7] << 24)
            body = d[pos + 11:pos + 11 + size]
            if t == VIDEO:
                self.on_video(ts, body)
            elif t == AUDIO:
                self.on_audio(body)
            pos += 11 + size + 4

    def report(self):
        c = self.conn
        return {
            'url': self.url,
            'fourcc_sent': self.fourcc or [],
            'codec': self.codec,
            'frames': self.frames,
            'video_msgs': self.video_msgs,
            'audio_msgs': self.audio_msgs,
            'video_tags': self.video_tags,
            'audio_formats': self.audio_formats,
            'audio_md5': self.audio_md5,
            'video_config': self.video_config,
            'audio_config': self.audio_config,
            'status': self.status,
            'metadata': self.metadata,
            'closed': self.closed,
            'errors': self.errors,
            'elapsed_s': round(getattr(self, 'elapsed', 0), 3),
            'server_chunk_sizes': c.server_chunk_sizes if c else [],
            'window': c.window if c else None,
            'acks_sent': c.acks_sent if c else 0,
            'pings': c.pings if c else 0,
            'extended_ts_seen': c.extended_ts_seen if c else False,
            'connect_info': _jsonable(self.connect_info),
        }


# ---------------------------------------------------------------- publisher

def annexb_nals(data):
    """NAL units (without start codes) of an Annex-B byte stream."""
    out, i, n = [], 0, len(data)
    starts = []
    while True:
        j = data.find(b'\x00\x00\x01', i)
        if j < 0:
            break
        starts.append(j + 3)
        i = j + 3
    for k, st in enumerate(starts):
        end = starts[k + 1] - 3 if k + 1 < len(starts) else n
        nal = data[st:end]
        while nal.endswith(b'\x00') and k + 1 < len(starts):
            nal = nal[:-1]  # zero_byte of the next 4-byte start code
        if nal:
            out.append(nal)
    return out


def hevc_access_units(data):
    """[(is_irap, [NAL...])] of an HEVC Annex-B stream. A new access unit
    starts at a VPS/SPS/PPS/AUD/prefix SEI after a slice, or at a slice with
    first_slice_segment_in_pic_flag set."""
    aus, cur, cur_has_vcl = [], [], False
    for nal in annexb_nals(data):
        t = (nal[0] >> 1) & 0x3f
        vcl = t < 32
        first_slice = vcl and len(nal) > 2 and (nal[2] & 0x80) != 0
        starts = (cur_has_vcl and (t in (32, 33, 34, 35, 39) or first_slice))
        if starts:
            aus.append(cur)
            cur, cur_has_vcl = [], False
        cur.append(nal)
        cur_has_vcl |= vcl
    if cur:
        aus.append(cur)
    return [(any(16 <= (x[0] >> 1) & 0x3f <= 21 for x in au), au)
            for au in aus]


def _unescape(nal):
    """RBSP of a NAL unit (emulation prevention bytes removed)."""
    return nal.replace(b'\x00\x00\x03', b'\x00\x00')


def build_hvcc(vps, sps, pps):
    """An HEVCDecoderConfigurationRecord (4-byte NAL lengths); the profile,
    tier and level fields are copied from the SPS."""
    rb = _unescape(sps)
    ptl = rb[3:15]  # profile byte, 4 compat-flag bytes, 6 constraint, level
    rec = bytearray([1]) + ptl[:12]
    rec += bytes([0xf0, 0x00,   # min_spatial_segmentation_idc
                  0xfc,         # parallelismType
                  0xfd,         # chroma_format_idc 1
                  0xf8, 0xf8,   # bit depths 8
                  0x00, 0x00,   # avgFrameRate
                  0x0f,         # lengthSizeMinusOne 3, 1 temporal layer, nested
                  3])
    for t, nal in ((32, vps), (33, sps), (34, pps)):
        rec += bytes([0x80 | t]) + struct.pack('>HH', 1, len(nal)) + nal
    return bytes(rec)


def publish_hevc(url, es_path, loops=1, fps=25.0, timeout=10.0):
    """Publishes an HEVC Annex-B file as Enhanced RTMP in real time:
    onMetaData (videocodecid = FourCC 'hvc1'), SequenceStart with an hvcC,
    then keyframes as CodedFrames (composition time 0) and other frames as
    CodedFramesX. Returns a report dict."""
    data = open(es_path, 'rb').read()
    aus = hevc_access_units(data)
    ps = {}
    for _, au in aus:
        for nal in au:
            t = (nal[0] >> 1) & 0x3f
            if t in (32, 33, 34) and t not in ps:
                ps[t] = nal
    if len(ps) != 3:
        raise RtmpError('VPS/SPS/PPS not found in the HEVC stream')
    hvcc = build_hvcc(ps[32], ps[33], ps[34])
    rep = {'url': url, 'status': [], 'frames_sent': 0, 'error': None}
    c = None
    try:
        c, sid = open_stream(url, 'publish', timeout=timeout)
        info = c.wait_status(time.monotonic() + timeout)
        rep['status'].append(info.get('code'))
        if info.get('code') != 'NetStream.Publish.Start':
            rep['error'] = f'publish refused: {info}'
            return rep
        fourcc = struct.unpack('>I', b'hvc1')[0]
        meta = (amf0_encode('@setDataFrame') + amf0_encode('onMetaData')
                + amf0_encode({'videocodecid': float(fourcc),
                               'width': 320.0, 'height': 240.0,
                               'framerate': fps}))
        c.send_message(4, DATA_AMF0, sid, 0, meta)
        c.send_message(6, VIDEO, sid, 0, bytes([0x90]) + b'hvc1' + hvcc)
        t0 = time.monotonic()
        n = 0
        for _ in range(loops):
            for key, au in aus:
                frame = b''.join(struct.pack('>I', len(x)) + x for x in au
                                 if (x[0] >> 1) & 0x3f not in (32, 33, 34, 35))
                ts = int(n * 1000 / fps)
                if key:
                    tag = bytes([0x80 | 0x10 | PT_CODED_FRAMES]) + b'hvc1' \
                        + b'\x00\x00\x00' + frame
                else:
                    tag = bytes([0x80 | 0x20 | PT_CODED_FRAMES_X]) + b'hvc1' \
                        + frame
                wait = t0 + n / fps - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                c.send_message(6, VIDEO, sid, ts, tag)
                n += 1
                rep['frames_sent'] = n
        time.sleep(0.5)
    except (RtmpError, OSError) as e:
        rep['error'] = f'{type(e).__name__}: {e}'
    finally:
        if c:
            c.close()
    return rep


# ---------------------------------------------------------------- AV1, VP9, Opus

def ivf_header(fourcc, width, height, frames, rate=1000, scale=1):
    """A 32-byte IVF file header (timebase scale/rate seconds)."""
    return (b'DKIF' + struct.pack('<HH', 0, 32) + fourcc
            + struct.pack('<HHIII', width, height, rate, scale, frames)
            + b'\x00' * 4)


def read_ivf(path):
    """(fourcc, [(ms, frame bytes)]) of an IVF file."""
    data = open(path, 'rb').read()
    if data[:4] != b'DKIF':
        raise RtmpError(f'{path}: not an IVF file')
    hlen = struct.unpack_from('<H', data, 6)[0]
    fourcc = data[8:12]
    rate, scale = struct.unpack_from('<II', data, 16)
    frames, pos = [], hlen
    while pos + 12 <= len(data):
        size, pts = struct.unpack_from('<IQ', data, pos)
        pos += 12
        frames.append((pts * 1000 * scale // rate, data[pos:pos + size]))
        pos += size
    return fourcc, frames


def mp4_box_payload(path, name):
    """The payload of the first `name` box inside the moov box of an MP4
    (e.g. av1C, vpcC with its FullBox version and flags)."""
    data = open(path, 'rb').read()
    pos = 0
    while pos + 8 <= len(data):
        size, typ = struct.unpack_from('>I4s', data, pos)
        if size < 8:
            break
        if typ == b'moov':
            moov = data[pos:pos + size]
            i = moov.find(name.encode())
            if i < 4:
                break
            n = struct.unpack_from('>I', moov, i - 4)[0]
            return moov[i + 4:i - 4 + n]
        pos += size
    raise RtmpError(f'{path}: no {name} box in moov')


def read_ogg_packets(path):
    """The packets of the first logical stream of an Ogg file."""
    data = open(path, 'rb').read()
    pos, packets, cur = 0, [], b''
    while pos + 27 <= len(data):
        if data[pos:pos + 4] != b'OggS':
            raise RtmpError(f'{path}: lost Ogg sync at {pos}')
        nseg = data[pos + 26]
        lacing = data[pos + 27:pos + 27 + nseg]
        pos += 27 + nseg
        for n in lacing:
            cur += data[pos:pos + n]
            pos += n
            if n < 255:
                packets.append(cur)
                cur = b''
    return packets


def opus_samples(packet):
    """48 kHz samples in an Opus packet (RFC 6716 3.1)."""
    toc = packet[0]
    config = toc >> 3
    if config < 12:
        per = (480, 960, 1920, 2880)[config & 3]
    elif config < 16:
        per = (480, 960)[config & 1]
    else:
        per = (120, 240, 480, 960)[config & 3]
    code = toc & 3
    count = 1 if code == 0 else 2 if code in (1, 2) else packet[1] & 0x3f
    return per * count


def av1_is_key(tu):
    """A temporal unit with a sequence header OBU (encoders repeat it on
    every keyframe; enough for the test clips)."""
    pos = 0
    while pos < len(tu):
        h = tu[pos]
        typ, ext, has_size = (h >> 3) & 15, (h >> 2) & 1, (h >> 1) & 1
        pos += 1 + ext
        size = len(tu) - pos
        if has_size:
            size, shift = 0, 0
            while True:
                b = tu[pos]
                pos += 1
                size |= (b & 0x7f) << shift
                shift += 7
                if not b & 0x80:
                    break
        if typ == 1:
            return True
        pos += size
    return False


def vp9_is_key(frame):
    """VP9 uncompressed header: frame_marker, profile, show_existing_frame,
    frame_type (0 = key)."""
    b = frame[0]
    profile = ((b >> 5) & 1) | (((b >> 4) & 1) << 1)
    bit = 3 if profile < 3 else 2  # the reserved zero bit of profile 3
    if (b >> bit) & 1:  # show_existing_frame
        return False
    return ((b >> (bit - 1)) & 1) == 0


def publish_media(url, video=None, video_config=None, audio=None, loops=1,
                  timeout=10.0):
    """Publishes AV1/VP9 (IVF) and/or Opus (Ogg) as Enhanced RTMP in real
    time (see the module docstring). Returns a report dict."""
    msgs = []  # (ms, order, kind, payload)
    meta = {}
    vfourcc = None
    duration = 0
    if video:
        ivf_fourcc, frames = read_ivf(video)
        vfourcc = {b'AV01': b'av01', b'VP90': b'vp09'}[ivf_fourcc]
        key_of = av1_is_key if vfourcc == b'av01' else vp9_is_key
        step = frames[1][0] - frames[0][0] if len(frames) > 1 else 40
        duration = max(duration, frames[-1][0] + step)
        box = 'av1C' if vfourcc == b'av01' else 'vpcC'
        vcfg = mp4_box_payload(video_config, box)
        meta['videocodecid'] = float(struct.unpack('>I', vfourcc)[0])
        vframes = [(ms, key_of(f), f) for ms, f in frames]
    if audio:
        packets = read_ogg_packets(audio)
        if not packets or not packets[0].startswith(b'OpusHead'):
            raise RtmpError(f'{audio}: no OpusHead')
        head, apackets, t = packets[0], [], 0
        for pkt in packets[1:]:
            if pkt.startswith(b'OpusTags'):
                continue
            apackets.append((t * 1000 // 48000, pkt))
            t += opus_samples(pkt)
        duration = max(duration, t * 1000 // 48000)
        meta['audiocodecid'] = float(struct.unpack('>I', b'Opus')[0])
    for n in range(loops):
        base = n * duration
        if video:
            for ms, key, f in vframes:
                if key:
                    tag = bytes([0x80 | 0x10 | PT_CODED_FRAMES]) + vfourcc + f
                else:
                    tag = bytes([0x80 | 0x20 | PT_CODED_FRAMES_X]) \
                        + vfourcc + f
                msgs.append((base + ms, 1, VIDEO, tag))
        if audio:
            for ms, pkt in apackets:
                msgs.append((base + ms, 0, AUDIO,
                             bytes([0x90 | PT_CODED_FRAMES]) + b'Opus' + pkt))
    msgs.sort(key=lambda m: (m[0], m[1]))
    rep = {'url': url, 'status': [], 'video_sent': 0, 'audio_sent': 0,
           'error': None}
    c = None
    try:
        c, sid = open_stream(url, 'publish', timeout=timeout)
        info = c.wait_status(time.monotonic() + timeout)
        rep['status'].append(info.get('code'))
        if info.get('code') != 'NetStream.Publish.Start':
            rep['error'] = f'publish refused: {info}'
            return rep
        c.send_message(4, DATA_AMF0, sid, 0,
                       amf0_encode('@setDataFrame') + amf0_encode('onMetaData')
                       + amf0_encode(meta))
        if video:
            c.send_message(6, VIDEO, sid, 0,
                           bytes([0x90 | PT_SEQUENCE_START]) + vfourcc + vcfg)
        if audio:
            c.send_message(4, AUDIO, sid, 0,
                           bytes([0x90 | PT_SEQUENCE_START]) + b'Opus' + head)
        t0 = time.monotonic()
        last = 0
        for ms, _, kind, payload in msgs:
            wait = t0 + ms / 1000 - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            c.send_message(6 if kind == VIDEO else 4, kind, sid, ms, payload)
            rep['video_sent' if kind == VIDEO else 'audio_sent'] += 1
            last = ms
        if video:
            c.send_message(6, VIDEO, sid, last,
                           bytes([0x90 | PT_SEQUENCE_END]) + vfourcc)
        time.sleep(0.5)
    except (RtmpError, OSError) as e:
        rep['error'] = f'{type(e).__name__}: {e}'
    except KeyboardInterrupt:
        rep['stopped'] = True  # SIGINT: how tests stop a looping publisher
    finally:
        if c:
            c.close()
    return rep


def _jsonable(v):
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_jsonable(x) for x in v]
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    return repr(v)


def main(argv):
    import argparse
    if argv[:1] == ['publish-hevc']:
        ap = argparse.ArgumentParser(
            prog='ertmp_client.py publish-hevc',
            description='publish an HEVC Annex-B file as Enhanced RTMP')
        ap.add_argument('url')
        ap.add_argument('es')
        ap.add_argument('--loops', type=int, default=1)
        a = ap.parse_args(argv[1:])
        rep = publish_hevc(a.url, a.es, loops=a.loops)
        print(json.dumps(rep), flush=True)
        return 0 if not rep['error'] else 1
    if argv[:1] == ['publish']:
        ap = argparse.ArgumentParser(
            prog='ertmp_client.py publish',
            description='publish AV1/VP9 (IVF) and Opus (Ogg) as E-RTMP')
        ap.add_argument('url')
        ap.add_argument('--video')
        ap.add_argument('--video-config')
        ap.add_argument('--audio')
        ap.add_argument('--loops', type=int, default=1)
        a = ap.parse_args(argv[1:])
        if a.video and not a.video_config:
            ap.error('--video needs --video-config')
        rep = publish_media(a.url, a.video, a.video_config, a.audio,
                            loops=a.loops)
        print(json.dumps(rep), flush=True)
        return 0 if not rep['error'] else 1
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('url')
    ap.add_argument('out')
    ap.add_argument('--fourcc', default=','.join(DEFAULT_FOURCC))
    ap.add_argument('--no-fourcc', action='store_true')
    ap.add_argument('--frames', type=int, default=75)
    ap.add_argument('--secs', type=float, default=10.0)
    a = ap.parse_args(argv)
    fourcc = None if a.no_fourcc else [x for x in a.fourcc.split(',') if x]
    p = Player(a.url, a.out, fourcc=fourcc, frames=a.frames, secs=a.secs)
    rep = p.run()
    print(json.dumps(rep), flush=True)
    return 0 if not rep['errors'] else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
