"""SRT publish and read through Sluice with real clients (ffmpeg,
GStreamer srtsink/srtsrc, srt-live-transmit), conversion to and from RTSP
and RTMP, passphrases and refusals. Decoded video frames must be a
contiguous run of the source's.

SRT behaviour expected (MediaMTX, reference/mediamtx-compat.md §5.6):
- stream id `publish:path[:user:pass][:query]` / `read:path...`, or
  `#!::m=publish|request,r=path,u=..,s=..`; MPEG-TS in 1316-byte messages;
- per-path srtPublishPassphrase / srtReadPassphrase: a caller without the
  right one is refused by libsrt's own handshake check;
- a malformed stream id, an unconfigured path or failed authentication is
  refused during the handshake; everyone else keeps being served.
"""

import subprocess
import time
from pathlib import Path

import pytest

import sluice_test as st

FRAMES = 75
MIN = 50
PASSPHRASE = 'correct-horse-42'


def srt_sluice(sluice, **over):
    cfg = st.srt_overrides()
    cfg.update(over)
    return sluice(cfg)


def start_srt_pub(srv, path, logdir, clip='h264_aac.ts', name='srtpub',
                  streamid=None, auth=None, **params):
    p = st.publish_srt_ffmpeg(srv.srt_url(streamid or f'publish:{path}',
                                          **params),
                              st.clip(clip), logdir, name)
    st.wait_stream(srv.rtsp_port, path, publisher=p, auth=auth)
    return p


def test_ffmpeg_to_ffmpeg(sluice, logdir):
    """ffmpeg publishes MPEG-TS over SRT, ffmpeg reads it back over SRT."""
    srv = srt_sluice(sluice)
    p = start_srt_pub(srv, 'cam', logdir)
    got = st.reader_srt_ffmpeg(srv.srt_url('read:cam'), FRAMES, logdir)
    st.check_frames('h264_aac.ts', got, MIN, 'srt -> srt', p, srv.proc)


def test_standard_streamid_syntax(sluice, logdir):
    """#!::m=publish,r=... and #!::r=...,m=request work as the custom one."""
    srv = srt_sluice(sluice)
    p = start_srt_pub(srv, 'std/cam', logdir,
                      streamid='#!::m=publish,r=std/cam')
    got = st.reader_srt_ffmpeg(srv.srt_url('#!::r=std/cam,m=request'),
                               FRAMES, logdir)
    st.check_frames('h264_aac.ts', got, MIN, 'srt #!::', p, srv.proc)


@pytest.mark.parametrize('reader', ['rtsp', 'rtmp'])
def test_srt_to_other_protocols(sluice, logdir, reader):
    """SRT publish -> RTSP and RTMP readers, bit-exact."""
    srv = srt_sluice(sluice, **st.rtmp_overrides())
    p = start_srt_pub(srv, 'conv', logdir)
    if reader == 'rtsp':
        got = st.reader_ffmpeg(srv.url('conv'), 'tcp', FRAMES, logdir)
    else:
        got = st.reader_rtmp_ffmpeg(srv.rtmp_url('conv'), FRAMES, logdir)
    st.check_frames('h264_aac.ts', got, MIN, f'srt -> {reader}', p, srv.proc)


@pytest.mark.parametrize('publisher', ['rtsp', 'rtmp'])
def test_other_protocols_to_srt(sluice, logdir, publisher):
    """RTSP and RTMP publish -> SRT reader, bit-exact."""
    srv = srt_sluice(sluice, **st.rtmp_overrides())
    if publisher == 'rtsp':
        p = st.publish_ffmpeg(srv.url('conv'), st.clip('h264_aac.mp4'),
                              log_dir=logdir)
    else:
        p = st.publish_rtmp_ffmpeg(srv.rtmp_url('conv'),
                                   st.clip('h264_aac.flv'), logdir)
    st.wait_stream(srv.rtsp_port, 'conv', publisher=p)
    got = st.reader_srt_ffmpeg(srv.srt_url('read:conv'), FRAMES, logdir)
    st.check_frames('h264_aac.mp4', got, MIN, f'{publisher} -> srt', p,
                    srv.proc)


