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
  onMetaData videocodecid = FourCC 'hvc1') is readable over RTSP and E-RTMP;
- AV1, VP9 and Opus the same way: VP9 + Opus published over RTSP reach an
  E-RTMP reader that lists vp09/Opus (vpcC derived from a keyframe, an
  OpusHead for the track); E-RTMP AV1 + Opus and VP9 + Opus publishers are
  read back over E-RTMP (their av1C/vpcC/OpusHead passed on) and RTSP
  (ffmpeg 5.1 depacketizes VP9 and Opus, not AV1: AV1 is checked in the
  SDP only); readers without fourCcList get only what they can take (AAC),
  or are refused when that is nothing. Video is compared as decoded frames,
  audio as the bytes of every packet.
"""

import json
import os
import struct
import subprocess
from pathlib import Path

import pytest

import ertmp_client as ec
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


# ------------------------------------------------- AV1, VP9 and Opus
#
# Clips made here (about 1 s on 2 cores), once per module: 5 s of 320x240
# testsrc2 at 25 fps with 1 s GOPs and a 440 Hz sine.
#   vp9_opus.webm  libvpx-vp9 (realtime) + libopus 48 kHz stereo
#   vp9_aac.mp4    the same VP9 with AAC-LC
#   vp9.ivf/.mp4   its video alone (the .mp4 for ffmpeg's vpcC)
#   av1.ivf/.mp4   SVT-AV1 preset 12 (the .mp4 for ffmpeg's av1C)
#   opus.ogg       the Opus track alone (OpusHead + packets)
# and their references: decoded video frames' MD5 (framemd5) and the MD5 of
# every Opus/AAC packet (`-c copy -f framemd5`).

FF = ['ffmpeg', '-nostdin', '-hide_banner', '-loglevel', 'error', '-y',
      '-fflags', '+bitexact']
SRC_V = ['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25']
SRC_A = ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000']
VP9 = ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8',
       '-g', '25', '-keyint_min', '25', '-threads', '1', '-b:v', '400k',
       '-pix_fmt', 'yuv420p']
OPUS = ['-c:a', 'libopus', '-b:a', '64k', '-ac', '2']
PUB_LOOPS = 8  # 40 s of E-RTMP publishing: outlasts every reader below


class Clips:
    pass


def _ff(*args):
    r = subprocess.run(FF + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=120,
                       env={**os.environ, 'SVT_LOG': '1'})
    assert r.returncode == 0, r.stdout.decode(errors='replace')


def _framemd5(path):
    out = Path(str(path) + '.framemd5')
    _ff('-i', str(path), '-map', '0:v:0', '-fps_mode', 'passthrough',
        '-f', 'framemd5', str(out))
    return st.read_framemd5(out)


def _packetmd5(path):
    out = Path(str(path) + '.audio.framemd5')
    _ff('-i', str(path), '-map', '0:a:0', '-c', 'copy', '-f', 'framemd5',
        str(out))
    return st.read_framemd5(out)


@pytest.fixture(scope='module')
def clips(tmp_path_factory, media):
    d = tmp_path_factory.mktemp('ertmp_clips')
    c = Clips()
    c.dir = d
    c.vp9_opus = d / 'vp9_opus.webm'
    _ff(*SRC_V, *SRC_A, '-t', '5', *VP9, *OPUS, str(c.vp9_opus))
    c.vp9_aac = d / 'vp9_aac.mp4'
    _ff('-i', str(c.vp9_opus), *SRC_A, '-map', '0:v', '-map', '1:a', '-t',
        '5', '-c:v', 'copy', '-c:a', 'aac', '-b:a', '64k', '-ac', '2',
        str(c.vp9_aac))
    c.vp9_ivf = d / 'vp9.ivf'
    _ff('-i', str(c.vp9_opus), '-map', '0:v', '-c', 'copy', str(c.vp9_ivf))
    c.vp9_mp4 = d / 'vp9.mp4'
    _ff('-i', str(c.vp9_opus), '-map', '0:v', '-c', 'copy', str(c.vp9_mp4))
    c.opus_ogg = d / 'opus.ogg'
    _ff('-i', str(c.vp9_opus), '-map', '0:a', '-c', 'copy', str(c.opus_ogg))
    c.av1_ivf = d / 'av1.ivf'
    _ff(*SRC_V, '-t', '5', '-c:v', 'libsvtav1', '-preset', '12', '-g', '25',
        '-pix_fmt', 'yuv420p', str(c.av1_ivf))
    c.av1_mp4 = d / 'av1.mp4'
    _ff('-i', str(c.av1_ivf), '-c', 'copy', str(c.av1_mp4))
    c.vp9_md5 = _framemd5(c.vp9_ivf)
    c.av1_md5 = _framemd5(c.av1_ivf)
    c.opus_md5 = _packetmd5(c.opus_ogg)
    c.aac_md5 = _packetmd5(c.vp9_aac)
    assert len(c.vp9_md5) == 125 and len(c.av1_md5) == 125
    assert len(c.opus_md5) >= 240  # 20 ms packets
    c.av1c = ec.mp4_box_payload(c.av1_mp4, 'av1C')
    c.vpcc = ec.mp4_box_payload(c.vp9_mp4, 'vpcC')
    c.opus_head = ec.read_ogg_packets(c.opus_ogg)[0]
    return c


def publish_ertmp(url, logdir, name, video=None, config=None, audio=None,
                  loops=PUB_LOOPS):
    argv = ['/usr/bin/python3', str(st.ERTMP_CLIENT), 'publish', url,
            '--loops', str(loops)]
    if video:
        argv += ['--video', str(video), '--video-config', str(config)]
    if audio:
        argv += ['--audio', str(audio)]
    return st.Proc(argv, Path(logdir) / f'{name}.log', name=name,
                   bound=loops * 5 + 20)


def ertmp_read(url, logdir, name, fourcc=('av01', 'vp09', 'Opus'),
               frames=FRAMES, secs=12):
    return st.reader_ertmp(url, logdir, name=name, frames=frames, secs=secs,
                           fourcc=fourcc, fmt='ivf')


class ErtmpReader:
    """ertmp_client.py as a reader running in the background (IVF out), for
    readers that must overlap; finish() gives what st.reader_ertmp does."""

    def __init__(self, url, logdir, name, fourcc=('av01', 'vp09', 'Opus'),
                 frames=FRAMES, secs=12):
        self.logdir, self.name, self.secs = logdir, name, secs
        self.out = Path(logdir) / f'{name}.ivf'
        argv = ['/usr/bin/python3', str(st.ERTMP_CLIENT), url, str(self.out),
                '--frames', str(frames), '--secs', str(secs)]
        argv += ['--fourcc', ','.join(fourcc)] if fourcc else ['--no-fourcc']
        self.proc = st.Proc(argv, Path(logdir) / f'{name}.log', name=name,
                            bound=secs + 15)

    def finish(self):
        rc = self.proc.wait(self.secs + 20)
        if rc is None:
            rc, _ = self.proc.stop(grace=3)
        else:
            self.proc.stop()
        report = {}
        for line in self.proc.log_text().splitlines():
            if line.startswith('{'):
                report = json.loads(line)
        f = (st.hash_file(self.out, self.logdir, self.name, fmt='ivf')
             if self.out.exists() and self.out.stat().st_size else st.Frames())
        f.rc, f.log, f.report = rc, self.proc.tail(20), report
        return f


def check_video(src, got, what, *procs):
    try:
        return st.md5seq(src, got, MIN)
    except AssertionError as e:
        more = ''.join(f'\n--- {p.name} log:\n{p.tail(20)}' for p in procs)
        raise AssertionError(f'{what}: {e}\nreader exit {got.rc}, log:\n'
                             f'{got.log}{more}') from None


def vpcc_fields(rec):
    """profile, bit depth, chroma class (4:2:0 either siting), full range of
    a vpcC record (without the FullBox header)."""
    chroma = (rec[2] >> 1) & 7
    return rec[0], rec[2] >> 4, 1 if chroma < 2 else chroma, rec[2] & 1


def test_vp9_opus_rtsp_to_ertmp(srv, logdir, clips):
    """ffmpeg publishes VP9 + Opus over RTSP; an E-RTMP reader announcing
    vp09 and Opus gets VP9 as E-RTMP (SequenceStart with a vpcC derived
    from the first keyframe, coded frames) and Opus as ExAudio (OpusHead,
    packets): decoded VP9 frames and Opus packets equal the source's."""
    p = st.publish_ffmpeg(srv.url('vp9'), clips.vp9_opus, 'tcp', logdir,
                          extra=('-strict', 'experimental'))
    desc = st.wait_stream(srv.rtsp_port, 'vp9', publisher=p)
    sdp = desc.body.decode('latin-1')
    assert 'VP9/90000' in sdp and 'opus/48000/2' in sdp.lower(), sdp
    got = ertmp_read(srv.rtmp_url('vp9'), logdir, 'ertmp_vp9')
    rep = got.report
    assert not rep.get('errors'), rep
    assert rep['codec'] == 'vp09', rep['video_tags']
    tags = rep['video_tags']
    assert tags.get('ex:vp09:0') == 1, f'one SequenceStart expected: {tags}'
    assert tags.get('ex:vp09:1', 0) >= FRAMES, tags
    check_video(clips.vp9_md5, got, 'RTSP VP9 -> E-RTMP', p, srv.proc)
    # vpcC behind its FullBox header (version 1, flags 0); the fields a
    # decoder needs equal ffmpeg's own vpcC for this stream.
    cfg = bytes.fromhex(rep['video_config'])
    assert cfg[:4] == b'\x01\x00\x00\x00' and len(cfg) == 12, cfg.hex()
    assert vpcc_fields(cfg[4:]) == vpcc_fields(clips.vpcc[4:]), \
        (cfg.hex(), clips.vpcc.hex())
    # Opus: an OpusHead for the track (stereo, pre-skip 3840 as MediaMTX
    # sends: RTP carries none), then the packets byte for byte.
    assert rep['audio_formats'].get('ex:Opus:0') == 1, rep['audio_formats']
    head = bytes.fromhex(rep['audio_config'])
    assert head[:8] == b'OpusHead' and head[9] == 2, head.hex()
    assert struct.unpack_from('<H', head, 10)[0] == 3840, head.hex()
    st.check_audio_run(clips.opus_md5, rep['audio_md5'], 100)


