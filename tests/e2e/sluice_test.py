"""Helpers for Sluice's end-to-end tests: the server under test, real
third-party clients (ffmpeg, GStreamer) as publishers and readers, a raw RTSP
client for wire-level checks, and the bit-exactness check on decoded frames.

Rules every helper follows (see docs/internals/TESTING.md):
- everything listens and connects on 127.0.0.1 only, on ports picked free;
- every child process starts in its own session, runs under `timeout`, and
  is stopped by its process-group id (SIGINT, then SIGKILL), never by name;
- every wait is bounded in time.
"""

import base64
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MEDIA_DIR = Path(__file__).resolve().parent / '.media'
GEN_MEDIA = ROOT / 'tests' / 'media' / 'gen_media.sh'
HOST = '127.0.0.1'
FPS = 25

# Every process started through Proc; conftest stops leftovers after a test.
LIVE_PROCS = []


# ---------------------------------------------------------------- ports

def free_port(kind='tcp'):
    """A port on 127.0.0.1 that was free a moment ago (bind to port 0)."""
    t = socket.SOCK_STREAM if kind == 'tcp' else socket.SOCK_DGRAM
    with socket.socket(socket.AF_INET, t) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def free_udp_pair():
    """Two consecutive free UDP ports, the first even (RTP/RTCP)."""
    for _ in range(200):
        p = free_port('udp')
        if p % 2:
            p += 1
        if p + 1 > 65535:
            continue
        socks = []
        try:
            for q in (p, p + 1):
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                socks.append(s)
                s.bind((HOST, q))
            return p, p + 1
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError('no free even/odd UDP port pair found')


