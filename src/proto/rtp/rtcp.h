/*
 * RTCP (RFC 3550 section 6, RFC 4585 feedback): compound packet parsing,
 * SR/RR/PLI writers, and a receiver statistics helper that produces the
 * report block of a receiver report.
 *
 * sl_rtcp_parse fills a caller array with one entry per packet of the
 * compound; entries point into the input.  Every length is checked before
 * use (Janus CVE-2020-13898..13901 lessons): minimum size, the length field
 * against the bytes present, report count against the size, padding only at
 * the end of the last packet, FCI sizes for NACK and FIR.
 *
 * struct sl_rtp_stats is owned by one receiver (one SSRC) and is not
 * thread-safe.
 */
#ifndef SL_PROTO_RTP_RTCP_H
#define SL_PROTO_RTP_RTCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>


enum sl_rtcp_type {
    SL_RTCP_SR = 200,
    SL_RTCP_RR = 201,
    SL_RTCP_SDES = 202,
    SL_RTCP_BYE = 203,
    SL_RTCP_APP = 204,
    SL_RTCP_RTPFB = 205, /* transport feedback: fmt 1 = generic NACK */
    SL_RTCP_PSFB = 206,  /* payload-specific: fmt 1 = PLI, 4 = FIR */
};

#define SL_RTCP_FMT_NACK 1
#define SL_RTCP_FMT_PLI  1
#define SL_RTCP_FMT_FIR  4
#define SL_RTCP_FMT_AFB  15 /* application layer feedback (REMB) */

/* A sensible array size for sl_rtcp_parse. */
#define SL_RTCP_MAX_PKTS 16

#define SL_RTCP_SR_LEN  28 /* SR without report blocks */
#define SL_RTCP_RR_LEN  32 /* RR with one report block */
#define SL_RTCP_PLI_LEN 12

struct sl_rtcp_rb {
    uint32_t ssrc;
    uint8_t  fraction_lost;   /* fixed point, lost/expected * 256 */
    int32_t  cumulative_lost; /* 24-bit signed on the wire */
    uint32_t ext_highest_seq;
    uint32_t jitter;
    uint32_t lsr;  /* middle 32 bits of the last SR's NTP timestamp */
    uint32_t dlsr; /* delay since that SR, in 1/65536 s */
};

struct sl_rtcp_pkt {
    uint8_t        type;  /* enum sl_rtcp_type, or another value (e.g. XR) */
    uint8_t        count; /* RC, SC or FMT field */
    uint32_t       ssrc;  /* sender SSRC; first chunk/source for SDES/BYE */
    const uint8_t *body;  /* whole packet, header included, padding excluded */
    size_t         len;
    /* SR sender info. */
    uint64_t ntp;
    uint32_t rtp_ts;
    uint32_t packets;
    uint32_t octets;
    /* SR/RR report blocks: read them with sl_rtcp_rb_get. */
    const uint8_t *rb;
    uint8_t        rb_count;
    /* RTPFB/PSFB: media source and FCI (NACK entries, FIR entries, ...). */
    uint32_t       media_ssrc;
    const uint8_t *fci;
    size_t         fci_len;
};

/* RFC 3550 A.1 receiver state for one SSRC, plus A.8 jitter. */
struct sl_rtp_stats {
    uint32_t clock_rate;
    bool     started;
    uint32_t ssrc;
    uint16_t max_seq;
    uint32_t cycles; /* count of seq wraps, shifted by 16 */
    uint32_t base_seq;
    uint32_t bad_seq;
    uint64_t received;
    uint64_t expected_prior;
    uint64_t received_prior;
    uint32_t transit;
    uint32_t jitter; /* scaled by 16 (A.8 integer form) */
    uint32_t lsr;    /* last SR's middle NTP bits */
    uint64_t lsr_arrival_ns;
};


/*
 * Parses a compound RTCP packet into pkts[0..max).  Returns the number of
 * packets (>= 1), SL_EBADDATA if any packet is malformed (the whole compound
 * is then rejected), or SL_ELIMIT if there are more than max.  The first
 * packet may be of any type (RFC 5506 reduced-size RTCP).
 */
int sl_rtcp_parse(const uint8_t *p, size_t len, struct sl_rtcp_pkt *pkts,
                  size_t max);
/* Decodes report block i (< pkt->rb_count) of an SR or RR. */
void sl_rtcp_rb_get(const struct sl_rtcp_pkt *pkt, unsigned i,
                    struct sl_rtcp_rb *out);
/* NACK entry i (< fci_len / 4): packet id and bitmask of following losses. */
void sl_rtcp_nack_get(const struct sl_rtcp_pkt *pkt, unsigned i, uint16_t *pid,
                      uint16_t *blp);

/*
 * Writers.  Each returns the bytes written, or SL_ELIMIT when cap is too
 * small (nothing is written then).
 */
int sl_rtcp_write_sr(uint8_t *out, size_t cap, uint32_t ssrc, uint64_t ntp,
                     uint32_t rtp_ts, uint32_t packets, uint32_t octets);
/* An RR from ssrc with one report block, or none when rb is NULL. */
int sl_rtcp_write_rr(uint8_t *out, size_t cap, uint32_t ssrc,
                     const struct sl_rtcp_rb *rb);
int sl_rtcp_write_pli(uint8_t *out, size_t cap, uint32_t ssrc,
                      uint32_t media_ssrc);

/* Starts tracking a source whose RTP clock runs at clock_rate Hz. */
void sl_rtp_stats_init(struct sl_rtp_stats *s, uint32_t clock_rate);
/*
 * Accounts one received packet at monotonic time arrival_ns.  Returns the
 * number of packets lost just before it (0 when in order), or -1 for a
 * duplicate, reordered or out-of-range packet that was not counted as the
 * new highest.  A jump of more than 3000 ahead or 100 behind is accepted as
 * a restart only when the next packet follows it (RFC 3550 A.1); an SSRC
 * change restarts the statistics.
 */
int sl_rtp_stats_update(struct sl_rtp_stats *s, uint16_t seq, uint32_t ts,
                        uint32_t ssrc, uint64_t arrival_ns);
/* Records a sender report received at arrival_ns, for LSR/DLSR. */
void sl_rtp_stats_on_sr(struct sl_rtp_stats *s, uint64_t ntp,
                        uint64_t arrival_ns);
/*
 * Fills the report block for an RR sent at now_ns and starts a new report
 * interval (fraction lost is relative to the previous call).
 */
void sl_rtp_stats_report(struct sl_rtp_stats *s, uint64_t now_ns,
                         struct sl_rtcp_rb *out);


#endif /* SL_PROTO_RTP_RTCP_H */
