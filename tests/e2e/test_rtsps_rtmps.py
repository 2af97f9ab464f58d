"""TLS for RTMP (RTMPS) and RTSP (RTSPS, TCP only), with a self-signed
certificate generated at test time.

Config (MediaMTX names):
  rtmpEncryption: no|optional|strict, rtmpsAddress, rtmpServerKey/Cert
  rtspEncryption: no|optional|strict, rtspsAddress, rtspServerKey/Cert
- optional: the plain and the TLS listener both serve;
- strict: only the TLS listener exists (the plain port refuses connections);
- the key/cert files are read again when they change: after both files are
  replaced (rename over, key first, then cert) a new TLS connection gets the
  new certificate within RELOAD_S seconds.
"""

import os
import time

import pytest

import sluice_test as st

FRAMES = 75
MIN = 50
RELOAD_S = 12


@pytest.fixture
def cert(tmp_path):
    st.require_tool('openssl')
    return st.make_cert(tmp_path, 'server')


# ---------------------------------------------------------------- RTMPS

def test_rtmps_optional_ffmpeg(sluice, logdir, cert):
    """ffmpeg publishes over RTMPS and reads over RTMPS; a plain RTMP reader
    of the same stream works too (optional)."""
    srv = sluice(st.rtmp_overrides('optional', *cert))
    p = st.publish_rtmp_ffmpeg(srv.rtmp_url('live/s', tls=True),
                               st.clip('h264_aac.flv'), logdir)
    st.wait_stream(srv.rtsp_port, 'live/s', publisher=p)
    got = st.reader_rtmp_ffmpeg(srv.rtmp_url('live/s', tls=True), FRAMES,
                                logdir, 'tls')
    st.check_frames('h264_aac.mp4', got, MIN, 'RTMPS -> RTMPS', p, srv.proc)
    got = st.reader_rtmp_ffmpeg(srv.rtmp_url('live/s'), FRAMES, logdir,
                                'plain')
    st.check_frames('h264_aac.mp4', got, MIN, 'RTMPS -> RTMP', p, srv.proc)


def test_rtmps_gst(sluice, logdir, cert):
    """GStreamer rtmp2sink / rtmp2src over TLS (tls-validation-flags=0)."""
    srv = sluice(st.rtmp_overrides('optional', *cert))
    p = st.publish_rtmp_gst(srv.rtmp_url('live/g', tls=True),
                            st.clip('h264_aac_long.mp4'), logdir, tls=True)
    st.wait_stream(srv.rtsp_port, 'live/g', publisher=p)
    got = st.reader_rtmp_gst(srv.rtmp_url('live/g', tls=True), 6, logdir,
                             tls=True)
    st.check_frames('h264_aac.mp4', got, MIN, 'gst RTMPS both ways', p,
                    srv.proc)


def test_rtmps_strict(sluice, logdir, cert):
    over = st.rtmp_overrides('strict', *cert)
    srv = sluice(over)
    plain = st.addr_port(over['rtmpAddress'])
    assert st.tcp_refused(plain), \
        f'rtmpEncryption strict: plain RTMP still listens on {plain}'
    p = st.publish_rtmp_ffmpeg(srv.rtmp_url('live/x', tls=True),
                               st.clip('h264_aac.flv'), logdir)
    st.wait_stream(srv.rtsp_port, 'live/x', publisher=p)
    got = st.reader_rtmp_ffmpeg(srv.rtmp_url('live/x', tls=True), FRAMES,
                                logdir)
    st.check_frames('h264_aac.mp4', got, MIN, 'RTMPS strict', p, srv.proc)


# ---------------------------------------------------------------- RTSPS

def test_rtsps_optional_ffmpeg(sluice, logdir, cert):
    srv = sluice(st.rtsps_overrides('optional', *cert))
    p = st.publish_ffmpeg(srv.rtsps_url('cam'), st.clip('h264_aac.mp4'), 'tcp',
                          logdir)
    st.wait_stream(srv.rtsps_port, 'cam', publisher=p, tls=True)
    got = st.reader_ffmpeg(srv.rtsps_url('cam'), 'tcp', FRAMES, logdir, 'tls')
    st.check_frames('h264_aac.mp4', got, MIN, 'RTSPS -> RTSPS', p, srv.proc)
    got = st.reader_ffmpeg(srv.url('cam'), 'udp', FRAMES, logdir, 'plain')
    st.check_frames('h264_aac.mp4', got, MIN, 'RTSPS -> RTSP/UDP', p, srv.proc)


