/*
 * Socket addresses: parsing MediaMTX-style listen addresses (":8554",
 * "127.0.0.1:8554", "[::1]:8554") and formatting peers ("127.0.0.1:40000").
 */
#ifndef SL_NET_ADDR_H
#define SL_NET_ADDR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>


#define SL_ADDR_STRLEN 64

/*
 * Parses a listen address.  An empty host means every interface: the
 * result is "::" (dual-stack) and *any is set.  Returns 0 or SL_EINVAL.
 */
int sl_addr_parse_listen(const char *s, struct sockaddr_storage *out,
                         bool *any);
/* "ip:port" ("[v6]:port"); out holds SL_ADDR_STRLEN bytes. */
void sl_addr_format(const struct sockaddr *sa, char *out, size_t size);
/* IP only, without port. */
void     sl_addr_format_ip(const struct sockaddr *sa, char *out, size_t size);
uint16_t sl_addr_port(const struct sockaddr *sa);
void     sl_addr_set_port(struct sockaddr_storage *ss, uint16_t port);
/* Same IP (v4-mapped v6 equals v4). */
bool sl_addr_same_ip(const struct sockaddr *a, const struct sockaddr *b);
/* A routing key for ip+port (v4 exact, v6 hashed); never 0. */
uint64_t sl_addr_key(const struct sockaddr *sa);
/* Normalises a v4-mapped v6 address to plain v4 in place. */
void      sl_addr_unmap(struct sockaddr_storage *ss);
socklen_t sl_addr_len(const struct sockaddr *sa);


#endif /* SL_NET_ADDR_H */
