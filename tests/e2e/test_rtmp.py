"""RTMP publish -> RTMP read through Sluice with real clients (ffmpeg,
GStreamer rtmp2sink/rtmp2src, librtmp's rtmpdump, and the scripted
ertmp_client for wire-level checks). Decoded video frames must be a
contiguous run of the source's; AAC/MP3 access units must be the source's
in order.

RTMP behaviour expected (MediaMTX, reference/mediamtx-compat.md §5.3):
- path = tcUrl's app + "/" + stream key: rtmp://h:p/live/key -> `live/key`,
  rtmp://h:p/mystream (empty key) -> `mystream`; the same path is visible
  over RTSP (DESCRIBE 200 on rtsp://h:p/live/key);
- credentials only in the query: ?user=U&pass=P;
- refusals: a publish that fails authentication or targets a path that is
  not configured ends with NetStream.Publish.Unauthorized / an error status
  or a closed connection, never NetStream.Publish.Start; a play of a path
  with no stream gets an error status or a close, never NetStream.Play.Start.
"""

import time

import pytest

import ertmp_client as er
import sluice_test as st

FRAMES = 75
MIN = 50
USER, PASS = 'alice', 'Secr3t-pw'


def rtmp_sluice(sluice, **over):
    cfg = st.rtmp_overrides()
    cfg.update(over)
    return sluice(cfg)


def start_ffmpeg_pub(srv, path, logdir, clip='h264_aac.flv', name='rtmppub',
                     **kw):
    p = st.publish_rtmp_ffmpeg(srv.rtmp_url(path, **kw), st.clip(clip), logdir,
                               name)
    auth = st.basic_auth(USER, PASS) if kw.get('user') else None
    st.wait_stream(srv.rtsp_port, path, publisher=p, auth=auth)
    return p


@pytest.mark.parametrize('path', ['live/key', 'mystream'])
def test_ffmpeg_to_ffmpeg(sluice, logdir, path):
    """ffmpeg -f flv publish, ffmpeg read; the path is named as MediaMTX
    names it (checked through RTSP DESCRIBE in start_ffmpeg_pub)."""
    srv = rtmp_sluice(sluice)
    p = start_ffmpeg_pub(srv, path, logdir)
    got = st.reader_rtmp_ffmpeg(srv.rtmp_url(path), FRAMES, logdir)
    st.check_frames('h264_aac.mp4', got, MIN, f'rtmp {path}', p, srv.proc)
    assert p.alive(), p.tail()


def test_aac_access_units(sluice, logdir):
    srv = rtmp_sluice(sluice)
    start_ffmpeg_pub(srv, 'live/aac', logdir)
    src = st.audio_md5s(st.clip('h264_aac.mp4'), logdir)
    got = st.audio_md5s(srv.rtmp_url('live/aac'), logdir, 'got', packets=120)
    st.check_audio_run(src, got, 100)


def test_h264_mp3(sluice, logdir):
    """H.264 + MP3 (FLV sound format 2) in and out."""
    srv = rtmp_sluice(sluice)
    p = start_ffmpeg_pub(srv, 'live/mp3', logdir, clip='h264_mp3.flv')
    got = st.reader_rtmp_ffmpeg(srv.rtmp_url('live/mp3'), FRAMES, logdir)
    st.check_frames('h264_mp3.flv', got, MIN, 'rtmp h264+mp3', p, srv.proc)
    src = st.audio_md5s(st.clip('h264_mp3.flv'), logdir)
    aud = st.audio_md5s(srv.rtmp_url('live/mp3'), logdir, 'got', packets=100)
    st.check_audio_run(src, aud, 80)


def test_h264_bframes(sluice, logdir):
    """PTS != DTS: the composition time offset survives RTMP -> RTMP."""
    srv = rtmp_sluice(sluice)
    p = start_ffmpeg_pub(srv, 'live/bf', logdir, clip='h264b_aac.mp4')
    got = st.reader_rtmp_ffmpeg(srv.rtmp_url('live/bf'), FRAMES, logdir)
    st.check_frames('h264b_aac.mp4', got, MIN, 'rtmp B-frames', p, srv.proc)