def test_rtsps_gst(sluice, logdir, cert):
    srv = sluice(st.rtsps_overrides('optional', *cert))
    p = st.publish_gst(srv.rtsps_url('cam'), st.clip('h264_aac_long.mp4'),
                       'tcp', logdir, tls=True)
    st.wait_stream(srv.rtsps_port, 'cam', publisher=p, tls=True)
    got = st.reader_gst(srv.rtsps_url('cam'), 'tcp', 7, logdir, tls=True)
    st.check_frames('h264_aac.mp4', got, MIN, 'gst RTSPS both ways', p,
                    srv.proc)


def test_rtsps_strict(sluice, logdir, cert):
    srv = sluice(st.rtsps_overrides('strict', *cert))
    assert st.tcp_refused(srv.rtsp_port), \
        f'rtspEncryption strict: plain RTSP still listens on {srv.rtsp_port}'
    p = st.publish_ffmpeg(srv.rtsps_url('cam'), st.clip('h264_aac.mp4'), 'tcp',
                          logdir)
    st.wait_stream(srv.rtsps_port, 'cam', publisher=p, tls=True)
    got = st.reader_ffmpeg(srv.rtsps_url('cam'), 'tcp', FRAMES, logdir)
    st.check_frames('h264_aac.mp4', got, MIN, 'RTSPS strict', p, srv.proc)


# ---------------------------------------------------------------- both

def test_rtmps_to_rtsps(sluice, logdir, cert):
    """Conversion with TLS on both sides: RTMPS publish -> RTSPS read."""
    cfg = st.rtmp_overrides('optional', *cert)
    cfg.update(st.rtsps_overrides('optional', *cert))
    srv = sluice(cfg)
    p = st.publish_rtmp_ffmpeg(srv.rtmp_url('live/t', tls=True),
                               st.clip('h264_aac.flv'), logdir)
    st.wait_stream(srv.rtsps_port, 'live/t', publisher=p, tls=True)
    got = st.reader_ffmpeg(srv.rtsps_url('live/t'), 'tcp', FRAMES, logdir)
    st.check_frames('h264_aac.mp4', got, MIN, 'RTMPS -> RTSPS', p, srv.proc)


def replace_atomically(dst, src):
    tmp = dst.with_name(dst.name + '.new')
    tmp.write_bytes(src.read_bytes())
    os.replace(tmp, dst)


def test_certificate_reload(sluice, logdir, cert, tmp_path):
    """Both TLS listeners present the new certificate to new connections
    after the files are replaced, without a restart."""
    cfg = st.rtmp_overrides('optional', *cert)
    cfg.update(st.rtsps_overrides('optional', *cert))
    srv = sluice(cfg)
    crt, key = cert
    old = st.cert_fingerprint_file(crt)
    for port in (srv.rtmps_port, srv.rtsps_port):
        assert st.cert_fingerprint_served(port) == old, port

    newdir = tmp_path / 'new'
    newdir.mkdir()
    ncrt, nkey = st.make_cert(newdir, 'server')
    new = st.cert_fingerprint_file(ncrt)
    assert new != old
    replace_atomically(key, nkey)
    replace_atomically(crt, ncrt)

    for port, what in ((srv.rtmps_port, 'RTMPS'), (srv.rtsps_port, 'RTSPS')):
        deadline = time.monotonic() + RELOAD_S
        seen = None
        while time.monotonic() < deadline:
            seen = st.cert_fingerprint_served(port)
            if seen == new:
                break
            time.sleep(0.5)
        assert seen == new, (f'{what}: still serving {seen or "nothing"} '
                             f'{RELOAD_S}s after the files changed (new {new})')
    # And the listener still works with the new certificate.
    p = st.publish_rtmp_ffmpeg(srv.rtmp_url('live/r', tls=True),
                               st.clip('h264_aac.flv'), logdir)
    st.wait_stream(srv.rtsp_port, 'live/r', publisher=p)
    got = st.reader_ffmpeg(srv.rtsps_url('live/r'), 'tcp', 50, logdir)
    st.check_frames('h264_aac.mp4', got, 40, 'after reload', p, srv.proc)
