/* Sluice: RTCP parsing, writing and receiver statistics (RFC 3550, 4585). */
#include "proto/rtp/rtcp.h"
#include "base/bytes.h"
#include "base/err.h"

#include <string.h>


#define RB_LEN       24
#define MAX_DROPOUT  3000
#define MAX_MISORDER 100
#define SEQ_MOD      (1u << 16)
#define NS_PER_SEC   1000000000ull


static int      check_sdes(const uint8_t *p, size_t len, unsigned count);
static int      parse_one(const uint8_t *p, size_t len, struct sl_rtcp_pkt *k);
static void     write_rb(uint8_t *p, const struct sl_rtcp_rb *rb);
static uint32_t ts_units(uint64_t ns, uint32_t rate);
static void     stats_restart(struct sl_rtp_stats *s, uint16_t seq);


/* Walks SDES chunks (6.5): SSRC, items, a 0 item and padding to 32 bits. */
static int
check_sdes(const uint8_t *p, size_t len, unsigned count)
{
    size_t   off = 4;
    unsigned i;

    for (i = 0; i < count; i++) {
        if (len - off < 4) {
            return SL_EBADDATA;
        }
        off += 4;
        for (;;) {
            if (off >= len) {
                return SL_EBADDATA;
            }
            if (p[off] == 0) {
                off = (off + 4) & ~(size_t)3;
                if (off > len) {
                    return SL_EBADDATA;
                }
                break;
            }
            if (len - off < 2 || (size_t)p[off + 1] > len - off - 2) {
                return SL_EBADDATA;
            }
            off += 2 + p[off + 1];
        }
    }
    return 0;
}


/* Decodes one packet of exactly len bytes (padding already removed). */
static int
parse_one(const uint8_t *p, size_t len, struct sl_rtcp_pkt *k)
{
    unsigned count = p[0] & 0x1f;

    memset(k, 0, sizeof(*k));
    k->type = p[1];
    k->count = (uint8_t)count;
    k->body = p;
    k->len = len;
    if (len >= 8) {
        k->ssrc = sl_rb32(p + 4);
    }
    switch (k->type) {
    case SL_RTCP_SR:
        if (len < SL_RTCP_SR_LEN + (size_t)count * RB_LEN) {
            return SL_EBADDATA;
        }
        k->ntp = sl_rb64(p + 8);
        k->rtp_ts = sl_rb32(p + 16);
        k->packets = sl_rb32(p + 20);
        k->octets = sl_rb32(p + 24);
        k->rb = p + SL_RTCP_SR_LEN;
        k->rb_count = (uint8_t)count;
        break;
    case SL_RTCP_RR:
        if (len < 8 + (size_t)count * RB_LEN) {
            return SL_EBADDATA;
        }
        k->rb = p + 8;
        k->rb_count = (uint8_t)count;
        break;
    case SL_RTCP_SDES:
        return check_sdes(p, len, count);
    case SL_RTCP_BYE:
        if (len < 4 + (size_t)count * 4) {
            return SL_EBADDATA;
        }
        if (len > 4 + (size_t)count * 4) {
            size_t off = 4 + (size_t)count * 4;

            if ((size_t)p[off] > len - off - 1) {
                return SL_EBADDATA;
            }
        }
        break;
    case SL_RTCP_APP:
        if (len < 12) {
            return SL_EBADDATA;
        }
        break;
    case SL_RTCP_RTPFB:
    case SL_RTCP_PSFB:
        if (len < 12) {
            return SL_EBADDATA;
        }
        k->media_ssrc = sl_rb32(p + 8);
        k->fci = p + 12;
        k->fci_len = len - 12;
        if (k->type == SL_RTCP_RTPFB && count == SL_RTCP_FMT_NACK
            && (k->fci_len == 0 || k->fci_len % 4 != 0))
        {
            return SL_EBADDATA;
        }
        if (k->type == SL_RTCP_PSFB && count == SL_RTCP_FMT_FIR
            && (k->fci_len == 0 || k->fci_len % 8 != 0))
        {
            return SL_EBADDATA;
        }
        break;
    default:
        break; /* XR and others: recognised by type only */
    }
    return 0;
}


