/*
 * Non-owning string slices and bounded string helpers.
 *
 * A struct sl_str points into memory owned by someone else (usually a
 * parser's input buffer); it is valid as long as that memory is.  The number
 * parsers reject signs, overflow, empty input and trailing garbage, so a
 * length read from the network can be trusted to be in range once parsed.
 * This module replaces atoi/strtol/sprintf/strcpy outside base/.
 */
#ifndef SL_BASE_STR_H
#define SL_BASE_STR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>


struct sl_str {
    const char *p;
    size_t      len;
};

#define sl_str_lit(s) ((struct sl_str){(s), sizeof(s) - 1})
#define SL_STR_NULL   ((struct sl_str){NULL, 0})

#define SL_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))


struct sl_str sl_str_from(const char *cstr);
bool          sl_str_eq(struct sl_str a, struct sl_str b);
bool          sl_str_eq_cstr(struct sl_str a, const char *b);
/* ASCII case-insensitive comparisons. */
bool sl_str_caseeq(struct sl_str a, struct sl_str b);
bool sl_str_caseeq_cstr(struct sl_str a, const char *b);
bool sl_str_has_prefix(struct sl_str s, const char *prefix);
bool sl_str_has_caseprefix(struct sl_str s, const char *prefix);
/* Removes spaces and tabs at both ends. */
struct sl_str sl_str_trim(struct sl_str s);
/* Returns the index of c in s, or -1. */
ptrdiff_t sl_str_chr(struct sl_str s, char c);
/*
 * Splits *s at the first c: returns the part before it and leaves *s at the
 * part after it (empty and p == NULL when c was not found: the whole string
 * is returned).
 */
struct sl_str sl_str_cut(struct sl_str *s, char c);
/* A NUL-terminated heap copy (sl_free it). */
char *sl_str_dup(struct sl_str s);

/*
 * Decimal number parsers: the whole slice must be digits (no sign, no
 * spaces), the value must be <= max.  Return 0 or SL_EBADDATA / SL_ELIMIT;
 * *out is untouched on failure.
 */
int sl_parse_u64(struct sl_str s, uint64_t max, uint64_t *out);
int sl_parse_u32(struct sl_str s, uint32_t max, uint32_t *out);
/* Optional leading '-'; value in [min, max]. */
int sl_parse_i64(struct sl_str s, int64_t min, int64_t max, int64_t *out);
/* Hexadecimal digits only, value <= max. */
int sl_parse_hex_u64(struct sl_str s, uint64_t max, uint64_t *out);
/* Decimal with optional fraction ("12.345"); value >= 0. */
int sl_parse_double(struct sl_str s, double *out);

/*
 * Bounded formatting: always NUL-terminates when size > 0.  Returns the
 * number of characters written (excluding NUL), or SL_ELIMIT when the output
 * was truncated.
 */
int sl_snprintf(char *dst, size_t size, const char *fmt, ...) SL_PRINTF(3, 4);
int sl_vsnprintf(char *dst, size_t size, const char *fmt, va_list ap);
/* Copies at most size-1 bytes and NUL-terminates; returns strlen(src). */
size_t sl_strlcpy(char *dst, const char *src, size_t size);

/* Lower-case hex of n bytes into out (2n+1 bytes). */
void sl_hex_encode(const uint8_t *in, size_t n, char *out);
/* Constant-time comparison of two byte strings (false if lengths differ). */
bool sl_ct_equal(const void *a, size_t alen, const void *b, size_t blen);


#endif /* SL_BASE_STR_H */