def wait_tcp_port(port, timeout, proc=None):
    """True once 127.0.0.1:port accepts a TCP connection."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            return False
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


# ---------------------------------------------------------------- YAML

def _yaml_scalar(v):
    if v is None:
        return 'null'
    if isinstance(v, bool):
        return 'true' if v else 'false'
    if isinstance(v, (int, float)):
        return str(v)
    return json.dumps(str(v))  # a JSON string is a valid YAML string


def to_yaml(obj, indent=0):
    """Block-style YAML for dicts/lists of scalars (enough for configs)."""
    pad = '  ' * indent
    lines = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            if isinstance(v, dict) and v:
                lines.append(f'{pad}{k}:')
                lines.append(to_yaml(v, indent + 1))
            elif isinstance(v, dict):
                lines.append(f'{pad}{k}: {{}}')
            elif isinstance(v, list) and v:
                lines.append(f'{pad}{k}:')
                lines.append(to_yaml(v, indent + 1))
            elif isinstance(v, list):
                lines.append(f'{pad}{k}: []')
            else:
                lines.append(f'{pad}{k}: {_yaml_scalar(v)}')
    elif isinstance(obj, list):
        for v in obj:
            if isinstance(v, (dict, list)) and v:
                sub = to_yaml(v, indent + 1).split('\n')
                lines.append(f'{pad}- {sub[0].lstrip()}')
                lines.extend(sub[1:])
            elif isinstance(v, dict):
                lines.append(f'{pad}- {{}}')
            elif isinstance(v, list):
                lines.append(f'{pad}- []')
            else:
                lines.append(f'{pad}- {_yaml_scalar(v)}')
    else:
        lines.append(pad + _yaml_scalar(obj))
    return '\n'.join(lines)


def deep_merge(base, over):
    """A copy of base with over merged in; a None value deletes a key."""
    out = dict(base)
    for k, v in over.items():
        if v is None:
            out.pop(k, None)
        elif isinstance(v, dict) and isinstance(out.get(k), dict) and k != 'paths':
            out[k] = deep_merge(out[k], v)
        else:
            out[k] = v
    return out


# ---------------------------------------------------------------- processes

def require_tool(name):
    """Path of an external program; fails (never skips) when it is missing,
    unless the developer opted out with SLUICE_E2E_QUICK=1."""
    import pytest
    path = shutil.which(name)
    if path:
        return path
    if os.environ.get('SLUICE_E2E_QUICK') == '1':
        pytest.skip(f'{name} not installed (SLUICE_E2E_QUICK=1)')
    pytest.fail(f'{name} not installed: run `make deps-test` (tools/deps.sh test)')


class Proc:
    """A child process in its own session; output goes to a log file."""

    def __init__(self, argv, log_path, name=None, env=None, bound=None,
                 is_server=False):
        self.name = name or os.path.basename(argv[0])
        self.is_server = is_server
        self.log_path = Path(log_path)
        if bound is not None:
            # Hard wall-clock bound on top of the caller's own stop.
            argv = ['timeout', '-k', '3', '-s', 'INT', str(int(bound))] + list(argv)
        self.argv = list(argv)
        self._log = open(self.log_path, 'wb')
        self.p = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL,
                                  stdout=self._log, stderr=subprocess.STDOUT,
                                  start_new_session=True, env=env)
        self.pid = self.p.pid
        LIVE_PROCS.append(self)

    def poll(self):
        return self.p.poll()

    def alive(self):
        return self.p.poll() is None

    def wait(self, timeout):
        """Exit code, or None if still running after timeout seconds."""
        try:
            return self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self, grace=5.0, sig=signal.SIGINT):
        """SIGINT the process group, SIGKILL after grace; returns exit code
        and whether it exited within the grace period."""
        clean = True
        if self.p.poll() is None:
            try:
                os.killpg(self.pid, sig)
            except ProcessLookupError:
                pass
            try:
                self.p.wait(grace)
            except subprocess.TimeoutExpired:
                clean = False
                try:
                    os.killpg(self.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.p.wait(10)
        else:
            # The leader is gone; make sure nothing else of its group lingers.
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self._log.close()
        if self in LIVE_PROCS:
            LIVE_PROCS.remove(self)
        return self.p.returncode, clean

    def log_text(self):
        try:
            return self.log_path.read_text(errors='replace')
        except FileNotFoundError:
            return ''

    def tail(self, n=25):
        return '\n'.join(self.log_text().splitlines()[-n:])


def stop_all_procs(include_servers=True):
    """Stops every Proc still running (clients; servers too unless told)."""
    for p in list(LIVE_PROCS):
        if include_servers or not p.is_server:
            p.stop(grace=3)


# ---------------------------------------------------------------- the server

SANITIZER_RE = re.compile(r'(ERROR: AddressSanitizer|ERROR: LeakSanitizer|'
                          r'runtime error:|ThreadSanitizer|Segmentation fault)')


def base_config(rtsp_port, rtp_port, rtcp_port):
    """Defaults every test starts from: RTSP only, loopback, debug log."""
    return {
        'logLevel': 'debug',
        'logDestinations': ['stdout'],
        'rtspAddress': f'{HOST}:{rtsp_port}',
        'rtpAddress': f'{HOST}:{rtp_port}',
        'rtcpAddress': f'{HOST}:{rtcp_port}',
        'rtspTransports': ['udp', 'tcp'],
        'rtmp': False,
        'hls': False,
        'webrtc': False,
        'srt': False,
        'moq': False,
        'paths': {'all_others': {}},
    }


def addr_port(addr):
    """The port of a listener address such as '127.0.0.1:1935' or ':1935'."""
    if addr is None:
        return None
    return int(str(addr).rsplit(':', 1)[1])


def rtmp_overrides(encryption='no', cert=None, key=None, **more):
    """Config overrides that turn RTMP on, on free loopback ports
    (rtmpAddress, and rtmpsAddress + key/cert with encryption optional or
    strict)."""
    o = {'rtmp': True, 'rtmpAddress': f'{HOST}:{free_port()}',
         'rtmpEncryption': encryption}
    if encryption != 'no':
        o.update({'rtmpsAddress': f'{HOST}:{free_port()}',
                  'rtmpServerKey': str(key), 'rtmpServerCert': str(cert)})
    o.update(more)
    return o


def srt_overrides(**more):
    """Config overrides that turn SRT on, on a free loopback UDP port."""
    o = {'srt': True, 'srtAddress': f'{HOST}:{free_port("udp")}'}
    o.update(more)
    return o


def rtsps_overrides(encryption, cert, key):
    """rtspEncryption optional|strict with a free RTSPS port. The RTSPS
    tests use TCP only (no SRTP client exists, see TESTING.md)."""
    return {'rtspEncryption': encryption,
            'rtspsAddress': f'{HOST}:{free_port()}',
            'rtspServerKey': str(key), 'rtspServerCert': str(cert),
            'rtspTransports': ['tcp'] if encryption == 'strict' else ['udp', 'tcp']}


class Sluice:
    """One Sluice process with its own config and log file.

    overrides are merged into base_config() (a None value removes a key;
    `paths` is replaced, not merged)."""

    def __init__(self, binary, workdir, overrides=None, name='sluice',
                 ready_timeout=10.0):
        self.binary = str(binary)
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.rtsp_port = free_port()
        self.rtp_port, self.rtcp_port = free_udp_pair()
        self.config = deep_merge(base_config(self.rtsp_port, self.rtp_port,
                                             self.rtcp_port), overrides or {})
        self.config_path = self.workdir / f'{name}.yml'
        self.config_path.write_text(to_yaml(self.config) + '\n')
        self.log_path = self.workdir / f'{name}.log'
        self.expect_clean_exit = True
        c = self.config
        rtsp_enc = str(c.get('rtspEncryption', 'no'))
        rtmp_enc = str(c.get('rtmpEncryption', 'no'))
        rtmp_on = c.get('rtmp') is True
        self.rtsps_port = (addr_port(c.get('rtspsAddress'))
                           if rtsp_enc in ('optional', 'strict') else None)
        self.rtmp_port = (addr_port(c.get('rtmpAddress'))
                          if rtmp_on and rtmp_enc != 'strict' else None)
        self.rtmps_port = (addr_port(c.get('rtmpsAddress'))
                           if rtmp_on and rtmp_enc in ('optional', 'strict')
                           else None)
        # The listeners that must accept connections once the server is up
        # (with rtspEncryption: strict the plain RTSP port stays closed).
        ready = [('RTSPS', self.rtsps_port), ('RTMP', self.rtmp_port),
                 ('RTMPS', self.rtmps_port)]
        if rtsp_enc != 'strict' and c.get('rtsp', True) is not False:
            ready.insert(0, ('RTSP', self.rtsp_port))
        self.proc = Proc([self.binary, str(self.config_path)], self.log_path,
                         name=name, is_server=True)
        deadline = time.monotonic() + ready_timeout
        for what, port in ready:
            if port is None:
                continue
            if not wait_tcp_port(port, max(0.5, deadline - time.monotonic()),
                                 self.proc.p):
                rc = self.proc.poll()
                self.proc.stop(grace=2)
                raise AssertionError(
                    f'sluice did not accept {what} on {HOST}:{port} within '
                    f'{ready_timeout}s (exit code {rc})\nconfig:\n'
                    f'{self.config_path.read_text()}\nlog tail:\n'
                    f'{self.proc.tail(40)}')

    @property
    def pid(self):
        return self.proc.pid

    def url(self, path, user=None, password=None):
        cred = ''
        if user is not None:
            cred = f'{user}:{password}@' if password is not None else f'{user}@'
        return f'rtsp://{cred}{HOST}:{self.rtsp_port}/{path}'

    def rtsps_url(self, path, user=None, password=None):
        cred = f'{user}:{password}@' if user is not None else ''
        return f'rtsps://{cred}{HOST}:{self.rtsps_port}/{path}'

    def rtmp_url(self, path, user=None, password=None, tls=False, query=None):
        """rtmp(s)://127.0.0.1:PORT/path[?user=..&pass=..]: RTMP has no
        credentials in the handshake; MediaMTX takes them from the query."""
        q = []
        if user is not None:
            q += [f'user={user}', f'pass={password or ""}']
        if query:
            q.append(query)
        port = self.rtmps_port if tls else self.rtmp_port
        assert port, f'{"RTMPS" if tls else "RTMP"} is not enabled in this config'
        scheme = 'rtmps' if tls else 'rtmp'
        return f'{scheme}://{HOST}:{port}/{path}' + ('?' + '&'.join(q) if q else '')

    def srt_url(self, streamid, **params):
        """srt://127.0.0.1:PORT?streamid=...[&k=v] (ffmpeg and
        srt-live-transmit take the same query keys)."""
        port = addr_port(self.config.get('srtAddress'))
        assert self.config.get('srt') is True and port, 'SRT is not enabled'
        q = [f'streamid={streamid}'] + [f'{k}={v}' for k, v in params.items()]
        return f'srt://{HOST}:{port}?' + '&'.join(q)

    def alive(self):
        return self.proc.alive()

    def log_text(self):
        return self.proc.log_text()

    def wait_log(self, regex, timeout=10.0, start=0):
        """First match of regex (multiline) in the log after offset start."""
        rx = re.compile(regex, re.M)
        deadline = time.monotonic() + timeout
        while True:
            m = rx.search(self.log_text(), start)
            if m:
                return m
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f'no log line matching {regex!r} within {timeout}s; '
                    f'log tail:\n{self.proc.tail(30)}')
            time.sleep(0.05)

    def log_lines_for_conn(self, port):
        """Log lines mentioning the connection from 127.0.0.1:port."""
        tag = f'[conn {HOST}:{port}]'
        return [ln for ln in self.log_text().splitlines() if tag in ln]

    def stop(self, grace=8.0):
        """SIGINT, SIGKILL after grace. Returns (exit code, clean)."""
        rc, clean = self.proc.stop(grace=grace)
        return rc, clean

    def check_exit(self, rc, clean):
        text = self.log_text()
        m = SANITIZER_RE.search(text)
        assert not m, f'sanitizer/crash report in sluice log:\n{self.proc.tail(60)}'
        if self.expect_clean_exit:
            assert clean, ('sluice did not exit within the grace period after '
                           f'SIGINT; log tail:\n{self.proc.tail(30)}')
            assert rc == 0, f'sluice exited with code {rc}; log tail:\n{self.proc.tail(30)}'


# ---------------------------------------------------------------- checksums

def read_framemd5(path):
    """The per-frame hashes of a framemd5 file (last field of each line)."""
    out = []
    try:
        text = Path(path).read_text(errors='replace')
    except FileNotFoundError:
        return out
    for line in text.splitlines():
        if not line.strip() or line.startswith('#'):
            continue
        # stream, dts, pts, duration, size, hash[, side data...]: the
        # packet's hash is the sixth field (side data, e.g. the NTP time
        # ffmpeg attaches after an RTCP sender report, follows it).
        fields = [f.strip() for f in line.split(',')]
        if len(fields) >= 6 and re.fullmatch(r'[0-9a-f]{32}', fields[5]):
            out.append(fields[5])
    return out


def md5seq(src, got, min_frames=10):
    """Checks that the received frames are a contiguous run of the source's.

    src, got: lists of hashes (or framemd5 paths). The source loops (the
    publishers use -stream_loop), the run may start at any source frame, and
    a last received frame that differs is ignored (a reader killed while
    writing it). Returns a one-line summary; raises AssertionError with a
    precise message otherwise."""
    if not isinstance(src, list):
        src = read_framemd5(src)
    if not isinstance(got, list):
        got = read_framemd5(got)
    got = list(got)
    assert src, 'source checksum list is empty'
    if len(got) < min_frames:
        raise AssertionError(f'md5seq: only {len(got)} frames received '
                             f'(need >= {min_frames})')
    try:
        start = src.index(got[0])
    except ValueError:
        raise AssertionError('md5seq: first received frame is not a source '
                             f'frame (hash {got[0]}; {len(got)} frames received)')
    bad = [i for i, h in enumerate(got) if src[(start + i) % len(src)] != h]
    if bad == [len(got) - 1]:
        got, bad = got[:-1], []
    if len(got) < min_frames:
        raise AssertionError(f'md5seq: only {len(got)} complete frames received '
                             f'(need >= {min_frames})')
    if bad:
        first = bad[0]
        raise AssertionError(
            f'md5seq: {len(bad)}/{len(got)} frames differ from the source; first '
            f'at received #{first} (expected source frame '
            f'{(start + first) % len(src)}; source starts matching at {start})')
    return f'{len(got)} frames bit-exact, starting at source frame {start}'


def clip(name):
    return MEDIA_DIR / name


def clip_md5(name):
    return read_framemd5(MEDIA_DIR / f'{name}.framemd5')


# ---------------------------------------------------------------- publishers

def publish_ffmpeg(url, clip_path, transport='tcp', log_dir='.', name='pub',
                   bound=180, loop=True, extra=()):
    """ffmpeg -re [-stream_loop -1] -i CLIP -c copy -f rtsp (until stopped)."""
    argv = ['ffmpeg', '-nostdin', '-hide_banner', '-loglevel', 'warning', '-re']
    if loop:
        argv += ['-stream_loop', '-1']
    argv += ['-i', str(clip_path), '-map', '0', '-c', 'copy', *extra,
             '-f', 'rtsp', '-rtsp_transport', transport, url]
    return Proc(argv, Path(log_dir) / f'{name}.log', name=name, bound=bound)


def publish_gst(url, clip_path, protocols='tcp', log_dir='.', name='gstpub',
                bound=60, codec='h264', tls=False):
    """GStreamer rtspclientsink (ANNOUNCEs audio first; AAC as MP4A-LATM).
    It cannot loop: use the *_long.mp4 clips (20 s). tls: rtsps:// URL,
    certificate not validated."""
    parse = 'h264parse' if codec == 'h264' else 'h265parse'
    tlsopt = ' tls-validation-flags=0' if tls else ''
    pipe = (f'filesrc location={clip_path} ! qtdemux name=d '
            f'd.video_0 ! queue ! {parse} ! rtspclientsink name=s '
            f'location={url} protocols={protocols} latency=100{tlsopt} '
            f'd.audio_0 ! queue ! aacparse ! s.')
    argv = ['gst-launch-1.0', '-e'] + pipe.split()
    return Proc(argv, Path(log_dir) / f'{name}.log', name=name, bound=bound)


# ---------------------------------------------------------------- readers

class Frames(list):
    """Hashes of the decoded frames a reader got, plus how it ended."""
    rc = None
    log = ''


# Drops decoded frames until the first keyframe. A reader joining mid-GOP
# gets P-frames whose references it never saw: the H.264 decoder withholds
# them, but the HEVC decoder outputs them concealed, which no source frame
# matches. Register 0 counts keyframes seen so far.
FROM_FIRST_KEY = "select='gt(st(0,ld(0)+key),0)'"

# Output options for hashing decoded frames. -fps_mode passthrough: hash
# every decoded frame exactly once. The default (vfr for framemd5) drops a
# frame whose jittered RTP timestamp rounds onto its predecessor's, which
# looks like a lost frame.
HASH_OPTS = ['-vf', FROM_FIRST_KEY, '-fps_mode', 'passthrough']


def ffmpeg_reader_argv(url, transport, frames, out, extra_in=()):
    """transport: 'tcp'/'udp' for RTSP(S); None for other protocols."""
    tr = ['-rtsp_transport', transport] if transport else []
    return ['ffmpeg', '-nostdin', '-hide_banner', '-loglevel', 'warning',
            *tr, *extra_in, '-i', url,
            '-map', '0:v:0', *HASH_OPTS, '-frames:v', str(frames),
            '-flush_packets', '1', '-f', 'framemd5', str(out)]


class FfmpegReader:
    """An ffmpeg reader running in the background, writing framemd5 as it
    goes (so a test can count frames while it runs)."""

    def __init__(self, url, transport, frames, log_dir, name='reader',
                 bound=None, extra_in=()):
        self.out = Path(log_dir) / f'{name}.framemd5'
        bound = bound or frames / FPS + 20
        self.proc = Proc(ffmpeg_reader_argv(url, transport, frames, self.out,
                                            extra_in),
                         Path(log_dir) / f'{name}.log', name=name, bound=bound)

    def count(self):
        return len(read_framemd5(self.out))

    def finish(self, timeout):
        rc = self.proc.wait(timeout)
        if rc is None:
            rc, _ = self.proc.stop(grace=3)
        else:
            self.proc.stop()
        f = Frames(read_framemd5(self.out))
        f.rc = rc
        f.log = self.proc.tail(20)
        return f


def reader_ffmpeg(url, transport='tcp', frames=75, log_dir='.', name='reader',
                  timeout=None, extra_in=()):
    """Reads `frames` video frames with ffmpeg; returns their hashes."""
    timeout = timeout or frames / FPS + 15
    r = FfmpegReader(url, transport, frames, log_dir, name, bound=timeout,
                     extra_in=extra_in)
    return r.finish(timeout + 5)


def reader_gst(url, protocols='tcp', secs=6, log_dir='.', name='gstreader',
               codec='h264', tls=False):
    """Reads for `secs` with GStreamer rtspsrc, writes the video elementary
    stream, then hashes its decoded frames with ffmpeg. tls: rtsps:// URL,
    certificate not validated."""
    es = Path(log_dir) / f'{name}.{codec}'
    depay, parse = (('rtph264depay', 'h264parse') if codec == 'h264'
                    else ('rtph265depay', 'h265parse'))
    caps = f'video/x-{codec},stream-format=byte-stream'
    tlsopt = ' tls-validation-flags=0' if tls else ''
    pipe = (f'rtspsrc location={url} protocols={protocols} latency=200 '
            f'name=s{tlsopt} '
            f's. ! {depay} ! {parse} ! {caps} ! filesink location={es} '
            f's. ! fakesink')
    return _run_gst_then_hash(pipe, es, secs, log_dir, name)


def _run_gst_then_hash(pipe, es, secs, log_dir, name, fmt=None):
    """Runs a gst-launch pipeline that writes `es` for `secs` seconds, then
    hashes the decoded frames of `es` (demuxer `fmt`, or probed)."""
    p = Proc(['gst-launch-1.0', '-e'] + pipe.split(),
             Path(log_dir) / f'{name}.log', name=name, bound=secs)
    rc = p.wait(secs + 8)
    if rc is None:
        rc, _ = p.stop(grace=3)
    else:
        p.stop()
    f = hash_file(es, log_dir, name, fmt=fmt)
    f.rc = rc
    f.log = p.tail(20)
    return f


def hash_file(path, log_dir, name, fmt=None):
    """Frames of a received file (ES, FLV, ...): its decoded video frames'
    MD5s, from the first keyframe on."""
    out = Path(log_dir) / f'{name}.framemd5'
    dem = ['-f', fmt] if fmt else []
    h = Proc(['ffmpeg', '-nostdin', '-hide_banner', '-loglevel', 'error',
              *dem, '-i', str(path), '-map', '0:v:0', *HASH_OPTS,
              '-f', 'framemd5', str(out)],
             Path(log_dir) / f'{name}.hash.log', name=name + '-hash', bound=60)
    h.wait(65)
    h.stop()
    f = Frames(read_framemd5(out))
    f.log = h.tail(10)
    return f


# ---------------------------------------------------------------- raw RTSP

class RtspResponse:
    def __init__(self, status, reason, headers, body):
        self.status = status
        self.reason = reason
        self.headers = headers  # list of (name, value)
        self.body = body

    def header(self, name, default=None):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return default

    def headers_named(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def __repr__(self):
        hs = ''.join(f'\n  {k}: {v}' for k, v in self.headers)
        return f'<RTSP {self.status} {self.reason}{hs}>'


class ConnClosed(Exception):
    pass


class RtspClient:
    """A minimal RTSP/1.0 client on a raw socket, for wire-level checks.
    Interleaved `$` frames met while waiting for a response are counted and
    skipped."""

    def __init__(self, port, host=HOST, timeout=5.0, rcvbuf=None, tls=False):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf is not None:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(timeout)
        self.sock.connect((host, port))
        if tls:  # RTSPS: TLS from the first byte, certificate not checked
            import ssl
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            self.sock = ctx.wrap_socket(self.sock, server_hostname='localhost')
        self.local_port = self.sock.getsockname()[1]
        self.buf = b''
        self.cseq = 0
        self.session = None
        self.interleaved = 0
        self.auth = None  # callable(method, url) -> header value

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def send_raw(self, data):
        self.sock.sendall(data)

    def _fill(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise socket.timeout('timed out waiting for data')
        self.sock.settimeout(left)
        d = self.sock.recv(65536)
        if not d:
            raise ConnClosed('connection closed by server')
        self.buf += d

    def read_response(self, timeout=5.0):
        deadline = time.monotonic() + timeout
        while True:
            if self.buf[:1] == b'$':
                if len(self.buf) < 4:
                    self._fill(deadline)
                    continue
                n = int.from_bytes(self.buf[2:4], 'big')
                if len(self.buf) < 4 + n:
                    self._fill(deadline)
                    continue
                self.buf = self.buf[4 + n:]
                self.interleaved += 1
                continue
            end = self.buf.find(b'\r\n\r\n')
            if end < 0:
                self._fill(deadline)
                continue
            head = self.buf[:end].decode('latin-1')
            lines = head.split('\r\n')
            m = re.match(r'RTSP/1\.0 (\d{3}) ?(.*)', lines[0])
            if not m:
                raise AssertionError(f'not an RTSP response: {lines[0]!r}')
            headers = []
            for ln in lines[1:]:
                if ':' in ln:
                    k, v = ln.split(':', 1)
                    headers.append((k.strip(), v.strip()))
            clen = 0
            for k, v in headers:
                if k.lower() == 'content-length':
                    clen = int(v)
            while len(self.buf) < end + 4 + clen:
                self._fill(deadline)
            body = self.buf[end + 4:end + 4 + clen]
            self.buf = self.buf[end + 4 + clen:]
            return RtspResponse(int(m.group(1)), m.group(2), headers, body)

    def request(self, method, url, headers=None, body=b'', timeout=5.0):
        self.cseq += 1
        hs = [('CSeq', str(self.cseq)), ('User-Agent', 'sluice-e2e')]
        if self.session and method not in ('OPTIONS', 'DESCRIBE', 'ANNOUNCE'):
            hs.append(('Session', self.session))
        if self.auth is not None:
            hs.append(('Authorization', self.auth(method, url)))
        hs += list((headers or {}).items())
        if body:
            hs.append(('Content-Length', str(len(body))))
        msg = f'{method} {url} RTSP/1.0\r\n'
        msg += ''.join(f'{k}: {v}\r\n' for k, v in hs) + '\r\n'
        self.send_raw(msg.encode('latin-1') + body)
        res = self.read_response(timeout)
        sess = res.header('Session')
        if sess and not self.session:
            self.session = sess.split(';')[0].strip()
        return res

    def play_tcp(self, url, timeout=5.0):
        """DESCRIBE, SETUP every track (TCP interleaved), PLAY.
        Returns (describe, [setup...], play) responses."""
        d = self.request('DESCRIBE', url, {'Accept': 'application/sdp'},
                         timeout=timeout)
        assert d.status == 200, f'DESCRIBE {url}: {d!r}'
        base = d.header('Content-Base') or (url + '/')
        setups = []
        for k, ctl in enumerate(sdp_controls(d.body.decode('latin-1'))):
            turl = control_url(base, ctl)
            s = self.request('SETUP', turl, {
                'Transport': f'RTP/AVP/TCP;unicast;interleaved={2 * k}-{2 * k + 1}'},
                timeout=timeout)
            assert s.status == 200, f'SETUP {turl}: {s!r}'
            setups.append(s)
        assert setups, f'no a=control in SDP:\n{d.body.decode("latin-1")}'
        p = self.request('PLAY', url, {'Range': 'npt=0.000-'}, timeout=timeout)
        return d, setups, p

    def drain_until_closed(self, timeout):
        """Reads and discards until EOF/RST. Returns (closed, bytes_read)."""
        deadline = time.monotonic() + timeout
        n = len(self.buf)
        self.buf = b''
        while time.monotonic() < deadline:
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                d = self.sock.recv(1 << 20)
            except socket.timeout:
                break
            except (ConnectionResetError, BrokenPipeError):
                return True, n
            except OSError:
                return True, n
            if not d:
                return True, n
            n += len(d)
        return False, n


def sdp_controls(sdp):
    """a=control values of each m= section, in order."""
    out = []
    for sec in re.split(r'\r?\nm=', '\n' + sdp)[1:]:
        m = re.search(r'^a=control:(\S+)', sec, re.M)
        if m:
            out.append(m.group(1))
    return out


def control_url(base, ctl):
    if ctl.startswith('rtsp://') or ctl.startswith('rtsps://'):
        return ctl
    if ctl == '*':
        return base.rstrip('/')
    return base + ('' if base.endswith('/') else '/') + ctl


def basic_auth(user, password):
    tok = base64.b64encode(f'{user}:{password}'.encode()).decode()
    return lambda method, url: f'Basic {tok}'


def parse_auth_params(value):
    """Parameters of a WWW-Authenticate value (after the scheme)."""
    return dict((k.lower(), v1 if v1 else v2) for k, v1, v2 in
                re.findall(r'(\w+)=(?:"([^"]*)"|([^,\s]*))', value))


def digest_auth(user, password, realm, nonce):
    def header(method, url):
        ha1 = hashlib.md5(f'{user}:{realm}:{password}'.encode()).hexdigest()
        ha2 = hashlib.md5(f'{method}:{url}'.encode()).hexdigest()
        resp = hashlib.md5(f'{ha1}:{nonce}:{ha2}'.encode()).hexdigest()
        return (f'Digest username="{user}", realm="{realm}", nonce="{nonce}", '
                f'uri="{url}", response="{resp}"')
    return header


def describe(port, path, auth=None, timeout=5.0, tls=False):
    c = RtspClient(port, timeout=timeout, tls=tls)
    scheme = 'rtsps' if tls else 'rtsp'
    try:
        c.auth = auth
        return c.request('DESCRIBE', f'{scheme}://{HOST}:{port}/{path}',
                         {'Accept': 'application/sdp'}, timeout=timeout)
    finally:
        c.close()


def wait_stream(port, path, timeout=15.0, auth=None, publisher=None,
                tls=False):
    """Polls DESCRIBE until the path has a stream (200)."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        if publisher is not None and not publisher.alive():
            raise AssertionError(f'publisher exited (code {publisher.poll()}) '
                                 f'before the stream appeared:\n{publisher.tail()}')
        try:
            last = describe(port, path, auth=auth, timeout=2.0, tls=tls)
            if last.status == 200:
                return last
        except (OSError, ConnClosed) as e:
            last = e
        time.sleep(0.2)
    extra = f'\npublisher log:\n{publisher.tail()}' if publisher else ''
    raise AssertionError(f'no stream on /{path} within {timeout}s '
                         f'(last DESCRIBE: {last!r}){extra}')


