#!/usr/bin/env python3
"""Stands in for an HTTP proxy and records every connection made to it: chromium is pointed at it
(--proxy-server) by the HTML report's test, so that any request the page makes lands here.

Usage: request-recorder.py PORT_FILE LOG_FILE. Listens on 127.0.0.1 (a free port, written to
PORT_FILE), appends the first line of each request (GET http://host/..., CONNECT host:443) to
LOG_FILE, answers 502, and runs until it is killed."""
import socket
import sys

port_file, log_file = sys.argv[1], sys.argv[2]
server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", 0))
server.listen(16)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.getsockname()[1]))
import os
os.rename(port_file + ".tmp", port_file)
while True:
    connection, _ = server.accept()
    connection.settimeout(2)
    try:
        first = connection.recv(4096).split(b"\r\n", 1)[0].decode("latin-1")
    except OSError:
        first = "(a connection that sent nothing)"
    with open(log_file, "a") as log:
        log.write(first + "\n")
    try:
        connection.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    except OSError:
        pass
    connection.close()
