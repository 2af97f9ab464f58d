/*
 * Sluice error codes.
 *
 * Functions return int: 0 on success, SL_EAGAIN when more input (or a
 * writable socket) is needed, another negative value on error.  System
 * errors are -errno; project codes sit below -4096 so they never collide.
 * Parsers may also return a positive count of bytes consumed.
 */
#ifndef SL_BASE_ERR_H
#define SL_BASE_ERR_H


#define SL_OK        0
#define SL_EAGAIN    (-4097) /* incomplete: call again with more input */
#define SL_EBADDATA  (-4098) /* malformed peer input */
#define SL_ELIMIT    (-4099) /* a configured or built-in cap was exceeded */
#define SL_ENOTFOUND (-4100) /* no such path, stream, session, key */
#define SL_EAUTH     (-4101) /* authentication or authorisation failed */
#define SL_EEXIST    (-4102) /* already exists / already in use */
#define SL_ECLOSED   (-4103) /* the peer or object has been closed */
#define SL_EUNSUP    (-4104) /* valid but not supported */
#define SL_ESTATE    (-4105) /* request not valid in the current state */
#define SL_ETIMEOUT  (-4106) /* a timer expired */
#define SL_EINVAL    (-4107) /* invalid argument or configuration value */


/* Returns a static description of rc (never NULL). */
const char *sl_strerror(int rc);


#endif /* SL_BASE_ERR_H */
