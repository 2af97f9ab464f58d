#!/bin/sh
# Bans unbounded or unchecked libc calls outside base/ and main.c (STYLE c.5).
set -u
# A call, not a member (->free, .free) nor a longer name (sl_free).
pat='(^|[^>._a-zA-Z0-9])(malloc|calloc|realloc|free|strcpy|strcat|sprintf|vsprintf|gets|atoi|atol|atoll|strtol|strtoul|strtoll|strtoull|printf|fprintf)[[:space:]]*\('
out=$(grep -rnE "$pat" src --include='*.c' --include='*.h' \
      | grep -v '^src/base/' | grep -v '^src/main.c' \
      | grep -vE '(sl_|uv_|h2o_|SSL_|yaml_|pcre2_|json_|argon2_|srt_|OPENSSL_)[a-z_]*(malloc|calloc|realloc|free|printf)' \
      | grep -v '/\*.*\*/' )
if [ -n "$out" ]; then
    echo "banned calls (use the sl_ helpers from base/):"
    echo "$out"
    exit 1
fi
echo "checksrc: ok"
