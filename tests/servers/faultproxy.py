#!/usr/bin/python3
"""A fault-injecting HTTP/1.1 proxy for the integration tests (standard library only).

Sits between mlops and one loopback server and forwards every request, except where told to
misbehave:
  --reset-after-bytes N --resets K   reset the connection (TCP RST) once N request bytes went
                                     upstream since the last reset; K times (default 1)
  --reset-down-after-bytes N         the same for response bytes (a download), K times
  --status CODE [--match REGEX] [--skip M] [--times K] [--retry-after S] [--header 'N: v']
                [--body TEXT]        answer the matching requests (REGEX on "METHOD PATH",
                                     after the first M) with CODE itself, K times, then close
                                     (the body: TEXT, else a registry-style JSON error)
  --stall-after-bytes N --stall-seconds S
                                     stop forwarding the request once N bytes went upstream and
                                     hold the connection S seconds, then reset it (once)
Counts what crossed it in a JSON file (--stats): request bytes sent upstream ("up", bodies
and heads), response bytes sent back ("down"), requests, resets, injected answers. A test
asserts "resumed, not restarted" with "up".
Usage: faultproxy.py --upstream HOST:PORT --port-file FILE --stats FILE [faults...]
"""
import argparse
import json
import os
import re
import socket
import struct
import sys
import threading
import time

LOCK = threading.Lock()
# resumed: requests asking for a byte range that does not start at 0 (a download continued).
STATS = {"up": 0, "down": 0, "requests": 0, "resets": 0, "injected": 0, "stalls": 0, "connections": 0, "resumed": 0}
STATE = {"down_since_reset": 0, "down_resets_left": 0, "since_reset": 0, "resets_left": 0, "matches": 0, "injected_left": 0, "stalls_left": 0}


def write_stats(path):
    with LOCK:
        data = json.dumps(STATS)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(data)
    os.replace(tmp, path)


def reset(sock):
    # Linger 0 makes close() send RST; shutdown() first wakes a thread blocked in recv() on it.
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass


def read_head(conn, buf):
    """Returns (head bytes, rest) or (None, buf) at EOF."""
    while b"\r\n\r\n" not in buf:
        if len(buf) > 1 << 20:
            return None, buf
        chunk = conn.recv(65536)
        if not chunk:
            return None, buf
        buf += chunk
    i = buf.index(b"\r\n\r\n") + 4
    return buf[:i], buf[i:]


def pump_down(upstream, client, args):
    try:
        while True:
            data = upstream.recv(65536)
            if not data:
                break
            with LOCK:
                cut = None
                if STATE["down_resets_left"] > 0:
                    room = args.reset_down_after_bytes - STATE["down_since_reset"]
                    if len(data) >= room:
                        cut = max(room, 0)
                        STATE["down_resets_left"] -= 1
                        STATE["down_since_reset"] = 0
                        STATS["resets"] += 1
                    else:
                        STATE["down_since_reset"] += len(data)
            if cut is not None:
                client.sendall(data[:cut])
                with LOCK:
                    STATS["down"] += cut
                write_stats(args.stats)
                reset(client)
                reset(upstream)
                return
            client.sendall(data)
            with LOCK:
                STATS["down"] += len(data)
    except OSError:
        pass
    finally:
        try:
            client.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        write_stats(args.stats)