# ---------------------------------------------------------------- RTMP clients
#
# Recipes from TESTING.md's RTMP section; each was checked against
# nginx-rtmp as a stand-in origin (test_rtmp_harness.py does it again).

ERTMP_CLIENT = Path(__file__).resolve().parent / 'ertmp_client.py'


def publish_rtmp_ffmpeg(url, clip_path, log_dir='.', name='rtmppub',
                        bound=180, loop=True, extra=()):
    """ffmpeg -re [-stream_loop -1] -i CLIP -c copy -f flv rtmp(s)://...
    (H.264 + AAC or MP3; ffmpeg 5.1's FLV muxer has no Enhanced RTMP)."""
    argv = ['ffmpeg', '-nostdin', '-hide_banner', '-loglevel', 'warning', '-re']
    if loop:
        argv += ['-stream_loop', '-1']
    argv += ['-i', str(clip_path), '-map', '0', '-c', 'copy', *extra,
             '-f', 'flv', url]
    return Proc(argv, Path(log_dir) / f'{name}.log', name=name, bound=bound)


def publish_rtmp_gst(url, clip_path, log_dir='.', name='gstrtmppub', bound=60,
                     tls=False):
    """GStreamer flvmux ! rtmp2sink from an MP4 (H.264 + AAC). filesrc cannot
    loop: use the *_long.mp4 clips (20 s)."""
    tlsopt = ' tls-validation-flags=0' if tls else ''
    pipe = (f'filesrc location={clip_path} ! qtdemux name=d '
            f'd.video_0 ! queue ! h264parse ! flvmux name=m streamable=true ! '
            f'rtmp2sink location={url} sync=true{tlsopt} '
            f'd.audio_0 ! queue ! aacparse ! m.')
    return Proc(['gst-launch-1.0', '-e'] + pipe.split(),
                Path(log_dir) / f'{name}.log', name=name, bound=bound)


