#!/usr/bin/env python3
"""Two small HTTP/1.1 servers on 127.0.0.1 for the CurlMulti tests (Tests/VerifierTests/LibCurl).

Prints "PORT OTHER_PORT" on one line once both listen, then serves until killed. Paths:
  /hello          200 with X-Test: yes and the body "hello world" (GET and HEAD)
  /port           the client's port, as the body (to count connections)
  /close          like /port, then closes the connection (Connection: close)
  /bytes?size=N   N zero bytes with a Content-Length
  /chunked?size=N N zero bytes, chunked (no length announced)
  /reset          announces 1 MB, sends 64 KiB, then resets the connection (RST)
  /hang           reads the request and never answers
  /redirect       302 to OTHER_PORT's /auth-echo, with X-First: yes
  /auth-echo      "authorization: VALUE" or "authorization: none"
"""
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    other_port = 0

    def log_message(self, *args):
        pass

    def do_HEAD(self):
        self.do_GET()

    def reply(self, body, headers=()):
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self):
        url = urlparse(self.path)
        query = parse_qs(url.query)
        size = int(query.get("size", ["0"])[0])
        if url.path == "/hello":
            self.reply(b"hello world", [("X-Test", "yes"), ("Content-Type", "text/plain")])
        elif url.path == "/port":
            self.reply(str(self.client_address[1]).encode())
        elif url.path == "/close":
            self.close_connection = True
            self.reply(str(self.client_address[1]).encode(), [("Connection", "close")])
        elif url.path == "/bytes":
            self.send_response(200)
            self.send_header("Content-Length", str(size))
            self.end_headers()
            chunk = bytes(64 * 1024)
            left = size
            while left > 0:
                self.wfile.write(chunk[: min(left, len(chunk))])
                left -= min(left, len(chunk))
        elif url.path == "/chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            left = size
            while left > 0:
                count = min(left, 16 * 1024)
                self.wfile.write(b"%x\r\n" % count + bytes(count) + b"\r\n")
                left -= count
            self.wfile.write(b"0\r\n\r\n")
        elif url.path == "/reset":
            self.send_response(200)
            self.send_header("Content-Length", str(1024 * 1024))
            self.end_headers()
            self.wfile.write(bytes(64 * 1024))
            self.wfile.flush()
            time.sleep(0.2)
            self.close_connection = True
            # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.rfile.close()
            self.wfile.close()
            self.connection.close()
        elif url.path == "/hang":
            time.sleep(3600)
        elif url.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "http://127.0.0.1:%d/auth-echo" % Handler.other_port)
            self.send_header("X-First", "yes")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif url.path == "/auth-echo":
            self.reply(("authorization: %s" % self.headers.get("Authorization", "none")).encode())
        else:
            self.send_error(404)


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a reset or a vanished client is what these tests make happen


def main():
    servers = [QuietServer(("127.0.0.1", 0), Handler) for _ in range(2)]
    for server in servers:
        server.daemon_threads = True
        server.request_queue_size = 128
    Handler.other_port = servers[1].server_address[1]
    threading.Thread(target=servers[1].serve_forever, daemon=True).start()
    print("%d %d" % (servers[0].server_address[1], servers[1].server_address[1]), flush=True)
    servers[0].serve_forever()


if __name__ == "__main__":
    sys.exit(main())
