"""Self-checks of the RTMP client recipes, independent of Sluice: every
publisher and reader the RTMP tests use, against nginx-rtmp (Debian's nginx +
libnginx-mod-rtmp) as a stand-in origin, RTMPS through a socat TLS front.
If these fail, fix the harness or the machine, not Sluice."""

import pytest

import ertmp_client as er
import sluice_test as st

FRAMES = 60
MIN = 45


@pytest.fixture(scope='module')
def nginx(media, tmp_path_factory):
    for t in ('nginx', 'socat', 'openssl', 'rtmpdump'):
        st.require_tool(t)
    d = tmp_path_factory.getbasetemp() / 'nginx_rtmp'
    ng = st.NginxRtmp(d, apps=('live',), tls=True)
    # Module-scoped: not a per-test leftover.
    for p in (ng.proc, ng.socat):
        st.LIVE_PROCS.remove(p)
    pubs = {
        'h264': st.publish_rtmp_ffmpeg(ng.url('live/h264'),
                                       st.clip('h264_aac.flv'), d, 'pub-h264',
                                       bound=600),
        'mp3': st.publish_rtmp_ffmpeg(ng.url('live/mp3'),
                                      st.clip('h264_mp3.flv'), d, 'pub-mp3',
                                      bound=600),
        'bframes': st.publish_rtmp_ffmpeg(ng.url('live/bf'),
                                          st.clip('h264b_aac.mp4'), d,
                                          'pub-bf', bound=600),
    }
    for p in pubs.values():
        st.LIVE_PROCS.remove(p)
    ng.pubs = pubs
    yield ng
    for p in pubs.values():
        p.stop()
    ng.stop()


def test_ffmpeg_reader(nginx, logdir):
    got = st.reader_rtmp_ffmpeg(nginx.url('live/h264'), FRAMES, logdir)
    st.check_frames('h264_aac.mp4', got, MIN, 'ffmpeg rtmp reader')


def test_ffmpeg_reader_mp3(nginx, logdir):
    got = st.reader_rtmp_ffmpeg(nginx.url('live/mp3'), FRAMES, logdir)
    st.check_frames('h264_mp3.flv', got, MIN, 'ffmpeg rtmp reader (mp3)')


def test_ffmpeg_reader_bframes(nginx, logdir):
    got = st.reader_rtmp_ffmpeg(nginx.url('live/bf'), FRAMES, logdir)
    st.check_frames('h264b_aac.mp4', got, MIN, 'ffmpeg rtmp reader (B)')


def test_gst_reader(nginx, logdir):
    got = st.reader_rtmp_gst(nginx.url('live/h264'), 6, logdir)
    st.check_frames('h264_aac.mp4', got, 50, 'gst rtmp2src reader')


def test_rtmpdump_reader(nginx, logdir):
    got = st.reader_rtmpdump(nginx.url('live/h264'), 4, logdir)
    st.check_frames('h264_aac.mp4', got, 50, 'rtmpdump reader')


def test_ertmp_client_classic_avc(nginx, logdir):
    got = st.reader_ertmp(nginx.url('live/h264'), logdir, frames=FRAMES,
                          fmt='h264')
    st.check_frames('h264_aac.mp4', got, MIN, 'ertmp_client reader')
    rep = got.report
    assert rep['codec'] == 'avc1' and rep['audio_formats'].get('aac'), rep
    assert rep['status'][:1] == ['NetStream.Play.Start'], rep['status']


def test_ertmp_client_aac_matches_ffmpeg(nginx, logdir):
    """The AAC frames the client records equal the source's AUs (the audio
    check the RTMP/RTSP tests make)."""
    got = st.reader_ertmp(nginx.url('live/h264'), logdir, frames=40,
                          fmt='h264')
    src = st.audio_md5s(st.clip('h264_aac.mp4'), logdir)
    st.check_audio_run(src, got.report['audio_md5'], 50)


def test_gst_publisher(nginx, logdir):
    p = st.publish_rtmp_gst(nginx.url('live/gstpub'),
                            st.clip('h264_aac_long.mp4'), logdir)
    got = st.reader_rtmp_ffmpeg(nginx.url('live/gstpub'), FRAMES, logdir,
                                timeout=20)
    st.check_frames('h264_aac.mp4', got, MIN, 'gst flvmux ! rtmp2sink', p)


def test_rtmps_ffmpeg_and_gst(nginx, logdir):
    p = st.publish_rtmp_ffmpeg(nginx.url('live/tls', tls=True),
                               st.clip('h264_aac.flv'), logdir, 'tlspub')
    got = st.reader_rtmp_ffmpeg(nginx.url('live/tls', tls=True), FRAMES,
                                logdir, 'ffrd', timeout=20)
    st.check_frames('h264_aac.mp4', got, MIN, 'ffmpeg rtmps', p)
    got = st.reader_rtmp_gst(nginx.url('live/tls', tls=True), 6, logdir,
                             'gstrd', tls=True)
    st.check_frames('h264_aac.mp4', got, 50, 'gst rtmps', p)


def test_status_codes(nginx):
    assert er.status_of(nginx.url('live/h264'), 'play') == \
        'NetStream.Play.Start'
    assert er.status_of(nginx.url('live/another'), 'publish') == \
        'NetStream.Publish.Start'