def reader_rtmp_ffmpeg(url, frames=75, log_dir='.', name='rtmpreader',
                       timeout=None):
    """ffmpeg reading rtmp(s)://; returns Frames."""
    return reader_ffmpeg(url, None, frames, log_dir, name, timeout=timeout)


def reader_rtmp_gst(url, secs=7, log_dir='.', name='gstrtmpreader', tls=False):
    """GStreamer rtmp2src ! flvdemux for `secs`, video ES hashed after."""
    es = Path(log_dir) / f'{name}.h264'
    tlsopt = ' tls-validation-flags=0' if tls else ''
    pipe = (f'rtmp2src location={url}{tlsopt} ! flvdemux name=d '
            f'd.video ! queue ! h264parse ! video/x-h264,stream-format=byte-stream ! '
            f'filesink location={es} d.audio ! queue ! fakesink')
    return _run_gst_then_hash(pipe, es, secs, log_dir, name)


def reader_rtmpdump(url, secs=5, log_dir='.', name='rtmpdump'):
    """librtmp: rtmpdump --live -o got.flv for SECS seconds of wall time
    (then SIGINT, on which it closes the file cleanly), then the FLV's
    frames. Its own --stop does not end a live stream that has no duration
    in onMetaData, so the wall-clock bound is what stops it."""
    flv = Path(log_dir) / f'{name}.flv'
    p = Proc(['rtmpdump', '-q', '--live', '-r', url, '-m', '10',
              '-o', str(flv)],
             Path(log_dir) / f'{name}.log', name=name, bound=secs)
    rc = p.wait(secs + 8)
    if rc is None:
        rc, _ = p.stop(grace=3)
    else:
        p.stop()
    f = hash_file(flv, log_dir, name, fmt='flv')
    f.rc = rc
    f.log = p.tail(20)
    return f


