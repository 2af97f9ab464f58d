"""Conversion between RTMP and RTSP through Sluice: a stream published with
one protocol is read with the other, for every codec both share (H.264,
AAC, MP3; H.265 is in test_rtmp_enhanced.py, since RTMP carries it only as
Enhanced RTMP). Video must decode bit-exact, including H.264 with B-frames
(PTS != DTS: RTMP's composition time <-> RTP timestamps); AAC access units
must be the source's, in order."""

import pytest

import sluice_test as st

FRAMES = 75
MIN = 50


def srv_rtmp(sluice):
    return sluice(st.rtmp_overrides())


def rtmp_publish(srv, path, clip, logdir):
    p = st.publish_rtmp_ffmpeg(srv.rtmp_url(path), st.clip(clip), logdir)
    desc = st.wait_stream(srv.rtsp_port, path, publisher=p)
    return p, desc.body.decode('latin-1')


def rtsp_publish(srv, path, clip, logdir, transport='tcp'):
    p = st.publish_ffmpeg(srv.url(path), st.clip(clip), transport, logdir)
    st.wait_stream(srv.rtsp_port, path, publisher=p)
    return p


# ---------------------------------------------------------------- RTMP -> RTSP

@pytest.mark.parametrize('transport', ['tcp', 'udp'])
def test_rtmp_to_rtsp_ffmpeg(sluice, logdir, transport):
    srv = srv_rtmp(sluice)
    p, sdp = rtmp_publish(srv, 'live/conv', 'h264_aac.flv', logdir)
    assert 'H264/90000' in sdp and 'm=audio' in sdp, sdp
    got = st.reader_ffmpeg(srv.url('live/conv'), transport, FRAMES, logdir)
    st.check_frames('h264_aac.mp4', got, MIN, f'RTMP -> RTSP/{transport}', p,
                    srv.proc)


def test_rtmp_to_rtsp_aac(sluice, logdir):
    srv = srv_rtmp(sluice)
    p, sdp = rtmp_publish(srv, 'live/conv', 'h264_aac.flv', logdir)
    assert 'mpeg4-generic' in sdp.lower() or 'mp4a-latm' in sdp.lower(), sdp
    src = st.audio_md5s(st.clip('h264_aac.mp4'), logdir)
    got = st.audio_md5s(srv.url('live/conv'), logdir, 'got', transport='tcp',
                        packets=120)
    st.check_audio_run(src, got, 100)


def test_rtmp_to_rtsp_gst(sluice, logdir):
    srv = srv_rtmp(sluice)
    p, _ = rtmp_publish(srv, 'live/conv', 'h264_aac.flv', logdir)
    got = st.reader_gst(srv.url('live/conv'), 'tcp', 7, logdir)
    st.check_frames('h264_aac.mp4', got, MIN, 'RTMP -> gst rtspsrc', p,
                    srv.proc)


def test_rtmp_mp3_to_rtsp(sluice, logdir):
    """MP3 from RTMP is offered over RTSP (MPEG audio, RFC 2250): the MP3
    frames arrive identical to the source's, and video stays bit-exact."""
    srv = srv_rtmp(sluice)
    p, sdp = rtmp_publish(srv, 'live/mp3', 'h264_mp3.flv', logdir)
    assert 'm=audio' in sdp and 'MPA/90000' in sdp, sdp
    got = st.reader_ffmpeg(srv.url('live/mp3'), 'tcp', FRAMES, logdir)
    st.check_frames('h264_mp3.flv', got, MIN, 'RTMP H.264+MP3 -> RTSP', p,
                    srv.proc)
    src = st.audio_md5s(st.clip('h264_mp3.flv'), logdir)
    audio = st.audio_md5s(srv.url('live/mp3'), logdir, 'got', transport='tcp',
                          packets=80)
    st.check_audio_run(src, audio, 60)


def test_bframes_rtmp_to_rtsp(sluice, logdir):
    srv = srv_rtmp(sluice)
    p, _ = rtmp_publish(srv, 'live/bf', 'h264b_aac.mp4', logdir)
    got = st.reader_ffmpeg(srv.url('live/bf'), 'tcp', FRAMES, logdir)
    st.check_frames('h264b_aac.mp4', got, MIN, 'B-frames RTMP -> RTSP', p,
                    srv.proc)


