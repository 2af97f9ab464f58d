"""Cross-worker fan-out: with two workers and a forced placement sequence,
two consecutive reader connections land on different workers, and both
still receive the publisher's frames intact."""

import re
import time

import sluice_test as st

FRAMES = 75

# "[conn 127.0.0.1:PORT]" and "worker N" on one line, in either order.
CONN_RE = re.compile(r'\[conn 127\.0\.0\.1:(\d+)\]')
WORKER_RE = re.compile(r'\bworker (\d+)\b')


def conn_workers(srv):
    """{client port: worker index} from the first line naming both."""
    out = {}
    for ln in srv.log_text().splitlines():
        c = CONN_RE.search(ln)
        w = WORKER_RE.search(ln)
        if c and w and int(c.group(1)) not in out:
            out[int(c.group(1))] = int(w.group(1))
    return out


def wait_new_conn(srv, known, timeout=10.0):
    """The (port, worker) of a connection not in known that appears next."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        new = {p: w for p, w in conn_workers(srv).items() if p not in known}
        if new:
            assert len(new) == 1, f'expected one new connection, got {new}'
            return next(iter(new.items()))
        time.sleep(0.05)
    raise AssertionError('no new "[conn 127.0.0.1:PORT] ... worker N" log line '
                         f'within {timeout}s; log tail:\n{srv.proc.tail(30)}')


def test_readers_on_different_workers(sluice, logdir):
    srv = sluice({'workers': 2, 'workerSequence': [0, 1], 'logLevel': 'debug'})
    p = st.publish_ffmpeg(srv.url('w'), st.clip('h264_aac.mp4'), 'tcp', logdir)
    st.wait_stream(srv.rtsp_port, 'w', publisher=p)
    time.sleep(0.3)  # let the log catch up with the probes' connections

    known = set(conn_workers(srv))
    a = st.FfmpegReader(srv.url('w'), 'tcp', FRAMES, logdir, 'ra')
    port_a, worker_a = wait_new_conn(srv, known)
    known.add(port_a)
    b = st.FfmpegReader(srv.url('w'), 'tcp', FRAMES, logdir, 'rb')
    port_b, worker_b = wait_new_conn(srv, known)

    assert worker_a != worker_b, (
        f'readers {port_a} and {port_b} both on worker {worker_a}: '
        'workerSequence [0, 1] must alternate placement')
    assert {worker_a, worker_b} == {0, 1}

    src = st.clip_md5('h264_aac.mp4')
    for name, r in (('reader A', a), ('reader B', b)):
        got = r.finish(FRAMES / st.FPS + 20)
        try:
            st.md5seq(src, got, 50)
        except AssertionError as e:
            raise AssertionError(f'{name}: {e}\n{got.log}') from None