def test_vp9_aac_without_fourcc(srv, logdir, clips):
    """A reader without fourCcList on a VP9 + AAC stream gets the AAC track
    (intact) and no video message at all, while a fourCcList reader at the
    same time gets both."""
    p = st.publish_ffmpeg(srv.url('vp9aac'), clips.vp9_aac, 'tcp', logdir,
                          extra=('-strict', 'experimental'))
    st.wait_stream(srv.rtsp_port, 'vp9aac', publisher=p)
    both = ErtmpReader(srv.rtmp_url('vp9aac'), logdir, 'ertmp')
    plain = ErtmpReader(srv.rtmp_url('vp9aac'), logdir, 'plain', fourcc=None,
                        secs=4)
    plain, both = plain.finish(), both.finish()
    rep = plain.report
    assert rep, f'no report from the client:\n{plain.log}'
    assert not rep.get('errors'), rep
    assert rep['video_msgs'] == 0, rep['video_tags']
    assert set(rep['audio_formats']) == {'aac'}, rep['audio_formats']
    st.check_audio_run(clips.aac_md5, rep['audio_md5'], 150)
    assert rep['metadata'] and 'videocodecid' not in rep['metadata'], \
        rep['metadata']
    assert both.report['codec'] == 'vp09', both.report
    check_video(clips.vp9_md5, both, 'RTSP VP9+AAC -> E-RTMP', p, srv.proc)
    st.check_audio_run(clips.aac_md5, both.report['audio_md5'], 50)
    assert srv.alive()


