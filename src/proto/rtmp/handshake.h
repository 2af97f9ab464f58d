/*
 * RTMP handshake, server side (RTMP 1.0 section 5.2, plus the digest
 * handshake Flash Player 9+ era clients use).
 *
 * C0 must be 3 (plain RTMP); 6 and 8 (RTMPE, encrypted) are refused with
 * SL_EUNSUP.  C1 with a zero version field gets the plain answer: S1 is
 * random and S2 echoes C1.  C1 with a version carries an HMAC-SHA256
 * digest keyed with the Flash Player key at one of two places (scheme 0:
 * digest block second, at 772; scheme 1: digest block first, at 8, the
 * one FFmpeg and librtmp use); when one validates, S1 carries our digest
 * (Flash Media Server key) in the same scheme and S2 ends with the
 * signature the client checks.  A C1 whose digest validates nowhere gets
 * the plain answer, as older servers do.  C2 is read and not checked
 * (clients differ in what they put there).
 *
 * The functions take the peer's bytes from the caller's buffer; the caller
 * keeps what was not consumed.  Pure apart from random bytes (OpenSSL).
 */
#ifndef SL_PROTO_RTMP_HANDSHAKE_H
#define SL_PROTO_RTMP_HANDSHAKE_H

#include "base/dbuf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>


#define SL_RTMP_HANDSHAKE_SIZE 1536
#define SL_RTMP_VERSION        3
#define SL_RTMP_DIGEST_LEN     32

/* Key lengths: the text part ("Genuine Adobe Flash Player 001", 30 bytes /
 * "Genuine Adobe Flash Media Server 001", 36 bytes) and the full keys. */
#define SL_RTMP_FP_KEY_TEXT  30
#define SL_RTMP_FMS_KEY_TEXT 36
#define SL_RTMP_FP_KEY_LEN   62
#define SL_RTMP_FMS_KEY_LEN  68

extern const uint8_t sl_rtmp_fp_key[SL_RTMP_FP_KEY_LEN];
extern const uint8_t sl_rtmp_fms_key[SL_RTMP_FMS_KEY_LEN];

enum sl_rtmp_hs_state {
    SL_RTMP_HS_C0C1 = 0, /* waiting for C0 and C1 */
    SL_RTMP_HS_C2,       /* S0 S1 S2 sent, waiting for C2 */
    SL_RTMP_HS_DONE,
};

struct sl_rtmp_handshake {
    int      state;  /* enum sl_rtmp_hs_state */
    bool     digest; /* the client used the digest handshake */
    int      scheme; /* 0 or 1 when digest */
    uint32_t c1_time;
    uint8_t  c1_version[4];
};


void sl_rtmp_handshake_init(struct sl_rtmp_handshake *h);
/*
 * Takes the client's bytes: C0+C1 (1537 bytes, answered with S0 S1 S2
 * appended to out), then C2 (1536).  Returns the bytes consumed, SL_EAGAIN
 * when the next packet is not complete (nothing consumed), SL_EUNSUP for
 * RTMPE, SL_EBADDATA for another version, SL_ELIMIT when out is full, or
 * SL_ESTATE once done.
 */
int sl_rtmp_handshake_server(struct sl_rtmp_handshake *h, const uint8_t *p,
                             size_t len, struct sl_dbuf *out);

/*
 * Digest helpers (for this module, tests and a future client).  Position
 * of the digest in a 1536-byte packet for a scheme (0 or 1):
 */
size_t sl_rtmp_digest_pos(const uint8_t *pkt, int scheme);
/* HMAC-SHA256 of pkt without the 32 digest bytes at pos. */
void sl_rtmp_digest_calc(const uint8_t *pkt, size_t pos, const uint8_t *key,
                         size_t keylen, uint8_t out[SL_RTMP_DIGEST_LEN]);
/* Writes the digest of pkt into pkt at the scheme's position. */
void sl_rtmp_digest_put(uint8_t *pkt, int scheme, const uint8_t *key,
                        size_t keylen);
/* The scheme whose digest validates with key, or -1. */
int sl_rtmp_digest_find(const uint8_t *pkt, const uint8_t *key, size_t keylen);
/* HMAC-SHA256 (OpenSSL). */
void sl_rtmp_hmac_sha256(const uint8_t *key, size_t keylen, const uint8_t *p,
                         size_t len, uint8_t out[SL_RTMP_DIGEST_LEN]);


#endif /* SL_PROTO_RTMP_HANDSHAKE_H */
