#!/bin/sh
# Enforces the dependency rule of ARCHITECTURE.md section 3 on #include lines:
#   base <- {codec, format} <- proto <- core <- {server, source, record} <- api <- main
#   net depends on base only and is used by core and above; conf on base only.
set -u
allowed() {
    case "$1" in
    base)   echo "base" ;;
    codec)  echo "base codec" ;;
    format) echo "base codec format" ;;
    proto)  echo "base codec format proto" ;;
    conf)   echo "base conf" ;;
    net)    echo "base net" ;;
    core)   echo "base codec format proto conf net core" ;;
    server|source|record) echo "base codec format proto conf net core $1" ;;
    api)    echo "base codec format proto conf net core server source record api" ;;
    *)      echo "*" ;;
    esac
}
bad=0
for f in $(find src -name '*.[ch]' | sort); do
    layer=$(echo "$f" | cut -d/ -f2)
    case "$layer" in *.c|*.h) continue ;; esac
    ok=$(allowed "$layer")
    [ "$ok" = "*" ] && continue
    for inc in $(grep -oE '^#include "[a-z_]+/' "$f" | sed 's/#include "//; s#/##'); do
        case " $ok " in
        *" $inc "*) ;;
        *) echo "$f: layer '$layer' may not include '$inc/'"; bad=1 ;;
        esac
    done
done
[ $bad = 0 ] && echo "layers: ok"
exit $bad
