/* Sluice: error codes to text. */
#include "base/err.h"

#include <string.h>


const char *
sl_strerror(int rc)
{
    switch (rc) {
    case SL_OK:
        return "success";
    case SL_EAGAIN:
        return "incomplete input";
    case SL_EBADDATA:
        return "malformed data";
    case SL_ELIMIT:
        return "limit exceeded";
    case SL_ENOTFOUND:
        return "not found";
    case SL_EAUTH:
        return "authentication failed";
    case SL_EEXIST:
        return "already exists";
    case SL_ECLOSED:
        return "closed";
    case SL_EUNSUP:
        return "not supported";
    case SL_ESTATE:
        return "invalid state";
    case SL_ETIMEOUT:
        return "timed out";
    case SL_EINVAL:
        return "invalid value";
    default:
        break;
    }
    if (rc < 0 && rc > -4096) {
        return strerror(-rc);
    }
    return "unknown error";
}