def reader_ertmp(url, log_dir='.', name='ertmp', frames=75, secs=12,
                 fourcc=('hvc1', 'av01', 'vp09', 'Opus'), fmt='hevc'):
    """tests/e2e/ertmp_client.py as the reader: Frames of the video it wrote
    (Annex-B, demuxer `fmt`), with .report = its JSON report."""
    out = Path(log_dir) / f'{name}.{fmt}'
    argv = ['/usr/bin/python3', str(ERTMP_CLIENT), url, str(out),
            '--frames', str(frames), '--secs', str(secs)]
    argv += ['--fourcc', ','.join(fourcc)] if fourcc else ['--no-fourcc']
    p = Proc(argv, Path(log_dir) / f'{name}.log', name=name, bound=secs + 15)
    rc = p.wait(secs + 20)
    if rc is None:
        rc, _ = p.stop(grace=3)
    else:
        p.stop()
    report = {}
    for line in p.log_text().splitlines():
        if line.startswith('{'):
            try:
                report = json.loads(line)
            except ValueError:
                pass
    f = hash_file(out, log_dir, name, fmt=fmt) if out.exists() and \
        out.stat().st_size else Frames()
    f.rc = rc
    f.log = p.tail(20)
    f.report = report
    return f


def hevc_annexb(clip_name, log_dir):
    """The clip's H.265 video as an Annex-B file (input of publish-hevc)."""
    out = Path(log_dir) / (Path(clip_name).stem + '.h265')
    r = subprocess.run(['ffmpeg', '-nostdin', '-hide_banner', '-loglevel',
                        'error', '-y', '-i', str(clip(clip_name)), '-map', '0:v',
                        '-c', 'copy', '-bsf:v', 'hevc_mp4toannexb', '-f', 'hevc',
                        str(out)], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=60)
    assert r.returncode == 0, r.stdout.decode(errors='replace')
    return out


