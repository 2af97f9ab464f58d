#!/usr/bin/python3
"""RTSP fan-out benchmark: Sluice side by side with GStreamer's RTSP server.

One 4 Mbit/s 720p25 H.264 + AAC stream is published to each server; for each
N in --ns, N light readers (bench/live_load.c, RTSP over TCP interleaved)
attach; after a settle time the harness measures over a window:

  server CPU       utime+stime of the server's process tree (/proc/PID/stat)
  RSS              max of the tree's resident memory, sampled every second
  bytes delivered  from the readers' own counters (snapshots on SIGUSR1)
  => CPU-seconds per GB delivered (total and marginal over N=0),
     RSS per reader ((RSS(N) - RSS(0)) / N), time to first frame p50/p99
     (connect -> first IDR, all N readers joining at once)

Sluice runs twice, with rtspGOPCache true and false. GStreamer gets the
stream as MPEG-TS over UDP (its shared media re-payloads it) and keeps one
permanent anchor reader (its shared media cannot be prepared again once the
last client leaves), which is part of its N=0 baseline.

Results: a table and Sluice/GStreamer ratios on stdout, JSON in
bench/results/rtsp-<date>.json. Everything runs on 127.0.0.1; every process
is started in its own session and stopped by its process-group id.

usage: /usr/bin/python3 bench/run.py [--quick] [--ns 1,50,200,500]
       [--servers sluice,gst] [--gop both|on|off] [--window S] ...
"""

import argparse
import datetime
import json
import os
import platform
import queue
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / '.cache'
RESULTS = HERE / 'results'
HOST = '127.0.0.1'
TCK = os.sysconf('SC_CLK_TCK')
PAGE = os.sysconf('SC_PAGE_SIZE')

STARTED = []


# ------------------------------------------------------------- processes