@pytest.mark.parametrize('clip', ['h264b_aac.mp4', 'h265_aac.mp4'])
def test_bframes_and_h265_through_srt(sluice, logdir, clip):
    """H.264 with B-frames and H.265 published over RTSP, read over SRT
    (DTS from picture order into MPEG-TS), and back: SRT -> RTSP."""
    srv = srt_sluice(sluice)
    p = st.publish_ffmpeg(srv.url('b'), st.clip(clip), log_dir=logdir)
    st.wait_stream(srv.rtsp_port, 'b', publisher=p)
    got = st.reader_srt_ffmpeg(srv.srt_url('read:b'), FRAMES, logdir)
    st.check_frames(clip, got, MIN, f'rtsp -> srt {clip}', p, srv.proc)
    ts = Path(logdir) / 'relay.ts'
    r = st.Proc(['ffmpeg', '-nostdin', '-hide_banner', '-loglevel', 'warning',
                 '-i', srv.srt_url('read:b'), '-map', '0', '-c', 'copy',
                 '-t', '8', '-f', 'mpegts', str(ts)],
                Path(logdir) / 'relay.log', name='relay', bound=20)
    r.wait(25)
    r.stop()
    p2 = start_srt_pub(srv, 'b2', logdir, clip=str(ts), name='srtpub2')
    got = st.reader_ffmpeg(srv.url('b2'), 'tcp', FRAMES, logdir, 'rtspreader')
    st.check_frames(clip, got, MIN, f'srt -> rtsp {clip}', p2, srv.proc)


def test_gstreamer_publish(sluice, logdir):
    """GStreamer srtsink publishes (mpegtsmux alignment=7); ffmpeg reads."""
    srv = srt_sluice(sluice)
    port = st.addr_port(srv.config['srtAddress'])
    src = st.clip('h264_aac_long.mp4')
    pub = st.Proc(['gst-launch-1.0', '-e', 'filesrc', f'location={src}', '!',
                   'qtdemux', 'name=d', 'd.video_0', '!', 'queue', '!',
                   'h264parse', '!', 'mpegtsmux', 'name=m', 'alignment=7', '!',
                   'srtsink', f'uri=srt://{st.HOST}:{port}',
                   'streamid=publish:gst', 'latency=120', 'sync=true',
                   'd.audio_0', '!', 'queue', '!', 'aacparse', '!', 'm.'],
                  Path(logdir) / 'gstpub.log', name='gstpub', bound=40)
    st.wait_stream(srv.rtsp_port, 'gst', publisher=pub)
    got = st.reader_srt_ffmpeg(srv.srt_url('read:gst'), FRAMES, logdir)
    st.check_frames('h264_aac_long.mp4', got, MIN, 'gst srtsink -> srt', pub,
                    srv.proc)


def test_gstreamer_read(sluice, logdir):
    """GStreamer srtsrc ! tsdemux reads an ffmpeg-published stream."""
    srv = srt_sluice(sluice)
    port = st.addr_port(srv.config['srtAddress'])
    pub = start_srt_pub(srv, 'gst', logdir)
    es = Path(logdir) / 'gstread.h264'
    got = st._run_gst_then_hash(
        f'srtsrc uri=srt://{st.HOST}:{port}?mode=caller streamid=read:gst '
        f'latency=120 ! tsdemux name=d d. ! queue ! h264parse ! '
        f'video/x-h264,stream-format=byte-stream ! filesink location={es}',
        es, 6, logdir, 'gstread')
    st.check_frames('h264_aac.ts', got, MIN, 'srt -> gst srtsrc', pub,
                    srv.proc)


