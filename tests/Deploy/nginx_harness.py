"""Runnable nginx configurations built from deploy/nginx, for tests that put nginx in front of an app.

As a module:
    path = write_config(directory, upstream="127.0.0.1:5080", listen=18080)
    subprocess.Popen(command(path))          # nginx in the foreground; terminate() stops it

From a shell (the browser tests start nginx in front of the real app this way):
    python3 tests/Deploy/nginx_harness.py --upstream 127.0.0.1:5080 --listen 18080 --dir /tmp/x
    nginx -e /tmp/x/error.log -c "$(that output)"

The location block is included from the repository as shipped; only the upstream's address (in a copy of
upstream.conf) and the surroundings (ports, pid, logs, temporary files) are the test's own.
"""

import argparse
import os
import re
import shutil
import sys

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
NGINX_DIR = os.path.join(REPO, "deploy", "nginx")
LOCATIONS = os.path.join(NGINX_DIR, "locations", "tovplay-logs.conf")
UPSTREAM = os.path.join(NGINX_DIR, "upstream.conf")
SITE = os.path.join(NGINX_DIR, "tovplay-logs.conf")


def nginx_binary():
    for candidate in (shutil.which("nginx"), "/usr/sbin/nginx"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise FileNotFoundError("nginx is not installed (scripts/lib.sh ensure_nginx installs it)")


def rewrite_upstream(text, upstream):
    """The shipped upstream.conf with every `server` of `upstream tovplay_logs` replaced by one at `upstream`."""
    block = re.search(r"upstream\s+tovplay_logs\s*\{(.*?)\n\}", text, re.S)
    if block is None:
        raise ValueError("upstream.conf defines no `upstream tovplay_logs { ... }`")
    body = re.sub(r"(?m)^(\s*)server\s+[^;]+;", lambda m: f"{m.group(1)}server {upstream};", block.group(1))
    if body == block.group(1):
        raise ValueError("upstream tovplay_logs has no `server` line to point at the test's upstream")
    return text[: block.start(1)] + body + text[block.end(1):]


def _prepare(directory):
    directory = os.path.abspath(directory)
    os.makedirs(os.path.join(directory, "temp"), exist_ok=True)
    # As root, nginx's workers run as nobody and must reach the temporary files below this folder.
    os.chmod(directory, 0o755)
    return directory


def _main_config(directory, http_body):
    temp = os.path.join(directory, "temp")
    return f"""# Written by tests/Deploy/nginx_harness.py; not for production.
daemon off;
worker_processes 1;
pid {directory}/nginx.pid;
error_log {directory}/error.log info;

events {{
    worker_connections 256;
}}

http {{
    access_log {directory}/access.log;
    client_body_temp_path {temp}/client_body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
{http_body}
}}
"""


def _listen(listen):
    listen = str(listen)
    return listen if ":" in listen else f"127.0.0.1:{listen}"


def write_config(directory, upstream, listen):
    """Writes DIRECTORY/nginx.conf: a plain-HTTP server on `listen` (a port, or address:port) whose only locations are
    the shipped deploy/nginx/locations/tovplay-logs.conf, proxying to `upstream` (address:port). Returns its path."""
    directory = _prepare(directory)
    with open(UPSTREAM, encoding="utf-8") as f:
        upstream_conf = rewrite_upstream(f.read(), upstream)
    upstream_path = os.path.join(directory, "upstream.conf")
    with open(upstream_path, "w", encoding="utf-8") as f:
        f.write(upstream_conf)
    body = f"""    include {upstream_path};

    server {{
        listen {_listen(listen)};
        server_name localhost;
        include {LOCATIONS};
    }}"""
    path = os.path.join(directory, "nginx.conf")
    with open(path, "w", encoding="utf-8") as f:
        f.write(_main_config(directory, body))
    return path


def write_site_config(directory, upstream, http_port, https_port, certificate, key):
    """Writes DIRECTORY/site.conf: the shipped site file (both servers, TLS) with its includes pointing at the
    repository, its ports at `http_port`/`https_port` on loopback and its certificate paths at the given files.
    Returns the main configuration's path."""
    directory = _prepare(directory)
    with open(UPSTREAM, encoding="utf-8") as f:
        upstream_conf = rewrite_upstream(f.read(), upstream)
    upstream_path = os.path.join(directory, "upstream.conf")
    with open(upstream_path, "w", encoding="utf-8") as f:
        f.write(upstream_conf)
    with open(SITE, encoding="utf-8") as f:
        site = f.read()
    site = site.replace("/etc/nginx/tovplay-logs/upstream.conf", upstream_path)
    site = site.replace("/etc/nginx/tovplay-logs/locations/", os.path.join(NGINX_DIR, "locations") + "/")
    # IPv6 may be missing on a test machine; the IPv4 lines carry the test.
    site = re.sub(r"(?m)^\s*listen\s+\[::\]:\d+[^;]*;\n", "", site)
    site = re.sub(r"(?m)^(\s*)listen\s+80\b", rf"\g<1>listen 127.0.0.1:{http_port}", site)
    site = re.sub(r"(?m)^(\s*)listen\s+443\b", rf"\g<1>listen 127.0.0.1:{https_port}", site)
    site = re.sub(r"(?m)^(\s*)ssl_certificate\s+[^;]+;", rf"\g<1>ssl_certificate {certificate};", site)
    site = re.sub(r"(?m)^(\s*)ssl_certificate_key\s+[^;]+;", rf"\g<1>ssl_certificate_key {key};", site)
    site = site.replace("/var/www/letsencrypt", os.path.join(directory, "acme"))
    site_path = os.path.join(directory, "tovplay-logs.conf")
    with open(site_path, "w", encoding="utf-8") as f:
        f.write(site)
    path = os.path.join(directory, "site.conf")
    with open(path, "w", encoding="utf-8") as f:
        f.write(_main_config(directory, f"    include {site_path};"))
    return path


def command(config_path, test=False):
    """The argv that runs (or with test=True checks) nginx with a configuration written above."""
    directory = os.path.dirname(config_path)
    argv = [nginx_binary(), "-e", os.path.join(directory, "error.log"), "-c", config_path]
    return argv + ["-t"] if test else argv


def main(argv=None):
    parser = argparse.ArgumentParser(description="Write an nginx configuration that serves deploy/nginx's /logs/ "
                                                 "locations in front of an upstream; prints its path.")
    parser.add_argument("--upstream", required=True, help="the app's address, e.g. 127.0.0.1:5080")
    parser.add_argument("--listen", required=True, help="the port (or address:port) nginx listens on")
    parser.add_argument("--dir", required=True, help="folder for the configuration, pid, logs and temporary files")
    args = parser.parse_args(argv)
    print(write_config(args.dir, args.upstream, args.listen))
    return 0


if __name__ == "__main__":
    sys.exit(main())
