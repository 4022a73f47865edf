package io.llmgateway.routing;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A client on a raw socket that posts a streaming request and hangs up once it saw a marker. */
final class LeavingClient {

    private LeavingClient() {
    }

    /** A chat completions stream; answers what was read before hanging up. */
    static String streamUntil(int port, String key, String body, String marker) throws IOException {
        return streamUntil(port, "/api/v1/chat/completions", key, body, marker);
    }

    /** Answers what was read before hanging up (status line, headers and the first events). */
    static String streamUntil(int port, String path, String key, String body, String marker) throws IOException {
        try (Socket socket = new Socket("localhost", port)) {
            socket.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: x\r\n"
                    + "Authorization: Bearer " + key + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
            byte[] buf = new byte[4096];
            StringBuilder seen = new StringBuilder();
            while (!seen.toString().contains(marker)) {
                int n = socket.getInputStream().read(buf);
                if (n < 0) {
                    throw new IOException("the gateway closed the stream before " + marker + ": " + seen);
                }
                seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            }
            return seen.toString();
        }
    }
}