# ---------------------------------------------------------------- RTSP -> RTMP

@pytest.mark.parametrize('transport', ['tcp', 'udp'])
def test_rtsp_to_rtmp_ffmpeg(sluice, logdir, transport):
    srv = srv_rtmp(sluice)
    p = rtsp_publish(srv, 'cam', 'h264_aac.mp4', logdir, transport)
    got = st.reader_rtmp_ffmpeg(srv.rtmp_url('cam'), FRAMES, logdir)
    st.check_frames('h264_aac.mp4', got, MIN, f'RTSP/{transport} -> RTMP', p,
                    srv.proc)


def test_rtsp_to_rtmp_aac(sluice, logdir):
    srv = srv_rtmp(sluice)
    rtsp_publish(srv, 'cam', 'h264_aac.mp4', logdir)
    src = st.audio_md5s(st.clip('h264_aac.mp4'), logdir)
    got = st.audio_md5s(srv.rtmp_url('cam'), logdir, 'got', packets=120)
    st.check_audio_run(src, got, 100)


def test_rtsp_to_rtmp_gst(sluice, logdir):
    srv = srv_rtmp(sluice)
    p = rtsp_publish(srv, 'live/cam', 'h264_aac.mp4', logdir)
    got = st.reader_rtmp_gst(srv.rtmp_url('live/cam'), 6, logdir)
    st.check_frames('h264_aac.mp4', got, MIN, 'RTSP -> gst rtmp2src', p,
                    srv.proc)


@pytest.mark.slow
def test_rtsp_latm_to_rtmp(sluice, logdir):
    """GStreamer's rtspclientsink sends AAC as MP4A-LATM, audio first: the
    RTMP reader still gets intact video (and the server keeps the AAC)."""
    srv = srv_rtmp(sluice)
    p = st.publish_gst(srv.url('cam'), st.clip('h264_aac_long.mp4'), 'tcp',
                       logdir)
    st.wait_stream(srv.rtsp_port, 'cam', publisher=p)
    got = st.reader_rtmp_ffmpeg(srv.rtmp_url('cam'), FRAMES, logdir)
    st.check_frames('h264_aac.mp4', got, MIN, 'RTSP (LATM) -> RTMP', p,
                    srv.proc)


@pytest.mark.parametrize('reader', ['ffmpeg', 'rtmpdump'])
def test_bframes_rtsp_to_rtmp(sluice, logdir, reader):
    """Also librtmp + ffmpeg's FLV demuxer on the converted stream."""
    srv = srv_rtmp(sluice)
    # app/key: librtmp (rtmpdump) needs an application and a play path.
    p = rtsp_publish(srv, 'live/bf', 'h264b_aac.mp4', logdir)
    url = srv.rtmp_url('live/bf')
    got = (st.reader_rtmp_ffmpeg(url, FRAMES, logdir) if reader == 'ffmpeg'
           else st.reader_rtmpdump(url, 4, logdir))
    st.check_frames('h264b_aac.mp4', got, MIN, f'B-frames RTSP -> {reader}',
                    p, srv.proc)


def test_sequential_rtmp_readers_of_rtsp_stream(sluice, logdir):
    """Readers of an RTSP stream joining one after another over RTMP, each
    the only RTMP reader when it joins: the GOP snapshot a reader on
    another worker receives must carry the RTMP form too (it was skipped:
    corrupt frames until the next keyframe). Round-robin placement puts
    the three readers on both workers."""
    srv = sluice(st.rtmp_overrides())
    p = st.publish_ffmpeg(srv.url('cam'), st.clip('h264_aac.mp4'), 'tcp',
                          logdir)
    st.wait_stream(srv.rtsp_port, 'cam', publisher=p)
    for name in ('a', 'b', 'c'):
        got = st.reader_ertmp(srv.rtmp_url('cam'), logdir, name=name,
                              frames=60, fmt='h264')
        st.check_frames('h264_aac.mp4', got, 50, f'reader {name}', p,
                        srv.proc)