@pytest.mark.slow
def test_ertmp_av1_opus_publish(srv, logdir, clips):
    """E-RTMP AV1 + Opus publish -> (a) a second E-RTMP reader: decoded AV1
    frames equal the source's, the av1C equals ffmpeg's, the OpusHead and
    every Opus packet are the publisher's; (b) RTSP: the SDP offers AV1 and
    Opus, and ffmpeg reads the Opus packets intact (ffmpeg 5.1 has no AV1
    RTP depacketizer, so AV1 over RTSP is checked only in the SDP); (c) a
    reader without fourCcList is refused (it can take neither track) and
    nothing else is disturbed."""
    url = srv.rtmp_url('live/av1')
    p = publish_ertmp(url, logdir, 'pub_av1', clips.av1_ivf, clips.av1_mp4,
                      clips.opus_ogg)
    desc = st.wait_rtsp_stream(srv, 'live/av1', p)
    sdp = desc.body.decode('latin-1')
    assert 'AV1/90000' in sdp, sdp
    assert 'opus/48000/2' in sdp and 'sprop-stereo=1' in sdp, sdp
    # (a)
    got = ertmp_read(url, logdir, 'ertmp_av1')
    rep = got.report
    assert not rep.get('errors'), rep
    assert rep['codec'] == 'av01', rep['video_tags']
    assert rep['video_tags'].get('ex:av01:0') == 1, rep['video_tags']
    check_video(clips.av1_md5, got, 'E-RTMP AV1 -> E-RTMP', p, srv.proc)
    assert bytes.fromhex(rep['video_config']) == clips.av1c, \
        (rep['video_config'], clips.av1c.hex())
    assert bytes.fromhex(rep['audio_config']) == clips.opus_head
    st.check_audio_run(clips.opus_md5, rep['audio_md5'], 100)
    # (b)
    a = st.audio_md5s(srv.url('live/av1'), logdir, 'rtsp_opus', 'tcp',
                      packets=150)
    st.check_audio_run(clips.opus_md5, a, 100)
    # (c)
    plain = ertmp_read(url, logdir, 'plain', fourcc=None, secs=4)
    prep = plain.report
    assert prep, f'no report:\n{plain.log}'
    assert prep['video_msgs'] == 0 and prep['audio_msgs'] == 0, prep
    assert prep['closed'] or 'NetStream.Play.Failed' in prep['status'], prep
    assert srv.alive() and p.alive(), p.tail()


