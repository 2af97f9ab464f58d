/*
 * Fuzz target: a compound RTCP packet -> sl_rtcp_parse, then every report
 * block and NACK entry is read (out-of-bounds reads show under ASan).
 * Property: no crash; SR and RR written from the parsed values parse back
 * to the same values.  The packets also drive a receiver statistics object.
 */
#include "proto/rtp/rtcp.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sl_rtcp_pkt  pkts[SL_RTCP_MAX_PKTS];
    struct sl_rtcp_pkt  back[2];
    struct sl_rtp_stats st;
    uint8_t             out[64];
    int                 n;
    int                 i;

    sl_rtp_stats_init(&st, 90000);
    n = sl_rtcp_parse(data, size, pkts, SL_RTCP_MAX_PKTS);
    for (i = 0; i < n; i++) {
        const struct sl_rtcp_pkt *k = &pkts[i];
        struct sl_rtcp_rb         rb;
        struct sl_rtcp_rb         rb2;
        unsigned                  j;

        if (k->body < data || k->len > size || k->body + k->len > data + size) {
            abort();
        }
        for (j = 0; j < k->rb_count; j++) {
            sl_rtcp_rb_get(k, j, &rb);
            (void)sl_rtp_stats_update(&st, (uint16_t)rb.ext_highest_seq,
                                      rb.jitter, rb.ssrc, rb.lsr);
            if (sl_rtcp_write_rr(out, sizeof(out), k->ssrc, &rb)
                    != SL_RTCP_RR_LEN
                || sl_rtcp_parse(out, SL_RTCP_RR_LEN, back, 2) != 1)
            {
                abort();
            }
            sl_rtcp_rb_get(&back[0], 0, &rb2);
            /* Parsed values are in range, so the RR carries them exactly. */
            if (rb2.ssrc != rb.ssrc || rb2.jitter != rb.jitter
                || rb2.cumulative_lost != rb.cumulative_lost
                || rb2.dlsr != rb.dlsr)
            {
                abort();
            }
        }
        if (k->type == SL_RTCP_RTPFB && k->count == SL_RTCP_FMT_NACK) {
            for (j = 0; j < k->fci_len / 4; j++) {
                uint16_t pid;
                uint16_t blp;

                sl_rtcp_nack_get(k, j, &pid, &blp);
            }
        }
        if (k->type == SL_RTCP_SR) {
            sl_rtp_stats_on_sr(&st, k->ntp, 0);
            if (sl_rtcp_write_sr(out, sizeof(out), k->ssrc, k->ntp, k->rtp_ts,
                                 k->packets, k->octets)
                    != SL_RTCP_SR_LEN
                || sl_rtcp_parse(out, SL_RTCP_SR_LEN, back, 2) != 1
                || back[0].ntp != k->ntp || back[0].rtp_ts != k->rtp_ts
                || back[0].packets != k->packets || back[0].octets != k->octets)
            {
                abort();
            }
        }
    }
    {
        struct sl_rtcp_rb rb;

        sl_rtp_stats_report(&st, 1000000000ull, &rb);
    }
    return 0;
}