def publish_ertmp_hevc(url, es_path, log_dir='.', name='ertmppub', loops=6):
    """ertmp_client.py publish-hevc: H.265 as Enhanced RTMP, real time,
    `loops` times the 5 s clip."""
    return Proc(['/usr/bin/python3', str(ERTMP_CLIENT), 'publish-hevc', url,
                 str(es_path), '--loops', str(loops)],
                Path(log_dir) / f'{name}.log', name=name, bound=loops * 5 + 20)


def check_frames(src_clip, got, min_frames, what, *procs):
    """md5seq with the reader's and other processes' log tails on failure."""
    try:
        return md5seq(clip_md5(src_clip), got, min_frames)
    except AssertionError as e:
        more = ''.join(f'\n--- {p.name} log:\n{p.tail(20)}' for p in procs
                       if p is not None)
        raise AssertionError(f'{what}: {e}\nreader exit {got.rc}, log:\n'
                             f'{got.log}{more}') from None


def audio_md5s(path, log_dir, name='srcaudio', transport=None, packets=None,
               timeout=30):
    """MD5 of each audio access unit (`ffmpeg -map 0:a:0 -c copy -f
    framemd5`) of a file, or of a live URL (then bounded by `packets`).
    For AAC/MP3 over RTMP, RTSP and FLV these are the codec's frames 1:1
    (not for MPEG-TS, whose PES packs several)."""
    out = Path(log_dir) / f'{name}.audio.framemd5'
    tr = ['-rtsp_transport', transport] if transport else []
    lim = ['-frames:a', str(packets)] if packets else []
    p = Proc(['ffmpeg', '-nostdin', '-hide_banner', '-loglevel', 'error', *tr,
              '-i', str(path), '-map', '0:a:0', '-c', 'copy', *lim,
              '-flush_packets', '1', '-f', 'framemd5', str(out)],
             Path(log_dir) / f'{name}.audio.log', name=name + '-audio',
             bound=timeout)
    rc = p.wait(timeout + 5)
    p.stop()
    f = Frames(read_framemd5(out))
    f.rc = rc
    f.log = p.tail(10)
    return f