def test_gst_publisher(sluice, logdir):
    srv = rtmp_sluice(sluice)
    p = st.publish_rtmp_gst(srv.rtmp_url('live/gst'),
                            st.clip('h264_aac_long.mp4'), logdir)
    st.wait_stream(srv.rtsp_port, 'live/gst', publisher=p)
    got = st.reader_rtmp_ffmpeg(srv.rtmp_url('live/gst'), FRAMES, logdir)
    st.check_frames('h264_aac.mp4', got, MIN, 'gst rtmp2sink -> ffmpeg', p,
                    srv.proc)


@pytest.mark.parametrize('reader', ['gst', 'rtmpdump'])
def test_other_readers(sluice, logdir, reader):
    """GStreamer rtmp2src ! flvdemux, and librtmp (rtmpdump)."""
    srv = rtmp_sluice(sluice)
    p = start_ffmpeg_pub(srv, 'live/key', logdir)
    url = srv.rtmp_url('live/key')
    got = (st.reader_rtmp_gst(url, 6, logdir) if reader == 'gst'
           else st.reader_rtmpdump(url, 4, logdir))
    st.check_frames('h264_aac.mp4', got, MIN, f'ffmpeg -> {reader}', p,
                    srv.proc)


def test_scripted_reader_wire(sluice, logdir):
    """The scripted client (no fourCcList) sees the MediaMTX handshake
    answers and an intact H.264 stream, acknowledging as it goes."""
    srv = rtmp_sluice(sluice)
    p = start_ffmpeg_pub(srv, 'live/key', logdir, clip='h264_4m.mp4')
    got = st.reader_ertmp(srv.rtmp_url('live/key'), logdir, frames=100,
                          fourcc=None, fmt='h264')
    rep = got.report
    assert not rep.get('errors'), rep
    st.check_frames('h264_4m.mp4', got, 90, 'ertmp_client (classic)', p,
                    srv.proc)
    assert rep['codec'] == 'avc1', rep['video_tags']
    assert rep['connect_info'].get('code') == 'NetConnection.Connect.Success', rep
    assert 'NetStream.Play.Start' in rep['status'], rep['status']
    assert rep['window'], 'no Window Acknowledgement Size from the server'
    # ~5 Mbit/s for 4 s is several windows of 2.5 MB: acks were due.
    assert rep['acks_sent'] >= 1, rep


def test_two_readers(sluice, logdir):
    srv = rtmp_sluice(sluice)
    p = start_ffmpeg_pub(srv, 'live/key', logdir)
    a = st.FfmpegReader(srv.rtmp_url('live/key'), None, FRAMES, logdir, 'ra')
    b = st.FfmpegReader(srv.rtmp_url('live/key'), None, FRAMES, logdir, 'rb')
    for r in (a, b):
        got = r.finish(FRAMES / st.FPS + 20)
        st.check_frames('h264_aac.mp4', got, MIN, 'two readers', p, srv.proc)


# ---------------------------------------------------------------- auth

def users_config():
    return {'authInternalUsers': [{
        'user': USER, 'pass': PASS, 'ips': [],
        'permissions': [{'action': 'publish', 'path': ''},
                        {'action': 'read', 'path': ''}]}]}


def test_query_credentials_accepted(sluice, logdir):
    srv = rtmp_sluice(sluice, **users_config())
    p = start_ffmpeg_pub(srv, 'live/sec', logdir, user=USER, password=PASS)
    got = st.reader_rtmp_ffmpeg(srv.rtmp_url('live/sec', USER, PASS), FRAMES,
                                logdir)
    st.check_frames('h264_aac.mp4', got, MIN, 'rtmp with credentials', p,
                    srv.proc)


@pytest.mark.parametrize('cred', [None, 'wrong'])
def test_publish_refused(sluice, logdir, cred):
    """Without or with wrong credentials: ffmpeg's publish fails (exits
    non-zero), the wire answer is Unauthorized or a close, and no stream
    appears on the path."""
    srv = rtmp_sluice(sluice, **users_config())
    kw = {} if cred is None else {'user': USER, 'password': cred}
    url = srv.rtmp_url('live/sec', **kw)
    p = st.publish_rtmp_ffmpeg(url, st.clip('h264_aac.flv'), logdir, loop=False)
    rc = p.wait(15)
    assert rc is not None and rc != 0, \
        f'publish without valid credentials was not refused:\n{p.tail()}'
    code = er.status_of(url, 'publish')
    assert code != 'NetStream.Publish.Start', code
    assert code == 'NetStream.Publish.Unauthorized' or code.startswith(
        ('closed', 'connect-refused', 'NetStream.Publish.')), code
    res = st.describe(srv.rtsp_port, 'live/sec', auth=st.basic_auth(USER, PASS))
    assert res.status == 404, res
    assert srv.alive()


