#!/usr/bin/python3
"""RTMP fan-out benchmark: Sluice side by side with nginx-rtmp and
node-media-server, in the same run.

One 4 Mbit/s 720p25 H.264 + AAC stream (run.py's clip) is published with
`ffmpeg -re -stream_loop -1 -c copy -f flv` to each server in turn; for each
N in --ns, N light RTMP readers (bench/live_load_rtmp.c, rtmp mode) join at once;
after a settle time the harness measures over a window (run.py's measure()):

  server CPU       utime+stime of the server's process tree (/proc/PID/stat)
  RSS              max of the tree's resident memory, sampled every second
  bytes delivered  from the readers' own counters (snapshots on SIGUSR1)
  => CPU-seconds per GB delivered (total and marginal over N=0),
     RSS per reader ((RSS(N) - RSS(0)) / N), time to first frame p50/p99
     (TCP connect -> first keyframe message, all N readers joining at once)

Servers:
  sluice  build/sluice, RTMP on (rtmpGOPCache default: on), RTSP on loopback
  nginx   Debian nginx + libnginx-mod-rtmp, bench/nginx-rtmp.conf.in
          (1 worker, chunk_size 4096, HLS off); no GOP cache
  nms     node-media-server@4 from npm, installed once into
          bench/.cache/nms/ (skipped, with a message, if npm cannot fetch it);
          GOP cache on

Results: a table, ratios to nginx-rtmp and to NMS, and JSON in
bench/results/rtmp-<date>.json. Everything runs on 127.0.0.1; every process
is started in its own session and stopped by its process-group id.

usage: /usr/bin/python3 bench/run_rtmp.py [--quick] [--ns 1,50,200,500]
       [--servers sluice,nginx,nms] [--window S] [--settle S] [--warm S] ...
"""

import datetime
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import run
from run import CACHE, HERE, HOST, Proc, free_port

NMS_DIR = CACHE / 'nms'
NMS_APP = NMS_DIR / 'node_modules' / 'node-media-server' / 'bin' / 'app.js'
NGINX_MODULE = Path('/usr/lib/nginx/modules/ngx_rtmp_module.so')
PATH = 'live/bench'


def wait_rtmp_stream(port, path, timeout, live_load, proc, workdir, name):
    """True once one RTMP reader (live_load) gets a keyframe on the path."""
    deadline = time.monotonic() + timeout
    k = 0
    while time.monotonic() < deadline:
        if not proc.alive():
            return False
        k += 1
        probe = Proc([str(live_load), 'rtmp', HOST, str(port), path, '1', '4',
                      '--setup-timeout-s', '4'],
                     workdir / f'{name}.probe{k}.log', stdout_pipe=True)
        summary = probe.next_json(10, 'summary')
        probe.stop()
        if summary and summary.get('ttff_ms', {}).get('n'):
            return True
        time.sleep(0.5)
    return False


class RtmpTarget:
    """A server with its RTMP publisher; run.run_target() measures it."""

    proto = 'rtmp'

    def __init__(self, name, a, workdir, clip_mp4, live_load):
        self.name, self.a, self.workdir = name, a, workdir
        self.path = PATH
        self.port = free_port()
        self.server = self.publisher = None
        log = workdir / name
        try:
            self.server = self.start_server(log)
            if not run.wait_port(self.port, 15, self.server):
                raise RuntimeError(f'{name}: server did not listen on '
                                   f'{self.port} (see {log}.server.log)')
            self.publisher = Proc([
                'ffmpeg', '-nostdin', '-hide_banner', '-loglevel', 'error',
                '-re', '-stream_loop', '-1', '-i', str(clip_mp4), '-c', 'copy',
                '-f', 'flv', f'rtmp://{HOST}:{self.port}/{self.path}'],
                f'{log}.pub.log')
            if not wait_rtmp_stream(self.port, self.path, 25, live_load,
                                    self.publisher, workdir, name):
                raise RuntimeError(f'{name}: no stream on /{self.path} '
                                   f'(see {log}.pub.log / .server.log)')
        except BaseException:
            self.stop()
            raise

    def start_server(self, log):
        d = self.workdir / f'{self.name}.d'
        d.mkdir(exist_ok=True)
        if self.name == 'sluice':
            rtsp = free_port()
            rtp, rtcp = run.free_udp_pair()
            conf = d / 'sluice.yml'
            conf.write_text(run.sluice_config(rtsp, rtp, rtcp, True,
                                              self.a.sluice_workers,
                                              rtmp_port=self.port))
            return Proc([self.a.sluice_bin, str(conf)], f'{log}.server.log')
        if self.name == 'nginx':
            conf = d / 'nginx.conf'
            conf.write_text((HERE / 'nginx-rtmp.conf.in').read_text()
                            .replace('@DIR@', str(d))
                            .replace('@PORT@', str(self.port)))
            return Proc(['nginx', '-c', str(conf), '-p', str(d)],
                        f'{log}.server.log')
        if self.name == 'nms':
            conf = d / 'config.json'
            conf.write_text(json.dumps({
                'bind': HOST,
                'notify': {'url': ''},
                'store': {'path': str(d / 'data'), 'maxHistory': 100},
                'auth': {'play': False, 'publish': False, 'secret': ''},
                'rtmp': {'port': self.port},
                'http': {'port': free_port()},
                'webadmin': {'enable': False},
                'record': {'auto': False, 'path': str(d / 'record')},
            }, indent=1))
            return Proc(['node', str(NMS_APP), '-c', str(conf), '--no-admin'],
                        f'{log}.server.log')
        raise ValueError(self.name)

    def stop(self):
        for p in (self.publisher, self.server):
            if p is not None:
                p.stop()