def check_audio_run(src, got, min_units):
    """Audio access units received = the source's, in order. The run may
    start anywhere and wrap where the publisher loops (the only place a jump
    is allowed: TESTING.md notes AUs are not 1:1 across a -stream_loop wrap);
    the first and last received units may be partial and are ignored."""
    src, got = list(src), list(got)[1:-1]
    assert src, 'source audio checksum list is empty'
    if len(got) < min_units:
        raise AssertionError(f'audio: only {len(got)} access units received '
                             f'(need >= {min_units})')
    pos = {}
    for i, h in enumerate(src):
        pos.setdefault(h, i)
    prev = None
    for k, h in enumerate(got):
        if h not in pos:
            raise AssertionError(f'audio: received unit #{k} is not a source '
                                 f'access unit ({len(got)} received)')
        i = pos[h]
        if prev is not None and i != (prev + 1) % len(src):
            wrap = prev >= len(src) - 3 and i <= 3
            if not wrap:
                raise AssertionError(
                    f'audio: discontinuity at received unit #{k}: source unit '
                    f'{prev} followed by {i} (lost or reordered audio)')
        prev = i
    return f'{len(got)} audio access units in source order'


def wait_rtsp_stream(srv, path, publisher, timeout=15.0):
    """wait_stream on the server's RTSP port (works whatever protocol the
    publisher uses, as long as plain RTSP is on)."""
    return wait_stream(srv.rtsp_port, path, timeout=timeout,
                       publisher=publisher)


