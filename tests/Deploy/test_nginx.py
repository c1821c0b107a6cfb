"""deploy/nginx: the shipped site passes `nginx -t` (with a throwaway certificate), and the shipped /logs/ locations,
run by Debian's nginx in front of a small upstream, forward what the app needs."""

import base64
import hashlib
import http.client
import http.server
import os
import socket
import subprocess
import threading
import unittest

import nginx_harness
import support


class Upstream(http.server.ThreadingHTTPServer):
    """Plays the app: records each request's path and headers, answers 200, and 101 to a WebSocket handshake."""

    daemon_threads = True

    def __init__(self):
        self.requests = []
        super().__init__(("127.0.0.1", 0), UpstreamHandler)


class UpstreamHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        self.server.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
        received = len(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        body = str(received).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.server.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
        if self.headers.get("Upgrade", "").lower() == "websocket":
            accept = base64.b64encode(hashlib.sha1((self.headers["Sec-WebSocket-Key"] +
                                                    "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode()
            self.send_response(101)
            self.send_header("Upgrade", "websocket")
            self.send_header("Connection", "Upgrade")
            self.send_header("Sec-WebSocket-Accept", accept)
            self.end_headers()
            self.close_connection = True
            return
        body = b"upstream"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def self_signed_certificate(directory):
    key, cert = os.path.join(directory, "key.pem"), os.path.join(directory, "cert.pem")
    result = support.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
                          "-days", "1", "-keyout", key, "-out", cert])
    if result.returncode != 0:
        raise AssertionError("openssl could not make a certificate: " + result.stderr)
    return cert, key


class NginxConfigTests(unittest.TestCase):
    def test_site_passes_nginx_t(self):
        work = support.shared_temp_dir(self.addCleanup, "nginx-site-")
        cert, key = self_signed_certificate(work)
        config = nginx_harness.write_site_config(work, "127.0.0.1:%d" % support.free_port(), support.free_port(),
                                                 support.free_port(), cert, key)
        result = support.run(nginx_harness.command(config, test=True))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("test is successful", result.stderr)

    def test_location_settings(self):
        text = support.read("nginx", "locations", "tovplay-logs.conf")
        for directive in ("proxy_pass http://tovplay_logs;", "proxy_http_version 1.1;",
                          "proxy_set_header Upgrade $http_upgrade;", "proxy_set_header Connection $connection_upgrade;",
                          "proxy_set_header X-Forwarded-Proto $scheme;", "proxy_buffering off;",
                          "client_max_body_size 16m;", "proxy_read_timeout 1h;"):
            self.assertIn(directive, text)
        for header in ("Host", "X-Forwarded-For", "X-Forwarded-Host"):
            self.assertRegex(text, rf"proxy_set_header {header} \$\w+;")
        site = support.read("nginx", "tovplay-logs.conf")
        self.assertIn("server_name app.tovplay.org;", site)
        self.assertRegex(site, r"return 301 https://\$host\$request_uri;")
        self.assertIn("include /etc/nginx/tovplay-logs/locations/tovplay-logs.conf;", site)

    def test_harness_command_line_writes_a_config(self):
        work = support.shared_temp_dir(self.addCleanup, "nginx-cli-")
        result = support.run(["/usr/bin/python3", os.path.join(os.path.dirname(__file__), "nginx_harness.py"),
                              "--upstream", "127.0.0.1:5080", "--listen", str(support.free_port()), "--dir", work])
        self.assertEqual(result.returncode, 0, result.stderr)
        path = result.stdout.strip()
        self.assertEqual(path, os.path.join(work, "nginx.conf"))
        with open(os.path.join(work, "upstream.conf"), encoding="utf-8") as f:
            self.assertIn("server 127.0.0.1:5080;", f.read())
        checked = support.run(nginx_harness.command(path, test=True))
        self.assertEqual(checked.returncode, 0, checked.stderr)


class NginxProxyTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.upstream = Upstream()
        threading.Thread(target=cls.upstream.serve_forever, daemon=True).start()
        cls.work = support.shared_temp_dir(cls.addClassCleanup, "nginx-proxy-")
        cls.port = support.free_port()
        config = nginx_harness.write_config(cls.work, "127.0.0.1:%d" % cls.upstream.server_address[1], cls.port)
        cls.nginx = subprocess.Popen(nginx_harness.command(config), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            support.wait_for_port(cls.port, cls.nginx, what="nginx")
        except AssertionError:
            support.stop(cls.nginx)
            raise AssertionError("nginx did not start: " + cls.nginx.stderr.read().decode())

    @classmethod
    def tearDownClass(cls):
        support.stop(cls.nginx)
        cls.nginx.stderr.close()
        cls.upstream.shutdown()
        cls.upstream.server_close()

    def request(self, path, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def last_request(self, path):
        matching = [r for r in self.upstream.requests if r[0] == path]
        self.assertTrue(matching, f"{path} never reached the upstream (it saw {[r[0] for r in self.upstream.requests]})")
        return matching[-1][1]

    def test_path_reaches_the_upstream_unchanged_with_forwarded_headers(self):
        status, _, body = self.request("/logs/", {"X-Forwarded-For": "203.0.113.66"})
        self.assertEqual((status, body), (200, b"upstream"))
        headers = self.last_request("/logs/")
        self.assertEqual(headers["x-forwarded-proto"], "http")
        # nginx is the edge: the address is the connection's, never what the client claimed.
        self.assertEqual(headers["x-forwarded-for"], "127.0.0.1")
        self.assertEqual(headers["host"], f"127.0.0.1:{self.port}")
        self.assertEqual(headers["x-forwarded-host"], f"127.0.0.1:{self.port}")
        self.assertNotIn("upgrade", headers)

    def test_deeper_paths_and_query_strings_pass_unchanged(self):
        path = "/logs/loki/api/v1/query_range?query=%7Bjob%3D%22postgres%22%7D&limit=5"
        self.assertEqual(self.request(path)[0], 200)
        self.last_request(path)

    def test_bare_logs_redirects_to_logs_slash(self):
        status, headers, _ = self.request("/logs")
        self.assertEqual(status, 301)
        self.assertEqual(headers["Location"], "/logs/")
        status, headers, _ = self.request("/logs?from=now-1h")
        self.assertEqual((status, headers["Location"]), (301, "/logs/?from=now-1h"))

    def test_other_paths_are_not_proxied(self):
        before = len(self.upstream.requests)
        self.assertEqual(self.request("/api/games")[0], 404)
        self.assertEqual(len(self.upstream.requests), before)

    def test_websocket_upgrade_reaches_the_upstream(self):
        path = "/logs/_blazor?id=abc"
        key = base64.b64encode(os.urandom(16)).decode()
        handshake = (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\nUpgrade: websocket\r\n"
                     f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n")
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
            s.sendall(handshake.encode())
            answer = s.recv(4096).decode(errors="replace")
        self.assertTrue(answer.startswith("HTTP/1.1 101"), answer)
        headers = self.last_request(path)
        self.assertEqual(headers["upgrade"].lower(), "websocket")
        self.assertEqual(headers["connection"].lower(), "upgrade")
        self.assertEqual(headers["sec-websocket-key"], key)

    def test_pushes_are_allowed_up_to_the_apps_limit(self):
        def push(size):
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                connection.request("POST", "/logs/loki/api/v1/push", body=b"x" * size,
                                   headers={"Content-Type": "application/json"})
                response = connection.getresponse()
                return response.status, response.read()
            finally:
                connection.close()
        size = 15 * 1024 * 1024
        self.assertEqual(push(size), (200, str(size).encode()))
        self.assertEqual(push(17 * 1024 * 1024)[0], 413)


if __name__ == "__main__":
    unittest.main()
