/*
 * Fuzz target: AAC depacketizers.  The first byte chooses the format
 * (bit 0: MP4A-LATM, else mpeg4-generic; bit 1: generic low bit-rate
 * 6/2/2 AU headers instead of 13/3/3; bit 2: 960-sample frames / a LATM
 * config with two subframes and other data); the rest is a sequence of RTP
 * packets, each a 2-byte big-endian length and the packet.  Property: no
 * crash, no leak, every AU non-empty and within SL_AAC_MAX_AU_SIZE.
 */
#include "base/bytes.h"
#include "codec/aac.h"
#include "proto/rtp/depack.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static void on_au(void *ud, const struct sl_rtp_au *au);


static void
on_au(void *ud, const struct sl_rtp_au *au)
{
    (void)ud;
    if (au->len == 0 || au->len > SL_AAC_MAX_AU_SIZE) {
        abort();
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sl_rtp_format  f;
    struct sl_rtp_depack *d;
    struct sl_str         enc;
    struct sl_str         fmtp;
    size_t                off = 1;
    uint8_t               mode;

    if (size < 1) {
        return 0;
    }
    mode = data[0];
    if (mode & 1) {
        enc = sl_str_lit("MP4A-LATM");
        fmtp = (mode & 4) ? sl_str_lit("cpresent=0;config=410023203fe10d58")
                          : sl_str_lit("cpresent=0;config=400024203fc0");
    } else {
        enc = sl_str_lit("mpeg4-generic");
        if (mode & 2) {
            fmtp = (mode & 4) ? sl_str_lit("sizelength=6;indexlength=2;"
                                           "indexdeltalength=2;config=1194")
                              : sl_str_lit("sizelength=6;indexlength=2;"
                                           "indexdeltalength=2;config=1210");
        } else {
            fmtp = (mode & 4) ? sl_str_lit("sizelength=13;indexlength=3;"
                                           "indexdeltalength=3;config=1194")
                              : sl_str_lit("sizelength=13;indexlength=3;"
                                           "indexdeltalength=3;config=1210");
        }
    }
    if (sl_rtp_format_from_sdp(&f, 97, enc, 44100, 2, fmtp) != 0) {
        abort();
    }
    d = sl_rtp_depack_new(&f);
    while (size - off >= 2) {
        size_t            len = sl_rb16(data + off);
        struct sl_rtp_pkt pkt;

        off += 2;
        if (len > size - off) {
            len = size - off;
        }
        if (sl_rtp_parse(data + off, len, &pkt) == 0) {
            (void)sl_rtp_depack_push(d, &pkt, on_au, NULL);
        }
        off += len;
    }
    sl_rtp_depack_free(&d);
    return 0;
}