@pytest.mark.slow
def test_ertmp_vp9_opus_publish(srv, logdir, clips):
    """E-RTMP VP9 + Opus publish -> an E-RTMP reader (decoded frames, the
    publisher's vpcC and OpusHead, Opus packets) and ffmpeg over RTSP
    (decoded VP9 frames, Opus packets)."""
    url = srv.rtmp_url('live/vp9')
    p = publish_ertmp(url, logdir, 'pub_vp9', clips.vp9_ivf, clips.vp9_mp4,
                      clips.opus_ogg)
    desc = st.wait_rtsp_stream(srv, 'live/vp9', p)
    assert 'VP9/90000' in desc.body.decode('latin-1'), desc.body
    got = ertmp_read(url, logdir, 'ertmp_vp9')
    rep = got.report
    assert not rep.get('errors'), rep
    assert rep['codec'] == 'vp09', rep['video_tags']
    check_video(clips.vp9_md5, got, 'E-RTMP VP9 -> E-RTMP', p, srv.proc)
    assert bytes.fromhex(rep['video_config']) == clips.vpcc, \
        (rep['video_config'], clips.vpcc.hex())
    assert bytes.fromhex(rep['audio_config']) == clips.opus_head
    st.check_audio_run(clips.opus_md5, rep['audio_md5'], 100)
    got = st.reader_ffmpeg(srv.url('live/vp9'), 'tcp', FRAMES, logdir)
    check_video(clips.vp9_md5, got, 'E-RTMP VP9 -> RTSP', p, srv.proc)
    a = st.audio_md5s(srv.url('live/vp9'), logdir, 'rtsp_opus', 'tcp',
                      packets=150)
    st.check_audio_run(clips.opus_md5, a, 100)


def test_ertmp_publish_to_the_end(srv, logdir, clips):
    """An E-RTMP VP9 + Opus publisher that plays its clip once and ends with
    a video SequenceEnd: the reader gets intact frames until the stream
    ends, then NetStream.Play.UnpublishNotify and a close; the publisher
    leaves without an error and the server stays up."""
    url = srv.rtmp_url('live/once')
    p = publish_ertmp(url, logdir, 'pub_once', clips.vp9_ivf, clips.vp9_mp4,
                      clips.opus_ogg, loops=1)
    st.wait_rtsp_stream(srv, 'live/once', p)
    got = ertmp_read(url, logdir, 'ertmp_once', frames=500, secs=15)
    rep = got.report
    assert not rep.get('errors'), rep
    assert rep['closed'], rep
    assert 'NetStream.Play.UnpublishNotify' in rep['status'], rep['status']
    check_video(clips.vp9_md5, got, 'E-RTMP VP9 until its end', p, srv.proc)
    assert p.wait(10) == 0, p.tail()
    pub = json.loads(p.log_text().strip().splitlines()[-1])
    assert pub['error'] is None and pub['video_sent'] == 125, pub
    assert srv.alive()