int
sl_rtcp_parse(const uint8_t *p, size_t len, struct sl_rtcp_pkt *pkts,
              size_t max)
{
    size_t off = 0;
    size_t n = 0;

    if (len < 4) {
        return SL_EBADDATA;
    }
    while (off < len) {
        const uint8_t *h = p + off;
        size_t         plen;
        size_t         body;
        int            rc;

        if (len - off < 4 || (h[0] >> 6) != 2) {
            return SL_EBADDATA;
        }
        plen = ((size_t)sl_rb16(h + 2) + 1) * 4;
        if (plen > len - off) {
            return SL_EBADDATA;
        }
        body = plen;
        if (h[0] & 0x20) {
            /* Padding is only allowed on the last packet of a compound. */
            if (off + plen != len || h[plen - 1] == 0 || h[plen - 1] > plen - 4)
            {
                return SL_EBADDATA;
            }
            body -= h[plen - 1];
        }
        if (n == max) {
            return SL_ELIMIT;
        }
        rc = parse_one(h, body, &pkts[n]);
        if (rc < 0) {
            return rc;
        }
        n++;
        off += plen;
    }
    return (int)n;
}


void
sl_rtcp_rb_get(const struct sl_rtcp_pkt *pkt, unsigned i,
               struct sl_rtcp_rb *out)
{
    const uint8_t *b = pkt->rb + (size_t)i * RB_LEN;
    uint32_t       lost = sl_rb24(b + 5);

    out->ssrc = sl_rb32(b);
    out->fraction_lost = b[4];
    /* Sign-extend the 24-bit count. */
    out->cumulative_lost =
        (lost & 0x800000) ? (int32_t)lost - 0x1000000 : (int32_t)lost;
    out->ext_highest_seq = sl_rb32(b + 8);
    out->jitter = sl_rb32(b + 12);
    out->lsr = sl_rb32(b + 16);
    out->dlsr = sl_rb32(b + 20);
}


void
sl_rtcp_nack_get(const struct sl_rtcp_pkt *pkt, unsigned i, uint16_t *pid,
                 uint16_t *blp)
{
    const uint8_t *e = pkt->fci + (size_t)i * 4;

    *pid = sl_rb16(e);
    *blp = sl_rb16(e + 2);
}


static void
write_rb(uint8_t *p, const struct sl_rtcp_rb *rb)
{
    int32_t lost = rb->cumulative_lost;

    /* Clamp to the 24-bit signed range (6.4.1). */
    if (lost > 0x7fffff) {
        lost = 0x7fffff;
    } else if (lost < -0x800000) {
        lost = -0x800000;
    }
    sl_wb32(p, rb->ssrc);
    p[4] = rb->fraction_lost;
    sl_wb24(p + 5, (uint32_t)lost & 0xffffff);
    sl_wb32(p + 8, rb->ext_highest_seq);
    sl_wb32(p + 12, rb->jitter);
    sl_wb32(p + 16, rb->lsr);
    sl_wb32(p + 20, rb->dlsr);
}


int
sl_rtcp_write_sr(uint8_t *out, size_t cap, uint32_t ssrc, uint64_t ntp,
                 uint32_t rtp_ts, uint32_t packets, uint32_t octets)
{
    if (cap < SL_RTCP_SR_LEN) {
        return SL_ELIMIT;
    }
    out[0] = 0x80;
    out[1] = SL_RTCP_SR;
    sl_wb16(out + 2, SL_RTCP_SR_LEN / 4 - 1);
    sl_wb32(out + 4, ssrc);
    sl_wb64(out + 8, ntp);
    sl_wb32(out + 16, rtp_ts);
    sl_wb32(out + 20, packets);
    sl_wb32(out + 24, octets);
    return SL_RTCP_SR_LEN;
}


int
sl_rtcp_write_rr(uint8_t *out, size_t cap, uint32_t ssrc,
                 const struct sl_rtcp_rb *rb)
{
    size_t n = rb != NULL ? SL_RTCP_RR_LEN : 8;

    if (cap < n) {
        return SL_ELIMIT;
    }
    out[0] = (uint8_t)(0x80 | (rb != NULL ? 1 : 0));
    out[1] = SL_RTCP_RR;
    sl_wb16(out + 2, (uint16_t)(n / 4 - 1));
    sl_wb32(out + 4, ssrc);
    if (rb != NULL) {
        write_rb(out + 8, rb);
    }
    return (int)n;
}


int
sl_rtcp_write_pli(uint8_t *out, size_t cap, uint32_t ssrc, uint32_t media_ssrc)
{
    if (cap < SL_RTCP_PLI_LEN) {
        return SL_ELIMIT;
    }
    out[0] = 0x80 | SL_RTCP_FMT_PLI;
    out[1] = SL_RTCP_PSFB;
    sl_wb16(out + 2, SL_RTCP_PLI_LEN / 4 - 1);
    sl_wb32(out + 4, ssrc);
    sl_wb32(out + 8, media_ssrc);
    return SL_RTCP_PLI_LEN;
}