def handle(client, args):
    host, port = args.upstream.rsplit(":", 1)
    try:
        upstream = socket.create_connection((host, int(port)))
    except OSError:
        reset(client)
        return
    with LOCK:
        STATS["connections"] += 1
    down = threading.Thread(target=pump_down, args=(upstream, client, args), daemon=True)
    down.start()
    buf = b""
    try:
        while True:
            head, buf = read_head(client, buf)
            if head is None:
                break
            lines = head.decode("latin-1").split("\r\n")
            request_line = lines[0]
            parts = request_line.split(" ")
            what = parts[0] + " " + (parts[1] if len(parts) > 1 else "")
            length = 0
            resumed = False
            for line in lines[1:]:
                if line.lower().startswith("content-length:"):
                    length = int(line.split(":", 1)[1].strip())
                if re.match(r"(?i)range:\s*bytes=[1-9]", line):
                    resumed = True
            with LOCK:
                STATS["requests"] += 1
                STATS["resumed"] += resumed
                inject = False
                if args.status and re.search(args.match, what):
                    STATE["matches"] += 1
                    if STATE["matches"] > args.skip and STATE["injected_left"] > 0:
                        STATE["injected_left"] -= 1
                        STATS["injected"] += 1
                        inject = True
            if inject:
                # Read (and drop) the body, so the client sees the answer, not a broken pipe.
                while len(buf) < length:
                    chunk = client.recv(65536)
                    if not chunk:
                        break
                    buf += chunk
                extra = "".join("%s\r\n" % h for h in args.header)
                if args.retry_after is not None:
                    extra += "Retry-After: %s\r\n" % args.retry_after
                body = args.body.encode() if args.body is not None else b'{"errors":[{"code":"INJECTED","message":"faultproxy"}]}'
                if what.startswith("HEAD "):
                    body = b""  # a HEAD answer has no body (its Content-Length would frame the next answer)
                answer = ("HTTP/1.1 %d Injected\r\nContent-Type: application/json\r\nContent-Length: %d\r\n%s"
                          "Connection: close\r\n\r\n" % (args.status, len(body), extra)).encode("latin-1") + body
                client.sendall(answer)
                write_stats(args.stats)
                break
            # Forward the head and the body, watching the byte budget for resets and stalls.
            pending = head
            body_left = length
            first = True
            while first or body_left > 0:
                if not first:
                    if not buf:
                        buf = client.recv(65536)
                        if not buf:
                            raise ConnectionError("client closed mid-body")
                    take = buf[:body_left]
                    buf = buf[body_left:]
                    body_left -= len(take)
                    pending = take
                else:
                    first = False
                    take = buf[:body_left]
                    buf = buf[body_left:]
                    body_left -= len(take)
                    pending = head + take
                while pending:
                    with LOCK:
                        room = None
                        if STATE["resets_left"] > 0:
                            room = args.reset_after_bytes - STATE["since_reset"]
                        stall_room = None
                        if STATE["stalls_left"] > 0:
                            stall_room = args.stall_after_bytes - STATE["since_reset"]
                    limit = len(pending)
                    if room is not None:
                        limit = min(limit, max(room, 0))
                    if stall_room is not None:
                        limit = min(limit, max(stall_room, 0))
                    if limit > 0:
                        upstream.sendall(pending[:limit])
                        with LOCK:
                            STATS["up"] += limit
                            STATE["since_reset"] += limit
                        pending = pending[limit:]
                        continue
                    if room is not None and room <= 0:
                        with LOCK:
                            STATE["resets_left"] -= 1
                            STATE["since_reset"] = 0
                            STATS["resets"] += 1
                        write_stats(args.stats)
                        reset(client)
                        reset(upstream)
                        return
                    with LOCK:
                        STATE["stalls_left"] -= 1
                        STATE["since_reset"] = 0
                        STATS["stalls"] += 1
                    write_stats(args.stats)
                    time.sleep(args.stall_seconds)
                    reset(client)
                    reset(upstream)
                    return
            write_stats(args.stats)
    except (OSError, ConnectionError, ValueError):
        pass
    try:
        upstream.shutdown(socket.SHUT_WR)
    except OSError:
        pass
    down.join(timeout=30)
    for s in (client, upstream):
        try:
            s.close()
        except OSError:
            pass
    write_stats(args.stats)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--upstream", required=True)
    p.add_argument("--listen", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file", required=True)
    p.add_argument("--stats", required=True)
    p.add_argument("--reset-after-bytes", type=int, default=0)
    p.add_argument("--reset-down-after-bytes", type=int, default=0)
    p.add_argument("--resets", type=int, default=1)
    p.add_argument("--status", type=int, default=0)
    p.add_argument("--match", default=".")
    p.add_argument("--skip", type=int, default=0)
    p.add_argument("--times", type=int, default=1)
    p.add_argument("--retry-after", default=None)
    p.add_argument("--header", action="append", default=[])
    p.add_argument("--body", default=None)
    p.add_argument("--stall-after-bytes", type=int, default=0)
    p.add_argument("--stall-seconds", type=float, default=5.0)
    args = p.parse_args()
    STATE["resets_left"] = args.resets if args.reset_after_bytes > 0 else 0
    STATE["down_resets_left"] = args.resets if args.reset_down_after_bytes > 0 else 0
    STATE["injected_left"] = args.times if args.status else 0
    STATE["stalls_left"] = 1 if args.stall_after_bytes > 0 else 0
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((args.listen, args.port))
    srv.listen(64)
    write_stats(args.stats)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.getsockname()[1])
    os.replace(tmp, args.port_file)
    while True:
        client, _ = srv.accept()
        threading.Thread(target=handle, args=(client, args), daemon=True).start()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(0)
