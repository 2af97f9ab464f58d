"""RTSP publish -> read through Sluice with real clients; the decoded video
frames the reader gets must be a contiguous run of the source's."""

import pytest

import sluice_test as st

FRAMES = 75       # frames each ffmpeg reader decodes (3 s)
MIN_FRAMES = 50   # at least this many contiguous bit-exact frames
GST_SECS = 7      # GStreamer readers run this long (joins wait for an IDR)

CLIPS = {
    # codec: (clip for ffmpeg publishers, clip for gst publishers, checksums)
    'h264': ('h264_aac.mp4', 'h264_aac_long.mp4', 'h264_aac.mp4'),
    'h264b': ('h264b_aac.mp4', None, 'h264b_aac.mp4'),
    'h265': ('h265_aac.mp4', 'h265_aac_long.mp4', 'h265_aac.mp4'),
}


def start_publisher(kind, srv, path, transport, logdir, codec='h264'):
    loop_clip, long_clip, _ = CLIPS[codec]
    url = srv.url(path)
    if kind == 'ffmpeg':
        return st.publish_ffmpeg(url, st.clip(loop_clip), transport, logdir)
    return st.publish_gst(url, st.clip(long_clip), transport, logdir,
                          codec='h265' if codec == 'h265' else 'h264')


def read(kind, srv, path, transport, logdir, name, codec='h264'):
    url = srv.url(path)
    gcodec = 'h265' if codec == 'h265' else 'h264'
    if kind == 'ffmpeg':
        return st.reader_ffmpeg(url, transport, FRAMES, logdir, name)
    return st.reader_gst(url, transport, GST_SECS, logdir, name, codec=gcodec)


def check_sdp(res, codec):
    sdp = res.body.decode('latin-1')
    assert 'm=video' in sdp and 'm=audio' in sdp, f'SDP lacks a track:\n{sdp}'
    enc = 'H265/90000' if codec == 'h265' else 'H264/90000'
    assert enc in sdp, f'SDP lacks {enc}:\n{sdp}'
    assert ('mpeg4-generic' in sdp.lower() or 'mp4a-latm' in sdp.lower()), \
        f'SDP lacks the AAC track format:\n{sdp}'


def run_case(sluice, logdir, pub, pub_tr, rd, rd_tr, codec='h264'):
    srv = sluice()
    p = start_publisher(pub, srv, 'stream', pub_tr, logdir, codec)
    desc = st.wait_stream(srv.rtsp_port, 'stream', publisher=p)
    check_sdp(desc, codec)
    got = read(rd, srv, 'stream', rd_tr, logdir, f'{rd}-{rd_tr}', codec)
    src = st.clip_md5(CLIPS[codec][2])
    try:
        st.md5seq(src, got, MIN_FRAMES)
    except AssertionError as e:
        raise AssertionError(f'{pub}/{pub_tr} -> {rd}/{rd_tr}: {e}\n'
                             f'reader exit {got.rc}, log:\n{got.log}\n'
                             f'publisher log:\n{p.tail()}\n'
                             f'sluice log:\n{srv.proc.tail(20)}') from None
    assert p.alive(), f'publisher died during the read:\n{p.tail()}'


@pytest.mark.parametrize('pub_tr', ['tcp', 'udp'])
@pytest.mark.parametrize('rd_tr', ['tcp', 'udp'])
def test_ffmpeg_to_ffmpeg(sluice, logdir, pub_tr, rd_tr):
    run_case(sluice, logdir, 'ffmpeg', pub_tr, 'ffmpeg', rd_tr)


@pytest.mark.slow
@pytest.mark.parametrize('pub,pub_tr,rd,rd_tr', [
    ('gst', 'tcp', 'ffmpeg', 'udp'),
    ('ffmpeg', 'udp', 'gst', 'tcp'),
    ('gst', 'udp', 'gst', 'udp'),
])
def test_gst_combinations(sluice, logdir, pub, pub_tr, rd, rd_tr):
    run_case(sluice, logdir, pub, pub_tr, rd, rd_tr)


def test_h265(sluice, logdir):
    run_case(sluice, logdir, 'ffmpeg', 'tcp', 'ffmpeg', 'tcp', codec='h265')


@pytest.mark.slow
def test_h265_gst(sluice, logdir):
    run_case(sluice, logdir, 'gst', 'udp', 'gst', 'tcp', codec='h265')


def test_h264_bframes(sluice, logdir):
    run_case(sluice, logdir, 'ffmpeg', 'tcp', 'ffmpeg', 'udp', codec='h264b')


def test_two_readers_same_stream(sluice, logdir):
    """Two simultaneous readers (TCP and UDP) of one publisher both get an
    intact run of frames."""
    srv = sluice()
    p = st.publish_ffmpeg(srv.url('multi'), st.clip('h264_aac.mp4'), 'tcp',
                          logdir)
    st.wait_stream(srv.rtsp_port, 'multi', publisher=p)
    a = st.FfmpegReader(srv.url('multi'), 'tcp', FRAMES, logdir, 'ra')
    b = st.FfmpegReader(srv.url('multi'), 'udp', FRAMES, logdir, 'rb')
    src = st.clip_md5('h264_aac.mp4')
    for r in (a, b):
        got = r.finish(FRAMES / st.FPS + 20)
        st.md5seq(src, got, MIN_FRAMES)