class Proc:
    def __init__(self, argv, log, stdout_pipe=False):
        self.argv = argv
        self.logf = open(log, 'wb')
        self.p = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE if stdout_pipe else self.logf,
            stderr=self.logf, start_new_session=True)
        self.pid = self.p.pid
        self.lines = queue.Queue()
        if stdout_pipe:
            threading.Thread(target=self._pump, daemon=True).start()
        STARTED.append(self)

    def _pump(self):
        for line in self.p.stdout:
            self.lines.put(line.decode(errors='replace').strip())
        self.lines.put(None)

    def next_json(self, timeout, event=None):
        """Next JSON line from stdout (optionally of a given event)."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                return None
            if line is None:
                return None
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            if event is None or obj.get('event') == event:
                return obj

    def signal(self, sig):
        try:
            os.kill(self.pid, sig)
        except ProcessLookupError:
            pass

    def alive(self):
        return self.p.poll() is None

    def stop(self, grace=5.0):
        if self.p.poll() is None:
            try:
                os.killpg(self.pid, signal.SIGINT)
            except ProcessLookupError:
                pass
            try:
                self.p.wait(grace)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.p.wait(10)
        self.logf.close()
        if self in STARTED:
            STARTED.remove(self)
        return self.p.returncode


def stop_all():
    for p in reversed(list(STARTED)):
        p.stop(grace=3)


def free_port(kind='tcp'):
    t = socket.SOCK_STREAM if kind == 'tcp' else socket.SOCK_DGRAM
    with socket.socket(socket.AF_INET, t) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def free_udp_pair():
    for _ in range(200):
        p = free_port('udp')
        p += p % 2
        try:
            a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                a.bind((HOST, p))
                b.bind((HOST, p + 1))
                return p, p + 1
            finally:
                a.close()
                b.close()
        except OSError:
            continue
    raise RuntimeError('no free UDP port pair')


def wait_port(port, timeout, proc):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not proc.alive():
            return False
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def describe_status(port, path):
    """Status code of an RTSP DESCRIBE (0 if no answer)."""
    try:
        with socket.create_connection((HOST, port), timeout=2) as s:
            s.sendall(f'DESCRIBE rtsp://{HOST}:{port}/{path} RTSP/1.0\r\n'
                      'CSeq: 1\r\nAccept: application/sdp\r\n\r\n'.encode())
            data = b''
            while b'\r\n' not in data:
                d = s.recv(4096)
                if not d:
                    break
                data += d
            parts = data.split(b' ', 2)
            return int(parts[1]) if len(parts) > 1 else 0
    except (OSError, ValueError):
        return 0


def wait_stream(port, path, timeout, proc):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not proc.alive():
            return False
        if describe_status(port, path) == 200:
            return True
        time.sleep(0.25)
    return False


# ------------------------------------------------------------- /proc

def proc_tree(root):
    kids = {}
    for d in os.listdir('/proc'):
        if not d.isdigit():
            continue
        try:
            with open(f'/proc/{d}/stat') as f:
                s = f.read()
            ppid = int(s[s.rindex(')') + 2:].split()[1])
            kids.setdefault(ppid, []).append(int(d))
        except (OSError, ValueError, IndexError):
            pass
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def cpu_seconds(pids):
    total = 0.0
    for pid in pids:
        try:
            with open(f'/proc/{pid}/stat') as f:
                s = f.read()
            fields = s[s.rindex(')') + 2:].split()
            total += (int(fields[11]) + int(fields[12])) / TCK
        except (OSError, ValueError, IndexError):
            pass
    return total


def rss_kb(pids):
    total = 0
    for pid in pids:
        try:
            with open(f'/proc/{pid}/statm') as f:
                total += int(f.read().split()[1]) * PAGE // 1024
        except (OSError, ValueError, IndexError):
            pass
    return total


def system_busy():
    with open('/proc/stat') as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return sum(v) - v[3] - v[4], sum(v)


# ------------------------------------------------------------- media

def ensure_clip(duration):
    """4 Mbit/s CBR 1280x720p25 H.264 main (IDR every 2 s) + AAC, as MP4
    (RTSP publishing) and MPEG-TS (UDP ingest of the GStreamer peer)."""
    CACHE.mkdir(exist_ok=True)
    mp4 = CACHE / f'clip_4m_720p_{duration}s.mp4'
    ts = mp4.with_suffix('.ts')
    if not mp4.exists():
        tmp = mp4.with_suffix('.tmp.mp4')
        print(f'generating {mp4.name} (once)...', flush=True)
        subprocess.run([
            'ffmpeg', '-nostdin', '-hide_banner', '-loglevel', 'error', '-y',
            '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=25,noise=alls=12:allf=t',
            '-f', 'lavfi', '-i', 'sine=frequency=1000:sample_rate=48000',
            '-t', str(duration), '-c:v', 'libx264', '-preset', 'veryfast',
            '-profile:v', 'main', '-pix_fmt', 'yuv420p', '-b:v', '4000k',
            '-maxrate', '4000k', '-bufsize', '4000k', '-x264-params',
            'keyint=50:min-keyint=50:scenecut=0:nal-hrd=cbr',
            '-c:a', 'aac', '-b:a', '128k', '-ac', '2', '-movflags', '+faststart',
            str(tmp)], check=True, timeout=900)
        tmp.rename(mp4)
    if not ts.exists():
        subprocess.run([
            'ffmpeg', '-nostdin', '-hide_banner', '-loglevel', 'error', '-y',
            '-i', str(mp4), '-c', 'copy', '-bsf:v',
            'h264_mp4toannexb,dump_extra=freq=keyframe', '-f', 'mpegts',
            str(ts)], check=True, timeout=300)
    return mp4, ts


def build_live_load():
    CACHE.mkdir(exist_ok=True)
    srcs = [HERE / 'live_load.c', HERE / 'live_load_rtmp.c']
    deps = srcs + [HERE / 'live_load.h']
    exe = CACHE / 'live_load'
    if (not exe.exists()
            or exe.stat().st_mtime < max(d.stat().st_mtime for d in deps)):
        subprocess.run(['cc', '-O2', '-Wall', '-Wno-format-truncation',
                        '-o', str(exe)] + [str(s) for s in srcs], check=True)
    return exe


# ------------------------------------------------------------- servers

def sluice_config(port, rtp, rtcp, gop, workers, rtmp_port=None):
    """Sluice's bench config: RTSP (rtspGOPCache = gop), and RTMP on
    rtmp_port when given (rtmpGOPCache keeps its default, on)."""
    cfg = [
        'logLevel: warn',
        'logDestinations: [stdout]',
        f'rtspAddress: "{HOST}:{port}"',
        f'rtpAddress: "{HOST}:{rtp}"',
        f'rtcpAddress: "{HOST}:{rtcp}"',
        'rtspTransports: [udp, tcp]',
        'rtmp: true' if rtmp_port else 'rtmp: false',
        'hls: false',
        'webrtc: false',
        'srt: false',
        'moq: false',
        f'rtspGOPCache: {"true" if gop else "false"}',
    ]
    if rtmp_port:
        cfg.append(f'rtmpAddress: "{HOST}:{rtmp_port}"')
    if workers:
        cfg.append(f'workers: {workers}')
    cfg.append('paths:\n  all_others: {}')
    return '\n'.join(cfg) + '\n'


class Target:
    """A server under test with its publisher (and anchor, for gst)."""

    def __init__(self, name, kind, a, workdir, clip_mp4, clip_ts, live_load,
                 gop=None):
        self.name, self.kind, self.a = name, kind, a
        self.workdir = workdir
        self.port = free_port()
        self.path = 'bench' if kind == 'sluice' else 'live'
        self.server = self.publisher = self.anchor = None
        log = workdir / f'{name}'
        if kind == 'sluice':
            rtp, rtcp = free_udp_pair()
            conf = workdir / f'{name}.yml'
            conf.write_text(sluice_config(self.port, rtp, rtcp, gop,
                                          a.sluice_workers))
            self.server = Proc([a.sluice_bin, str(conf)], f'{log}.server.log')
            if not wait_port(self.port, 10, self.server):
                raise RuntimeError(f'{name}: sluice did not listen (see {log}.server.log)')
            self.publisher = Proc([
                'ffmpeg', '-nostdin', '-hide_banner', '-loglevel', 'error', '-re',
                '-stream_loop', '-1', '-i', str(clip_mp4), '-c', 'copy',
                '-f', 'rtsp', '-rtsp_transport', 'tcp',
                f'rtsp://{HOST}:{self.port}/{self.path}'], f'{log}.pub.log')
        else:
            udp = free_port('udp')
            self.server = Proc(['/usr/bin/python3', str(HERE / 'gst_rtsp_server.py'),
                                '--port', str(self.port), '--udp-ts', str(udp),
                                '--protocols', 'tcp'], f'{log}.server.log')
            if not wait_port(self.port, 15, self.server):
                raise RuntimeError(f'{name}: gst server did not listen')
            self.publisher = Proc([
                'ffmpeg', '-nostdin', '-hide_banner', '-loglevel', 'error', '-re',
                '-stream_loop', '-1', '-i', str(clip_ts), '-c', 'copy',
                '-f', 'mpegts', f'udp://{HOST}:{udp}?pkt_size=1316'],
                f'{log}.pub.log')
        if kind == 'sluice':
            if not wait_stream(self.port, self.path, 20, self.publisher):
                raise RuntimeError(f'{name}: no stream on /{self.path} '
                                   f'(see {log}.pub.log / .server.log)')
        else:
            # No DESCRIBE probe here: a client that leaves after DESCRIBE
            # alone kills gst's shared media for good (503 afterwards).
            # The anchor reader is the readiness check.
            time.sleep(1)
            self.anchor = Proc([str(live_load), 'rtsp', HOST, str(self.port),
                                self.path, '1', '100000'], f'{log}.anchor.log',
                               stdout_pipe=True)
            ready = self.anchor.next_json(20, 'ready')
            if ready is None or ready['streaming'] != 1:
                raise RuntimeError(f'{name}: anchor reader did not connect')

    def stop(self):
        for p in (self.anchor, self.publisher, self.server):
            if p is not None:
                p.stop()


# ------------------------------------------------------------- measuring

def measure(t, n, a, live_load):
    """One point: N readers on target t. Returns a dict."""
    res = {'server': t.name, 'n': n}
    loader = None
    if n:
        argv = [str(live_load), getattr(t, 'proto', 'rtsp'), HOST,
                str(t.port), t.path, str(n),
                '100000', '--sample', str(a.sample)]
        if a.stagger_ms:
            argv += ['--stagger-ms', str(a.stagger_ms)]
        loader = Proc(argv, t.workdir / f'{t.name}.load{n}.log',
                      stdout_pipe=True)
        # live_load fails connections not streaming after 20 s itself.
        ready = loader.next_json(40 + n * a.stagger_ms / 1000, 'ready')
        if ready is None:
            loader.stop()
            res['error'] = 'readers did not finish connecting'
            return res
        res['setup_failed'] = ready['failed']
    time.sleep(a.settle)

    pids = proc_tree(t.server.pid)
    snap0 = None
    if loader:
        loader.signal(signal.SIGUSR1)
        snap0 = loader.next_json(5, 'snapshot')
    c0 = cpu_seconds(pids)
    b0, s0 = system_busy()
    w0 = time.monotonic()
    rss_max = 0
    while time.monotonic() - w0 < a.window:
        time.sleep(1)
        pids = proc_tree(t.server.pid)
        rss_max = max(rss_max, rss_kb(pids))
    el = time.monotonic() - w0
    c1 = cpu_seconds(pids)
    b1, s1 = system_busy()
    snap1 = None
    if loader:
        loader.signal(signal.SIGUSR1)
        snap1 = loader.next_json(5, 'snapshot')
        loader.signal(signal.SIGINT)
        summary = loader.next_json(10, 'summary')
        loader.stop()
    res.update({
        'window_s': round(el, 2),
        'server_cpu_s': round(c1 - c0, 3),
        'server_cpu_pct': round(100 * (c1 - c0) / el, 2),
        'server_rss_mb': round(rss_max / 1024, 2),
        'system_busy_core_pct': round(100 * (b1 - b0) / max(1, s1 - s0)
                                      * os.cpu_count(), 1),
    })
    if loader and snap0 and snap1:
        nbytes = snap1['bytes'] - snap0['bytes']
        res['bytes'] = nbytes
        res['delivered_mbps'] = round(nbytes * 8 / el / 1e6, 2)
        res['per_reader_mbps'] = round(nbytes * 8 / el / 1e6 / n, 3)
        res['cpu_s_per_gb'] = (round((c1 - c0) / (nbytes / 1e9), 3)
                               if nbytes else None)
        res['closed_during_run'] = snap1['closed']
    if loader and summary:
        res['ttff_ms'] = summary.get('ttff_ms')
        res['play_ms'] = summary.get('play_ms')
        res['conn_mbps_min'] = summary.get('conn_mbps_min')
        res['conn_mbps_max'] = summary.get('conn_mbps_max')
        res['loader_cpu_s'] = summary.get('loader_cpu_s')
        res['failed'] = summary.get('failed')
    return res


def derive(points):
    """Marginal CPU-s/GB and RSS per reader against the N=0 point."""
    base = next((p for p in points if p['n'] == 0 and 'error' not in p), None)
    if not base:
        return
    base_rate = base['server_cpu_s'] / base['window_s']
    for p in points:
        if p['n'] == 0 or 'error' in p or not p.get('bytes'):
            continue
        marg = p['server_cpu_s'] - base_rate * p['window_s']
        p['marginal_cpu_s_per_gb'] = round(marg / (p['bytes'] / 1e9), 3)
        p['rss_per_reader_kb'] = round((p['server_rss_mb'] - base['server_rss_mb'])
                                       * 1024 / p['n'], 1)
        p['cpu_us_per_reader_s'] = round(marg / p['window_s'] / p['n'] * 1e6, 1)


def run_target(name, a, live_load, make_target):
    """Starts make_target() (an object with .name, .port, .path, .server,
    .stop() and optionally .proto), then measures N=0 and each N in a.ns."""
    print(f'== {name}', flush=True)
    out = {'server': name, 'points': []}
    t = None
    try:
        t = make_target()
        time.sleep(a.warm)
        for n in [0] + a.ns:
            p = measure(t, n, a, live_load)
            out['points'].append(p)
            print('   ' + json.dumps(p), flush=True)
            if not t.server.alive():
                out['error'] = 'server exited during the run'
                break
            time.sleep(1)
        derive(out['points'])
    except (RuntimeError, subprocess.SubprocessError, OSError) as e:
        out['error'] = str(e)
        print(f'   ERROR: {e}', flush=True)
    finally:
        if t:
            t.stop()
        stop_all()
    return out


# ------------------------------------------------------------- report

def fmt(v, nd=2):
    if v is None:
        return '-'
    if isinstance(v, float):
        return f'{v:.{nd}f}'
    return str(v)


def report(runs, refs=(('gst', 'GStreamer'),)):
    """Prints the table, then the ratios of every other server to each
    reference (server name, label); returns the ratios."""
    cols = ['server', 'n', 'cpu%', 'rss MB', 'Mbit/s', 'CPU-s/GB',
            'marg CPU-s/GB', 'KB/reader', 'play p50', 'ttff p50', 'ttff p99',
            'failed']
    rows = []
    for r in runs:
        if r.get('error') and not r['points']:
            rows.append([r['server'], '-', 'ERROR: ' + r['error']])
            continue
        for p in r['points']:
            tt = p.get('ttff_ms') or {}
            pl = p.get('play_ms') or {}
            rows.append([r['server'], p['n'], fmt(p.get('server_cpu_pct'), 1),
                         fmt(p.get('server_rss_mb'), 1),
                         fmt(p.get('delivered_mbps'), 1),
                         fmt(p.get('cpu_s_per_gb'), 3),
                         fmt(p.get('marginal_cpu_s_per_gb'), 3),
                         fmt(p.get('rss_per_reader_kb'), 1),
                         fmt(pl.get('p50'), 0), fmt(tt.get('p50'), 0),
                         fmt(tt.get('p99'), 0),
                         fmt(p.get('failed', p.get('error', '')))])
    widths = [max(len(str(x)) for x in col)
              for col in zip(*([cols] + [r + [''] * (len(cols) - len(r))
                                         for r in rows]))]
    line = lambda r: '  '.join(str(x).rjust(w) for x, w in zip(r, widths))
    print()
    print(line(cols))
    for r in rows:
        print(line(r + [''] * (len(cols) - len(r))))

    ratios = []
    for ref, label in refs:
        ratios += ref_ratios(runs, ref, label)
    return ratios


def ref_ratios(runs, ref_name, label):
    ratios = []
    ref = next((r for r in runs if r['server'] == ref_name), None)
    if ref:
        rp = {p['n']: p for p in ref['points']}
        for r in runs:
            if r['server'] == ref_name:
                continue
            for p in r['points']:
                q = rp.get(p['n'])
                if not q or not p['n']:
                    continue
                ent = {'server': r['server'], 'vs': ref_name, 'n': p['n']}
                for k in ('cpu_s_per_gb', 'marginal_cpu_s_per_gb',
                          'rss_per_reader_kb'):
                    if p.get(k) is not None and q.get(k):
                        ent[k] = round(p[k] / q[k], 3)
                pt, qt = (p.get('ttff_ms') or {}), (q.get('ttff_ms') or {})
                if pt.get('p50') is not None and qt.get('p50'):
                    ent['ttff_p50'] = round(pt['p50'] / qt['p50'], 3)
                ratios.append(ent)
    if ratios:
        print(f'\nratios to {label} (lower is better):')
        for e in ratios:
            print('  ' + '  '.join(f'{k}={v}' for k, v in e.items()))
    return ratios


def bench_args(doc, servers):
    """The options every fan-out benchmark takes (this one and
    run_rtmp.py); the caller adds its own, then calls parse_bench_args()."""
    ap = argparse.ArgumentParser(description=doc.split('\n\n')[0])
    ap.add_argument('--quick', action='store_true',
                    help='smoke run: N=1,50, short warm/settle/window')
    ap.add_argument('--ns', default='1,50,200,500')
    ap.add_argument('--servers', default=servers)
    ap.add_argument('--sluice-bin', default=str(ROOT / 'build' / 'sluice'))
    ap.add_argument('--sluice-workers', type=int, default=0)
    ap.add_argument('--warm', type=float, default=8)
    ap.add_argument('--settle', type=float, default=6)
    ap.add_argument('--window', type=float, default=25)
    ap.add_argument('--clip-secs', type=int, default=30)
    ap.add_argument('--sample', type=int, default=10,
                    help='parse every K-th reader fully; others drain')
    ap.add_argument('--stagger-ms', type=float, default=0,
                    help='delay between reader connects (0 = join storm)')
    ap.add_argument('--out', default=None)
    return ap


def parse_bench_args(ap):
    """Parsed options, --quick applied; a.ns and a.servers as lists."""
    a = ap.parse_args()
    if a.quick:
        a.ns, a.warm, a.settle, a.window, a.clip_secs = '1,50', 3, 3, 8, 10
    a.ns = [int(x) for x in a.ns.split(',') if x.strip() and int(x) > 0]
    a.servers = [s.strip() for s in a.servers.split(',') if s.strip()]
    return a


def main():
    ap = bench_args(__doc__, 'sluice,gst')
    ap.add_argument('--gop', choices=['both', 'on', 'off'], default='both')
    a = parse_bench_args(ap)
    servers = a.servers

    for tool in ('ffmpeg', 'cc'):
        if not shutil.which(tool):
            sys.exit(f'{tool} is required')
    live_load = build_live_load()
    clip = ensure_clip(a.clip_secs)
    stamp = datetime.datetime.now().strftime('%Y%m%d-%H%M%S')
    workdir = CACHE / f'run-{stamp}'
    workdir.mkdir(parents=True)

    def on_term(sig, frame):
        stop_all()
        sys.exit(130)
    signal.signal(signal.SIGTERM, on_term)

    runs = []
    try:
        if 'sluice' in servers:
            if not os.access(a.sluice_bin, os.X_OK):
                runs.append({'server': 'sluice', 'points': [],
                             'error': f'{a.sluice_bin} not found'})
            else:
                gops = {'both': [True, False], 'on': [True], 'off': [False]}[a.gop]
                for g in gops:
                    name = 'sluice-gop' if g else 'sluice-nogop'
                    runs.append(run_target(
                        name, a, live_load,
                        lambda: Target(name, 'sluice', a, workdir, clip[0],
                                       clip[1], live_load, g)))
        if 'gst' in servers:
            runs.append(run_target(
                'gst', a, live_load,
                lambda: Target('gst', 'gst', a, workdir, clip[0], clip[1],
                               live_load)))
    except KeyboardInterrupt:
        print('interrupted', flush=True)
    finally:
        stop_all()

    ratios = report(runs)
    write_results(a, 'rtsp', stamp, clip, runs, ratios, workdir)


def write_results(a, kind, stamp, clip, runs, ratios, workdir, extra=None):
    """bench/results/<kind>-<stamp>.json (or --out)."""
    RESULTS.mkdir(exist_ok=True)
    out = Path(a.out) if a.out else RESULTS / f'{kind}-{stamp}.json'
    doc = {
        'date': stamp,
        'host': {'cpus': os.cpu_count(), 'kernel': platform.release()},
        'params': {k: v for k, v in vars(a).items()},
        'clip': {'file': clip[0].name, 'bitrate': '4 Mbit/s CBR', 'size': '1280x720p25',
                 'gop_s': 2},
        'runs': runs, 'ratios': ratios,
        'workdir': str(workdir),
    }
    doc.update(extra or {})
    out.write_text(json.dumps(doc, indent=1) + '\n')
    print(f'\nresults: {out}\nlogs: {workdir}')


if __name__ == '__main__':
    main()
