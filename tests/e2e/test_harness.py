"""Self-checks of the harness, independent of Sluice: the bit-exactness
check, the config writer, and every client recipe against GStreamer's RTSP
server (bench/gst_rtsp_server.py). If these fail, fix the harness or the
machine, not Sluice."""

import time
import types
from pathlib import Path

import pytest

import sluice_test as st

GST_SERVER = st.ROOT / 'bench' / 'gst_rtsp_server.py'


def test_md5seq_semantics():
    src = [f'{i:032x}' for i in range(10)]
    assert 'starting at source frame 7' in st.md5seq(src, src[7:] + src[:6], 5)
    st.md5seq(src, src[2:8] + ['f' * 32], 5)  # truncated last frame ignored
    with pytest.raises(AssertionError, match='frames differ'):
        st.md5seq(src, src[0:3] + src[4:9], 5)  # a lost frame
    with pytest.raises(AssertionError, match='only 3 frames'):
        st.md5seq(src, src[:3], 5)
    with pytest.raises(AssertionError, match='not a source frame'):
        st.md5seq(src, ['e' * 32] + src[:6], 5)


def test_yaml_writer():
    cfg = st.deep_merge(st.base_config(1, 2, 3), {
        'authInternalUsers': [{'user': 'u', 'pass': 'p', 'ips': [],
                               'permissions': [{'action': 'read', 'path': ''}]}],
        'paths': {'known': {}}, 'rtmp': None})
    y = st.to_yaml(cfg)
    assert 'rtmp:' not in y
    assert '  - user: "u"\n    pass: "p"\n    ips: []\n    permissions:\n' \
           '      - action: "read"\n        path: ""' in y
    assert 'paths:\n  known: {}' in y


@pytest.fixture(scope='module')
def gst_peer(media, tmp_path_factory):
    """GStreamer RTSP server with /live fed by ffmpeg MPEG-TS/UDP and the
    RECORD mounts (which write into the module's `peerdir`)."""
    logdir = tmp_path_factory.getbasetemp() / 'gst_peer'
    logdir.mkdir(exist_ok=True)
    port, udp = st.free_port(), st.free_port('udp')
    srv = st.Proc(['/usr/bin/python3', str(GST_SERVER), '--port', str(port),
                   '--udp-ts', str(udp), '--record', str(logdir)],
                  logdir / 'gst_server.log', name='gst-server', bound=300)
    assert st.wait_tcp_port(port, 10, srv.p), srv.tail()
    feed = st.Proc(['ffmpeg', '-nostdin', '-hide_banner', '-loglevel', 'warning',
                    '-re', '-stream_loop', '-1', '-i', str(st.clip('h264_aac.ts')),
                    '-c', 'copy', '-f', 'mpegts',
                    f'udp://127.0.0.1:{udp}?pkt_size=1316'],
                   logdir / 'feed.log', name='feed', bound=300)
    st.LIVE_PROCS.remove(srv)  # module-scoped: not a per-test leftover
    st.LIVE_PROCS.remove(feed)
    yield types.SimpleNamespace(port=port, dir=logdir)
    feed.stop()
    srv.stop()


@pytest.mark.parametrize('transport', ['tcp', 'udp'])
def test_ffmpeg_reader_against_gst(gst_peer, logdir, transport):
    got = st.reader_ffmpeg(f'rtsp://127.0.0.1:{gst_peer.port}/live', transport, 75,
                           logdir)
    st.md5seq(st.clip_md5('h264_aac.mp4'), got, 50)


@pytest.mark.parametrize('protocols', ['tcp', 'udp'])
def test_gst_reader_against_gst(gst_peer, logdir, protocols):
    got = st.reader_gst(f'rtsp://127.0.0.1:{gst_peer.port}/live', protocols, 6,
                        logdir)
    st.md5seq(st.clip_md5('h264_aac.mp4'), got, 50)


def test_raw_client_against_gst(gst_peer):
    c = st.RtspClient(gst_peer.port)
    try:
        opts = c.request('OPTIONS', f'rtsp://127.0.0.1:{gst_peer.port}/live')
        assert 'DESCRIBE' in opts.header('Public'), opts
        d, setups, play = c.play_tcp(f'rtsp://127.0.0.1:{gst_peer.port}/live')
        assert play.status == 200 and len(setups) == 2, play
        deadline = time.monotonic() + 5
        while c.interleaved < 20 and time.monotonic() < deadline:
            try:
                c.read_response(timeout=0.5)
            except OSError:
                pass
        assert c.interleaved >= 20
    finally:
        c.close()


# A 5 s clip is published once; the recording may miss the first GOP while
# the RECORD session sets up (seen with rtspclientsink over UDP under load),
# so 75 of the 125 frames are required.
def _recorded(peer, logdir, name):
    es = peer.dir / f'{name}.h264'
    out = logdir / f'{name}.framemd5'
    h = st.Proc(['ffmpeg', '-nostdin', '-loglevel', 'error', '-i', str(es),
                 '-fps_mode', 'passthrough', '-f', 'framemd5', str(out)], logdir / f'{name}.hash.log',
                bound=60)
    h.wait(65)
    h.stop()
    return st.read_framemd5(out)


@pytest.mark.parametrize('transport', ['tcp', 'udp'])
def test_ffmpeg_publisher_against_gst(gst_peer, logdir, transport):
    p = st.publish_ffmpeg(f'rtsp://127.0.0.1:{gst_peer.port}/record',
                          st.clip('h264_aac.mp4'), transport, logdir, loop=False)
    assert p.wait(20) == 0, p.tail()
    time.sleep(0.5)
    st.md5seq(st.clip_md5('h264_aac.mp4'), _recorded(gst_peer, logdir, 'record'), 75)


@pytest.mark.parametrize('protocols', ['tcp', 'udp'])
def test_gst_publisher_against_gst(gst_peer, logdir, protocols):
    p = st.publish_gst(f'rtsp://127.0.0.1:{gst_peer.port}/record_af',
                       st.clip('h264_aac.mp4'), protocols, logdir)
    assert p.wait(25) == 0, p.tail()
    time.sleep(0.5)
    st.md5seq(st.clip_md5('h264_aac.mp4'), _recorded(gst_peer, logdir, 'record_af'), 75)