def test_read_refused_with_wrong_credentials(sluice, logdir):
    srv = rtmp_sluice(sluice, **users_config())
    start_ffmpeg_pub(srv, 'live/sec', logdir, user=USER, password=PASS)
    got = st.reader_rtmp_ffmpeg(srv.rtmp_url('live/sec', USER, 'nope'), 10,
                                logdir, 'bad', timeout=15)
    assert got.rc != 0 and len(got) == 0, got.log
    code = er.status_of(srv.rtmp_url('live/sec', USER, 'nope'), 'play')
    assert code != 'NetStream.Play.Start', code


# ---------------------------------------------------------------- paths

def test_unknown_path_and_no_stream(sluice, logdir):
    """paths: {known: {}}: publishing to `other` is refused; playing `known`
    while nothing publishes is refused (not left waiting)."""
    srv = rtmp_sluice(sluice, paths={'known': {}})
    p = st.publish_rtmp_ffmpeg(srv.rtmp_url('other'), st.clip('h264_aac.flv'),
                               logdir, loop=False)
    rc = p.wait(15)
    assert rc is not None and rc != 0, f'publish to an unknown path:\n{p.tail()}'
    code = er.status_of(srv.rtmp_url('other'), 'publish')
    assert code != 'NetStream.Publish.Start', code

    t0 = time.monotonic()
    code = er.status_of(srv.rtmp_url('known'), 'play', timeout=8)
    assert code != 'NetStream.Play.Start' and code != 'timeout', code
    got = st.reader_rtmp_ffmpeg(srv.rtmp_url('known'), 10, logdir, 'nostream',
                                timeout=12)
    assert got.rc != 0 and len(got) == 0, got.log
    assert time.monotonic() - t0 < 25
    # The configured path still takes a publisher.
    p2 = start_ffmpeg_pub(srv, 'known', logdir, name='pub2')
    got = st.reader_rtmp_ffmpeg(srv.rtmp_url('known'), 50, logdir)
    st.check_frames('h264_aac.mp4', got, 40, 'known path', p2, srv.proc)


def test_publisher_override(sluice, logdir):
    """overridePublisher (default true): a second RTMP publisher takes the
    path, the first one's connection is closed, readers get the second
    one's frames."""
    srv = rtmp_sluice(sluice)
    a = start_ffmpeg_pub(srv, 'live/o', logdir, name='puba')
    b = st.publish_rtmp_ffmpeg(srv.rtmp_url('live/o'), st.clip('h264b_aac.mp4'),
                               logdir, 'pubb')
    assert a.wait(10) is not None, f'first publisher not kicked:\n{a.tail()}'
    got = st.reader_rtmp_ffmpeg(srv.rtmp_url('live/o'), FRAMES, logdir)
    st.check_frames('h264b_aac.mp4', got, MIN, 'after override', b, srv.proc)
    assert b.alive(), b.tail()


def test_rtmp_only_server(sluice, logdir):
    """With the RTSP server off (rtsp: false), RTMP alone publishes and
    reads, and the server still shuts down cleanly (the fixture checks the
    exit status)."""
    srv = rtmp_sluice(sluice, rtsp=False)
    assert st.tcp_refused(srv.rtsp_port)
    p = st.publish_rtmp_ffmpeg(srv.rtmp_url('solo'), st.clip('h264_aac.flv'),
                               logdir, 'rtmppub')
    deadline = time.monotonic() + 15
    while "is publishing to path 'solo'" not in srv.log_text():
        assert time.monotonic() < deadline, 'no publisher: ' + p.tail()
        assert p.alive(), p.tail()
        time.sleep(0.1)
    got = st.reader_rtmp_ffmpeg(srv.rtmp_url('solo'), FRAMES, logdir)
    st.check_frames('h264_aac.mp4', got, MIN, 'rtmp only', p, srv.proc)