def test_srt_live_transmit(sluice, logdir):
    """srt-live-transmit publishes (1456-byte messages, TS packets straddle
    them) and reads."""
    srv = srt_sluice(sluice)
    feed = st.Proc(['sh', '-c',
                    f'ffmpeg -nostdin -hide_banner -loglevel error -re '
                    f'-stream_loop -1 -i {st.clip("h264_aac.ts")} -c copy '
                    f'-f mpegts - | srt-live-transmit -a no -q file://con '
                    f'"{srv.srt_url("publish:slt", latency=120)}"'],
                   Path(logdir) / 'sltpub.log', name='sltpub', bound=60)
    st.wait_stream(srv.rtsp_port, 'slt', publisher=feed)
    got = st.reader_srt_ffmpeg(srv.srt_url('read:slt'), FRAMES, logdir)
    st.check_frames('h264_aac.ts', got, MIN, 'slt -> srt', feed, srv.proc)
    out = Path(logdir) / 'sltread.ts'
    rd = st.Proc(['sh', '-c',
                  f'srt-live-transmit -a no -q '
                  f'"{srv.srt_url("read:slt", latency=120)}" file://con '
                  f'> {out}'],
                 Path(logdir) / 'sltread.log', name='sltread', bound=6)
    rd.wait(12)
    rd.stop()
    got = st.hash_file(out, logdir, 'sltread', fmt='mpegts')
    got.log = rd.tail()
    st.check_frames('h264_aac.ts', got, MIN, 'srt -> slt', feed, srv.proc)


def _refused(url, logdir, name):
    """ffmpeg cannot read url (refused during the handshake)."""
    r = subprocess.run(['ffmpeg', '-nostdin', '-hide_banner', '-loglevel',
                        'warning', '-i', url, '-frames:v', '1', '-f', 'null',
                        '-'], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=20)
    (Path(logdir) / f'{name}.log').write_bytes(r.stdout)
    return r.returncode != 0


def test_passphrases_and_refusals(sluice, logdir):
    """Per-path passphrases: readers without the right one are refused by
    libsrt's check; a malformed stream id, an unknown path and wrong
    credentials are refused during the handshake. A reader that was
    already connected keeps getting frames through all of it."""
    users = [{'user': 'any', 'pass': '', 'ips': [],
              'permissions': [{'action': 'read'}, {'action': 'publish'}]}]
    srv = srt_sluice(sluice, paths={
        'secret': {'srtPublishPassphrase': PASSPHRASE,
                   'srtReadPassphrase': PASSPHRASE},
        'open': {}})
    p = start_srt_pub(srv, 'secret', logdir, passphrase=PASSPHRASE)
    steady = st.FfmpegReader(srv.srt_url('read:secret', passphrase=PASSPHRASE),
                             None, 200, logdir, 'steady', bound=30)
    assert _refused(srv.srt_url('read:secret'), logdir, 'nopass')
    assert _refused(srv.srt_url('read:secret', passphrase='wrong-pass-123'),
                    logdir, 'wrongpass')
    assert _refused(srv.srt_url('bogus'), logdir, 'badid')
    assert _refused(srv.srt_url('read:'), logdir, 'emptypath')
    assert _refused(srv.srt_url('read:notconfigured'), logdir, 'unknown')
    assert 'refused a caller' in srv.log_text()
    got = steady.finish(30)
    st.check_frames('h264_aac.ts', got, 150, 'steady reader', p, srv.proc)
    assert users  # (credentials are covered by test_credentials)


def test_credentials(sluice, logdir):
    """publish:path:user:pass with internal users: wrong credentials are
    refused in the handshake, right ones publish and read."""
    users = [{'user': 'alice', 'pass': 'Secr3t-pw', 'ips': [],
              'permissions': [{'action': 'publish'}, {'action': 'read'}]}]
    srv = srt_sluice(sluice, authInternalUsers=users)
    p = start_srt_pub(srv, 'priv', logdir,
                      streamid='publish:priv:alice:Secr3t-pw',
                      auth=st.basic_auth('alice', 'Secr3t-pw'))
    assert _refused(srv.srt_url('read:priv'), logdir, 'nocred')
    assert _refused(srv.srt_url('read:priv:alice:nope'), logdir, 'badcred')
    got = st.reader_srt_ffmpeg(srv.srt_url('read:priv:alice:Secr3t-pw'),
                               FRAMES, logdir)
    st.check_frames('h264_aac.ts', got, MIN, 'srt with credentials', p,
                    srv.proc)
