#!/usr/bin/env python3
"""A registry that misbehaves, for the tests: python3 hostile-registry.py MODE prints its port on
127.0.0.1, then serves plain HTTP until killed. A TLS handshake is answered by closing the
connection, as most HTTP servers do, so that --insecure falls back to plain HTTP at once.

Modes:
  echo    asks for Basic credentials, then answers every manifest with 404 and an error whose
          message echoes the request's headers, Authorization included (as some gateways do)
  trickle-token
          asks for a Bearer token from its own /token, which answers a byte a second for ever
  hang    reads each request and never answers it
  garbage answers every request with bytes that are no HTTP response
  garbage-token
          asks for a Bearer token from its own /token, which answers with bytes that are no HTTP
"""
import json
import socket
import sys
import threading
import time

MODE = sys.argv[1]


def read_request(conn):
    data = conn.recv(65536)
    if not data or data[0] == 0x16:
        return None
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    lines = data.split(b"\r\n\r\n", 1)[0].decode("latin1").split("\r\n")
    method, path, _ = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    return method, path, headers


def send(conn, status, headers=(), body=b""):
    head = f"HTTP/1.1 {status}\r\n" + "".join(f"{name}: {value}\r\n" for name, value in headers)
    conn.sendall(head.encode() + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)


def serve(conn):
    try:
        while True:
            request = read_request(conn)
            if request is None:
                return
            _, path, headers = request
            if MODE == "echo":
                if "authorization" not in headers:
                    send(conn, "401 Unauthorized", [("WWW-Authenticate", 'Basic realm="hostile"')])
                elif path == "/v2/":
                    send(conn, "200 OK")
                else:
                    error = {"errors": [{"code": "MANIFEST_UNKNOWN", "message": "no such manifest; request: " + json.dumps(headers)}]}
                    send(conn, "404 Not Found", [("Content-Type", "application/json")], json.dumps(error).encode())
            elif MODE == "hang":
                time.sleep(3600)
            elif MODE == "garbage" or (MODE == "garbage-token" and path.startswith("/token")):
                conn.sendall(b"SSH-2.0-OpenSSH_9.2 not a registry\r\n\r\n")
                return
            elif MODE == "garbage-token":
                port = conn.getsockname()[1]
                challenge = f'Bearer realm="http://127.0.0.1:{port}/token",service="hostile",scope="repository:team/app:pull"'
                send(conn, "401 Unauthorized", [("WWW-Authenticate", challenge)])
            elif MODE == "trickle-token":
                if path.startswith("/token"):
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
                    while True:
                        conn.sendall(b" ")
                        time.sleep(1)
                port = conn.getsockname()[1]
                challenge = f'Bearer realm="http://127.0.0.1:{port}/token",service="hostile",scope="repository:team/app:pull"'
                send(conn, "401 Unauthorized", [("WWW-Authenticate", challenge)])
    except OSError:
        pass
    finally:
        conn.close()


listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(64)
print(listener.getsockname()[1], flush=True)
while True:
    connection, _ = listener.accept()
    threading.Thread(target=serve, args=(connection,), daemon=True).start()
