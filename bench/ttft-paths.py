#!/usr/bin/env python3
"""Where a proxy's time to first token goes, hop by hop, read off the loopback wire.

    sudo bench/ttft-paths.py --key KEY [--streams 100] [--gateway 8080] [--nginx 8095] [--sim 8090]
                             [--gateway-b PORT]

Sends one stream at a time (raw HTTP/1.1 on a kept-alive socket per proxy, 20 ms apart; simulator
provider `openai` set to a 50 ms time to first token). The proxies take turns, one stream each, so a
drift of the machine falls on all of them alike (on this shared host the medians of two back-to-back
blocks differ by 100 µs). tcpdump records every packet with data on loopback, into a file: read
through a pipe only at the end, it dropped most packets once the pipe was full. Per stream and proxy:
  request path  = client's request packet in  -> the proxy's request packet to the simulator out
  response path = simulator's first packet in -> the proxy's first packet to the client out
Both include the proxy's wake-ups and its write syscalls, and nothing of the simulator or the client,
so they are the proxy's own share of the time to first token. --gateway-b adds a second gateway (an
A/B of two builds, each started on its own port). Needs tcpdump and root (or CAP_NET_RAW).
"""
import argparse, json, re, socket, statistics, subprocess, sys, tempfile, time, urllib.request

p = argparse.ArgumentParser()
p.add_argument("--key", required=True)
p.add_argument("--streams", type=int, default=100)
p.add_argument("--gateway", type=int, default=8080)
p.add_argument("--nginx", type=int, default=8095)
p.add_argument("--sim", type=int, default=8090)
p.add_argument("--gateway-b", type=int)
a = p.parse_args()


def settings(body):
    req = urllib.request.Request(f"http://127.0.0.1:{a.sim}/sim/providers/openai", method="PUT" if body else "DELETE",
                                 data=json.dumps(body).encode() if body else None,
                                 headers={"content-type": "application/json"})
    urllib.request.urlopen(req).read()


def connection(port, path, model, key=None, only=None):
    """A kept-alive socket to the proxy and the request to send on it."""
    s = socket.create_connection(("127.0.0.1", port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    body = {"model": model, "stream": True, "messages": [{"role": "user", "content": "Tell me about the sea."}]}
    if only:
        body["provider"] = {"only": [only]}
    b = json.dumps(body).encode()
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {len(b)}\r\n"
    if key:
        head += f"Authorization: Bearer {key}\r\n"
    return s, (head + "\r\n").encode() + b, port


def stream(s, request, port):
    time.sleep(0.02)
    s.sendall(request)
    buf = b""
    while not buf.endswith(b"0\r\n\r\n"):
        chunk = s.recv(65536)
        if not chunk:
            sys.exit(f"port {port} closed the connection")
        buf += chunk


def paths(capture, proxy):
    rows = []
    for line in capture.splitlines():
        m = re.match(r"(\d+\.\d+) IP 127\.0\.0\.1\.(\d+) > 127\.0\.0\.1\.(\d+): .*length (\d+)", line)
        if m:
            rows.append((float(m.group(1)), int(m.group(2)), int(m.group(3)), int(m.group(4))))
    starts = [i for i, r in enumerate(rows) if r[2] == proxy and r[3] > 200]
    req, resp = [], []
    for n, i in enumerate(starts):
        t0, client = rows[i][0], rows[i][1]
        end = starts[n + 1] if n + 1 < len(starts) else len(rows)
        up = down = out = upstream_port = None
        for t, src, dst, _ in rows[i + 1:end]:
            if dst == a.sim and up is None:
                up, upstream_port = t, src
            elif src == a.sim and dst == upstream_port and down is None:
                down = t
            elif src == proxy and dst == client and down is not None and out is None:
                out = t
        if up and down and out:
            req.append((up - t0) * 1e6)
            resp.append((out - down) * 1e6)
    return req[10:], resp[10:]


targets = [("gateway", a.gateway, "/api/v1/chat/completions", "openai/gpt-4o-mini", a.key, "openai")]
if a.gateway_b:
    targets.append(("gateway-b", a.gateway_b, "/api/v1/chat/completions", "openai/gpt-4o-mini", a.key, "openai"))
targets.append(("nginx", a.nginx, "/p/openai/v1/chat/completions", "gpt-4o-mini", None, None))
settings({"ttft_ms": 50, "tokens_per_second": 2000, "output_tokens": 3})
capture = tempfile.NamedTemporaryFile("w+", suffix=".tcpdump.txt")
try:
    ports = " or ".join(f"port {t[1]}" for t in targets)
    dump = subprocess.Popen(["tcpdump", "-i", "lo", "-nn", "-tt", "-l",
                             f"tcp[tcpflags] & tcp-push != 0 and ({ports} or port {a.sim})"],
                            stdout=capture, stderr=subprocess.DEVNULL, text=True)
    time.sleep(1)
    connections = [connection(port, path, model, key, only) for _, port, path, model, key, only in targets]
    for _ in range(a.streams + 10):  # the first 10 rounds warm the paths and are not reported
        for c in connections:
            stream(*c)
    time.sleep(0.5)
    dump.terminate()
    dump.wait()
    capture.seek(0)
    text = capture.read()
    results = {name: paths(text, port) for name, port, *_ in targets}
finally:
    settings(None)
print(f"streams: {a.streams} per proxy, one at a time, the proxies taking turns; microseconds, p50 / p90")
for name, (req, resp) in results.items():
    if not req:
        print(f"{name:9s} no complete stream captured (is tcpdump allowed to capture on lo?)")
        continue
    q = lambda v, x: sorted(v)[int(x * (len(v) - 1))]
    both = [x + y for x, y in zip(req, resp)]
    print(f"{name:9s} request path {statistics.median(req):6.0f} / {q(req, 0.9):6.0f}   "
          f"response path {statistics.median(resp):6.0f} / {q(resp, 0.9):6.0f}   "
          f"both {statistics.median(both):6.0f} / {q(both, 0.9):6.0f}   ({len(req)} streams)")