# ---------------------------------------------------------------- TLS

def make_cert(directory, name='server', cn='localhost'):
    """A self-signed RSA-2048 certificate for localhost/127.0.0.1:
    returns (cert path, key path)."""
    d = Path(directory)
    cert, key = d / f'{name}.crt', d / f'{name}.key'
    r = subprocess.run(
        ['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes',
         '-keyout', str(key), '-out', str(cert), '-days', '2',
         '-subj', f'/CN={cn}',
         '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    assert r.returncode == 0, r.stdout.decode(errors='replace')
    return cert, key


def cert_fingerprint_file(cert):
    """SHA-256 fingerprint (openssl's format) of a PEM certificate file."""
    r = subprocess.run(['openssl', 'x509', '-in', str(cert), '-noout',
                        '-fingerprint', '-sha256'],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=20)
    return r.stdout.decode().strip().split('=', 1)[-1]


def cert_fingerprint_served(port):
    """SHA-256 fingerprint of the certificate a TLS listener presents to a
    new connection (openssl s_client | openssl x509), or '' if none."""
    sh = (f'openssl s_client -connect {HOST}:{port} -servername localhost '
          f'</dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256')
    r = subprocess.run(['timeout', '15', 'sh', '-c', sh],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=30)
    out = r.stdout.decode().strip()
    return out.split('=', 1)[-1] if 'Fingerprint' in out else ''


def tcp_refused(port, timeout=2.0):
    """True if nothing listens on 127.0.0.1:port."""
    try:
        with socket.create_connection((HOST, port), timeout=timeout):
            return False
    except ConnectionRefusedError:
        return True
    except OSError:
        return False


# ---------------------------------------------------------------- nginx-rtmp

class NginxRtmp:
    """nginx + libnginx-mod-rtmp as a stand-in RTMP origin (for checking the
    client recipes without Sluice): applications `apps`, 1 worker,
    chunk_size 4096, on a free loopback port; optional socat TLS front
    (RTMPS) with a self-signed certificate."""

    MODULE = '/usr/lib/nginx/modules/ngx_rtmp_module.so'

    def __init__(self, workdir, apps=('live',), tls=False):
        self.dir = Path(workdir)
        (self.dir / 'logs').mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        conf = self.dir / 'nginx.conf'
        appconf = ''.join(f'    application {a} {{ live on; record off; }}\n'
                          for a in apps)
        conf.write_text(
            f'load_module {self.MODULE};\n'
            'daemon off;\nmaster_process off;\nworker_processes 1;\n'
            f'error_log {self.dir}/logs/error.log warn;\n'
            f'pid {self.dir}/nginx.pid;\n'
            'events { worker_connections 1024; }\n'
            'rtmp {\n  server {\n'
            f'    listen {HOST}:{self.port};\n    chunk_size 4096;\n'
            f'{appconf}  }}\n}}\n')
        self.proc = Proc(['nginx', '-c', str(conf), '-p', str(self.dir)],
                         self.dir / 'nginx.log', name='nginx', is_server=True)
        assert wait_tcp_port(self.port, 10, self.proc.p), \
            f'nginx-rtmp did not start:\n{self.proc.tail()}'
        self.tls_port = None
        self.socat = None
        if tls:
            cert, key = make_cert(self.dir, 'front')
            both = self.dir / 'front.pem'
            both.write_bytes(cert.read_bytes() + key.read_bytes())
            self.tls_port = free_port()
            self.socat = Proc(
                ['socat', f'OPENSSL-LISTEN:{self.tls_port},bind={HOST},'
                 f'reuseaddr,fork,cert={both},verify=0',
                 f'TCP:{HOST}:{self.port}'],
                self.dir / 'socat.log', name='socat', is_server=True)
            assert wait_tcp_port(self.tls_port, 10, self.socat.p), \
                self.socat.tail()

    def url(self, path, tls=False):
        if tls:
            return f'rtmps://{HOST}:{self.tls_port}/{path}'
        return f'rtmp://{HOST}:{self.port}/{path}'

    def stop(self):
        for p in (self.socat, self.proc):
            if p is not None:
                p.stop(grace=3)


# ---------------------------------------------------------------- SRT

def publish_srt_ffmpeg(url, clip_path, log_dir='.', name='srtpub', bound=180,
                       loop=True, extra=()):
    """ffmpeg -re [-stream_loop -1] -i CLIP -c copy -f mpegts srt://...
    (pkt_size=1316, as MediaMTX asks of clients)."""
    argv = ['ffmpeg', '-nostdin', '-hide_banner', '-loglevel', 'warning', '-re']
    if loop:
        argv += ['-stream_loop', '-1']
    argv += ['-i', str(clip_path), '-map', '0', '-c', 'copy', *extra,
             '-f', 'mpegts', url + '&pkt_size=1316']
    return Proc(argv, Path(log_dir) / f'{name}.log', name=name, bound=bound)


def reader_srt_ffmpeg(url, frames=75, log_dir='.', name='srtreader',
                      timeout=None):
    """ffmpeg reading srt://; returns Frames."""
    return reader_ffmpeg(url, None, frames, log_dir, name, timeout=timeout)


def wait_log_line(srv, text, timeout=15.0, proc=None):
    """Waits until text appears in the server's log (publisher ready)."""
    deadline = time.monotonic() + timeout
    while text not in srv.log_text():
        assert time.monotonic() < deadline, \
            f'no "{text}" in the server log' + \
            (f'; {proc.name}: {proc.tail()}' if proc is not None else '')
        if proc is not None:
            assert proc.alive(), proc.tail()
        time.sleep(0.1)
