#!/bin/bash
# probe PATH [PORT]: exits 0 when the app on 127.0.0.1:PORT (8080) answers GET PATH with 200. The health checks use
# it because the .NET runtime image has neither curl nor wget; bash's /dev/tcp is enough for one request.
path=${1:?usage: probe PATH [PORT]}
port=${2:-8080}
exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
printf 'GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' "$path" >&3
IFS= read -r -t 5 status <&3 || exit 1
[[ $status == HTTP/1.[01]\ 200\ * || $status == HTTP/1.[01]\ 200$'\r' ]]
