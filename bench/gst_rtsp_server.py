#!/usr/bin/python3
"""GStreamer RTSP server (gst-rtsp-server 1.22 through python3-gi): the peer
Sluice is compared with in bench/run.py, and the reference server the e2e
harness checks its own clients against (tests/e2e/test_harness.py).

usage: gst_rtsp_server.py --port PORT [--udp-ts UDPPORT] [--record DIR]
                          [--protocols tcp|udp|tcp+udp]

  --udp-ts UDPPORT  mount /live: one shared media fed by MPEG-TS on
                    udp://127.0.0.1:UDPPORT (H.264 + AAC), re-payloaded
                    as RTP (pay0 = H.264, pay1 = AAC mpeg4-generic).
                    Never suspended. Once its last client leaves, the shared
                    media cannot be prepared again, so bench/run.py keeps
                    one permanent "anchor" reader connected.
  --record DIR      RECORD mounts: /record (video first in the SDP, as
                    ffmpeg announces) and /record_af (audio first, as
                    rtspclientsink announces); the H.264 video is written
                    to DIR/record.h264 or DIR/record_af.h264.

Prints "ready" on stdout once listening. Stop it with SIGINT/SIGTERM.
"""

import argparse
import signal
import sys

import gi

gi.require_version('Gst', '1.0')
gi.require_version('GstRtsp', '1.0')
gi.require_version('GstRtspServer', '1.0')
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402


def live_factory(udp_port, protocols):
    f = GstRtspServer.RTSPMediaFactory()
    f.set_launch(
        f'( udpsrc address=127.0.0.1 port={udp_port} buffer-size=8388608 '
        'caps="video/mpegts,systemstream=(boolean)true,packetsize=(int)188" '
        '! tsdemux name=d '
        'd. ! queue ! h264parse ! rtph264pay name=pay0 pt=96 config-interval=-1 '
        'd. ! queue ! aacparse ! rtpmp4gpay name=pay1 pt=97 )')
    f.set_shared(True)
    f.set_suspend_mode(GstRtspServer.RTSPSuspendMode.NONE)
    f.set_protocols(protocols)
    return f


def record_factory(path, audio_first, protocols):
    """RECORD endpoint: the H.264 stream is depayloaded into an elementary
    stream file; the audio stream is decoded and dropped."""
    f = GstRtspServer.RTSPMediaFactory()
    f.set_transport_mode(GstRtspServer.RTSPTransportMode.RECORD)
    video = ('rtph264depay name=depay{} ! h264parse ! '
             'video/x-h264,stream-format=byte-stream,alignment=au ! '
             f'filesink location={path} async=false')
    audio = 'decodebin name=depay{} ! fakesink async=false'
    if audio_first:
        launch = f'( {audio.format(0)}  {video.format(1)} )'
    else:
        launch = f'( {video.format(0)}  {audio.format(1)} )'
    f.set_launch(launch)
    f.set_latency(100)
    f.set_protocols(protocols)
    return f


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--port', type=int, required=True)
    ap.add_argument('--udp-ts', type=int)
    ap.add_argument('--record')
    ap.add_argument('--protocols', default='tcp+udp')
    a = ap.parse_args()

    Gst.init(None)
    protocols = GstRtsp.RTSPLowerTrans(0)
    if 'tcp' in a.protocols:
        protocols |= GstRtsp.RTSPLowerTrans.TCP
    if 'udp' in a.protocols:
        protocols |= GstRtsp.RTSPLowerTrans.UDP

    server = GstRtspServer.RTSPServer()
    server.set_address('127.0.0.1')
    server.set_service(str(a.port))
    mounts = server.get_mount_points()
    if a.udp_ts:
        mounts.add_factory('/live', live_factory(a.udp_ts, protocols))
    if a.record:
        mounts.add_factory('/record', record_factory(
            f'{a.record}/record.h264', False, protocols))
        mounts.add_factory('/record_af', record_factory(
            f'{a.record}/record_af.h264', True, protocols))
    if server.attach(None) == 0:
        print(f'cannot listen on 127.0.0.1:{a.port}', file=sys.stderr)
        sys.exit(1)

    loop = GLib.MainLoop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, sig, loop.quit)
    print('ready', flush=True)
    loop.run()


if __name__ == '__main__':
    main()
