/*
 * Randomness, hashes and base64, all through OpenSSL.
 *
 * sl_rand_bytes draws from OpenSSL's CSPRNG (session ids, nonces, the auth
 * failure delay).  Thread-safe.
 */
#ifndef SL_BASE_CRYPTO_H
#define SL_BASE_CRYPTO_H

#include <stddef.h>
#include <stdint.h>


void     sl_rand_bytes(void *out, size_t n);
uint32_t sl_rand_u32(void);
/* A random (version 4) UUID in canonical form; out holds 37 bytes. */
void sl_uuid(char out[37]);

#define SL_SHA256_LEN 32
#define SL_MD5_LEN    16
void sl_sha256(const void *p, size_t n, uint8_t out[SL_SHA256_LEN]);
void sl_md5(const void *p, size_t n, uint8_t out[SL_MD5_LEN]);

/* Base64 (standard alphabet, padded).  out must hold 4*((n+2)/3)+1 bytes. */
size_t sl_base64_encode(const uint8_t *in, size_t n, char *out);
/*
 * Decodes standard base64 (padding optional); out must hold 3*((n+3)/4)
 * bytes.  Returns the decoded length or SL_EBADDATA.
 */
int sl_base64_decode(const char *in, size_t n, uint8_t *out);


#endif /* SL_BASE_CRYPTO_H */