def ensure_nms():
    """Installs node-media-server@4 into bench/.cache/nms once. Returns an
    error string if it is not available."""
    if NMS_APP.exists():
        return None
    if not shutil.which('node') or not shutil.which('npm'):
        return 'node/npm not installed (Debian packages nodejs, npm)'
    NMS_DIR.mkdir(parents=True, exist_ok=True)
    print('installing node-media-server@4 into bench/.cache/nms (once)...',
          flush=True)
    try:
        r = subprocess.run(['npm', 'install', '--no-audit', '--no-fund',
                            '--prefix', str(NMS_DIR), 'node-media-server@4'],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=300)
    except subprocess.TimeoutExpired:
        return 'npm install node-media-server@4 timed out (registry unreachable?)'
    if r.returncode != 0 or not NMS_APP.exists():
        tail = r.stdout.decode(errors='replace').strip().splitlines()[-3:]
        return ('npm install node-media-server@4 failed (registry unreachable?): '
                + ' | '.join(tail))
    return None


def nms_version():
    try:
        pkg = json.loads((NMS_APP.parents[1] / 'package.json').read_text())
        return pkg.get('version')
    except (OSError, ValueError):
        return None


def main():
    a = run.parse_bench_args(run.bench_args(__doc__, 'sluice,nginx,nms'))
    servers = a.servers

    for tool in ('ffmpeg', 'cc'):
        if not shutil.which(tool):
            sys.exit(f'{tool} is required')
    live_load = run.build_live_load()
    clip = run.ensure_clip(a.clip_secs)
    stamp = datetime.datetime.now().strftime('%Y%m%d-%H%M%S')
    workdir = CACHE / f'rtmp-{stamp}'
    workdir.mkdir(parents=True)

    def on_term(sig, frame):
        run.stop_all()
        sys.exit(130)
    signal.signal(signal.SIGTERM, on_term)

    skipped = {}
    if 'sluice' in servers and not os.access(a.sluice_bin, os.X_OK):
        skipped['sluice'] = f'{a.sluice_bin} not found'
    if 'nginx' in servers and not (shutil.which('nginx')
                                   and NGINX_MODULE.exists()):
        skipped['nginx'] = 'nginx / libnginx-mod-rtmp not installed'
    if 'nms' in servers:
        err = ensure_nms()
        if err:
            skipped['nms'] = err
    for name, why in skipped.items():
        print(f'SKIPPING {name}: {why}', flush=True)

    runs = []
    try:
        for name in servers:
            if name in skipped:
                runs.append({'server': name, 'points': [],
                             'error': 'skipped: ' + skipped[name]})
                continue
            runs.append(run.run_target(
                name, a, live_load,
                lambda: RtmpTarget(name, a, workdir, clip[0], live_load)))
    except KeyboardInterrupt:
        print('interrupted', flush=True)
    finally:
        run.stop_all()

    ratios = run.report(runs, refs=(('nginx', 'nginx-rtmp'),
                                    ('nms', 'node-media-server')))
    run.write_results(a, 'rtmp', stamp, clip, runs, ratios, workdir, extra={
        'peers': {'nms_version': nms_version(), 'skipped': skipped}})


if __name__ == '__main__':
    main()
