"""Enhanced RTMP (E-RTMP, FourCC video) through Sluice, with the scripted
client tests/e2e/ertmp_client.py (no Debian 12 client speaks E-RTMP).

Expected behaviour (MediaMTX, reference/mediamtx-compat.md §5.3):
- a reader that announces `fourCcList` in connect gets H.265 as E-RTMP:
  SequenceStart (hvcC) then CodedFrames/CodedFramesX, and its decoded
  frames equal the source's;
- a reader that does NOT announce it gets no H.265 video at all: MediaMTX
  sends nothing for a track the reader cannot take. What is asserted: no
  video message of any kind arrives; the AAC track still arrives (or, if
  the server refuses a reader that can take none of the tracks, the
  connection is closed) — audio-or-close, never HEVC in a classic tag;
- an E-RTMP H.265 publisher (SequenceStart + CodedFrames/CodedFramesX,
  onMetaData videocodecid = FourCC 'hvc1') is readable over RTSP and E-RTMP.
"""

import pytest

import sluice_test as st

FRAMES = 75
MIN = 50


@pytest.fixture
def srv(sluice):
    return sluice(st.rtmp_overrides())


def rtsp_pub(srv, path, clip, logdir):
    p = st.publish_ffmpeg(srv.url(path), st.clip(clip), 'tcp', logdir)
    desc = st.wait_stream(srv.rtsp_port, path, publisher=p)
    return p, desc.body.decode('latin-1')


def test_hevc_rtsp_to_ertmp(srv, logdir):
    p, sdp = rtsp_pub(srv, 'h265', 'h265_aac.mp4', logdir)
    assert 'H265/90000' in sdp, sdp
    got = st.reader_ertmp(srv.rtmp_url('h265'), logdir, frames=FRAMES)
    rep = got.report
    assert not rep.get('errors'), rep
    assert rep['codec'] == 'hvc1', rep['video_tags']
    tags = rep['video_tags']
    assert tags.get('ex:hvc1:0'), f'no E-RTMP SequenceStart: {tags}'
    assert tags.get('ex:hvc1:1', 0) + tags.get('ex:hvc1:3', 0) >= FRAMES, tags
    st.check_frames('h265_aac.mp4', got, MIN, 'RTSP H.265 -> E-RTMP', p,
                    srv.proc)
    assert rep['audio_formats'].get('aac'), rep['audio_formats']


def test_hevc_not_sent_without_fourcc(srv, logdir):
    p, _ = rtsp_pub(srv, 'h265', 'h265_aac.mp4', logdir)
    got = st.reader_ertmp(srv.rtmp_url('h265'), logdir, frames=FRAMES,
                          secs=4, fourcc=None)
    rep = got.report
    assert rep, f'no report from the client:\n{got.log}'
    assert rep['video_msgs'] == 0, \
        f'a reader without fourCcList got video: {rep["video_tags"]}'
    assert rep['audio_msgs'] > 0 or rep['closed'], \
        f'neither audio nor a close: {rep}'
    if rep['audio_msgs']:
        assert set(rep['audio_formats']) == {'aac'}, rep['audio_formats']
    assert srv.alive()


def test_h264_with_fourcc(srv, logdir):
    """A reader announcing fourCcList still gets H.264 (classic AVC tags or
    E-RTMP 'avc1', either is fine) intact."""
    p, _ = rtsp_pub(srv, 'cam', 'h264_aac.mp4', logdir)
    got = st.reader_ertmp(srv.rtmp_url('cam'), logdir, frames=FRAMES,
                          fmt='h264')
    assert not got.report.get('errors'), got.report
    assert got.report['codec'] == 'avc1', got.report['video_tags']
    st.check_frames('h264_aac.mp4', got, MIN, 'RTSP H.264 -> E-RTMP reader',
                    p, srv.proc)


def test_ertmp_hevc_publish(srv, logdir):
    """E-RTMP H.265 publish -> RTSP read (ffmpeg) and E-RTMP read."""
    es = st.hevc_annexb('h265_aac.mp4', logdir)
    p = st.publish_ertmp_hevc(srv.rtmp_url('live/hevc'), es, logdir)
    desc = st.wait_stream(srv.rtsp_port, 'live/hevc', publisher=p)
    assert 'H265/90000' in desc.body.decode('latin-1'), desc.body
    got = st.reader_ffmpeg(srv.url('live/hevc'), 'tcp', FRAMES, logdir)
    st.check_frames('h265_aac.mp4', got, MIN, 'E-RTMP H.265 -> RTSP', p,
                    srv.proc)
    got = st.reader_ertmp(srv.rtmp_url('live/hevc'), logdir, frames=FRAMES)
    st.check_frames('h265_aac.mp4', got, MIN, 'E-RTMP H.265 -> E-RTMP', p,
                    srv.proc)