/* A monotonic time in RTP clock units, modulo 2^32. */
static uint32_t
ts_units(uint64_t ns, uint32_t rate)
{
    uint64_t sec = ns / NS_PER_SEC;
    uint64_t rem = ns % NS_PER_SEC;

    return (uint32_t)(sec * rate + rem * rate / NS_PER_SEC);
}


static void
stats_restart(struct sl_rtp_stats *s, uint16_t seq)
{
    s->base_seq = seq;
    s->max_seq = seq;
    s->bad_seq = SEQ_MOD + 1; /* so seq == bad_seq is false */
    s->cycles = 0;
    s->received = 0;
    s->received_prior = 0;
    s->expected_prior = 0;
}


void
sl_rtp_stats_init(struct sl_rtp_stats *s, uint32_t clock_rate)
{
    memset(s, 0, sizeof(*s));
    s->clock_rate = clock_rate;
}


int
sl_rtp_stats_update(struct sl_rtp_stats *s, uint16_t seq, uint32_t ts,
                    uint32_t ssrc, uint64_t arrival_ns)
{
    uint16_t udelta;
    int      lost = 0;

    if (!s->started || ssrc != s->ssrc) {
        uint32_t rate = s->clock_rate;

        sl_rtp_stats_init(s, rate);
        s->started = true;
        s->ssrc = ssrc;
        stats_restart(s, seq);
        s->received = 1;
        if (rate != 0) {
            s->transit = ts_units(arrival_ns, rate) - ts;
        }
        return 0;
    }
    udelta = (uint16_t)(seq - s->max_seq);
    if (udelta == 0) {
        return -1; /* duplicate of the highest */
    } else if (udelta < MAX_DROPOUT) {
        if (seq < s->max_seq) {
            s->cycles += SEQ_MOD;
        }
        lost = udelta - 1;
        s->max_seq = seq;
    } else if (udelta <= SEQ_MOD - MAX_MISORDER) {
        /* A big jump: believe it only if the next packet follows it. */
        if (seq != s->bad_seq) {
            s->bad_seq = (uint32_t)(seq + 1) & (SEQ_MOD - 1);
            return -1;
        }
        stats_restart(s, seq);
    } else {
        s->received++; /* reordered or duplicate: counted, not highest */
        return -1;
    }
    s->received++;

    if (s->clock_rate != 0) {
        uint32_t transit = ts_units(arrival_ns, s->clock_rate) - ts;
        int32_t  d = (int32_t)(transit - s->transit);

        uint32_t ad = d < 0 ? (uint32_t) - (int64_t)d : (uint32_t)d;

        s->jitter += ad - ((s->jitter + 8) >> 4);
        s->transit = transit;
    }
    return lost;
}


void
sl_rtp_stats_on_sr(struct sl_rtp_stats *s, uint64_t ntp, uint64_t arrival_ns)
{
    s->lsr = (uint32_t)(ntp >> 16);
    s->lsr_arrival_ns = arrival_ns;
}


void
sl_rtp_stats_report(struct sl_rtp_stats *s, uint64_t now_ns,
                    struct sl_rtcp_rb *out)
{
    uint64_t ext_max = (uint64_t)s->cycles + s->max_seq;
    uint64_t expected = s->started ? ext_max - s->base_seq + 1 : 0;
    int64_t  lost = (int64_t)expected - (int64_t)s->received;
    uint64_t exp_int = expected - s->expected_prior;
    uint64_t rec_int = s->received - s->received_prior;
    int64_t  lost_int = (int64_t)exp_int - (int64_t)rec_int;

    s->expected_prior = expected;
    s->received_prior = s->received;
    memset(out, 0, sizeof(*out));
    out->ssrc = s->ssrc;
    if (exp_int != 0 && lost_int > 0) {
        uint64_t f = ((uint64_t)lost_int << 8) / exp_int;

        out->fraction_lost = (uint8_t)(f > 255 ? 255 : f);
    }
    out->cumulative_lost = lost > 0x7fffff    ? 0x7fffff
                           : lost < -0x800000 ? -0x800000
                                              : (int32_t)lost;
    out->ext_highest_seq = (uint32_t)ext_max;
    out->jitter = s->jitter >> 4;
    if (s->lsr != 0 && now_ns >= s->lsr_arrival_ns) {
        uint64_t d = now_ns - s->lsr_arrival_ns;

        out->lsr = s->lsr;
        out->dlsr = (uint32_t)((d / NS_PER_SEC) << 16)
                    | (uint32_t)(((d % NS_PER_SEC) << 16) / NS_PER_SEC);
    }
}
