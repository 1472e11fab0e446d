package bench.httpgateway;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * The cheapest HTTP/1.1 client that is still correct enough for the benchmark: blocking sockets
 * (cheap on virtual threads), TCP_NODELAY, a keep-alive pool per host, requests written in one
 * write, responses read by {@code content-length} (the servers here always send it). No TLS, no
 * chunked bodies, no redirects. It exists to give the "three processes" variant the best client
 * it could have, so that the comparison with bindings does not rest on a slow client.
 */
final class RawHttpClient {

    /** A response: status, content type (or null) and body. */
    record Reply(int status, String contentType, byte[] body) {
    }

    private final Map<String, ConcurrentLinkedDeque<Connection>> pools = new ConcurrentHashMap<>();

    Reply send(URI uri, String method, Map<String, String> headers, byte[] body) throws IOException {
        String authority = uri.getHost() + ":" + uri.getPort();
        ConcurrentLinkedDeque<Connection> pool = pools.computeIfAbsent(authority, k -> new ConcurrentLinkedDeque<>());
        StringBuilder head = new StringBuilder(256).append(method).append(' ')
                .append(uri.getRawPath()).append(uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
                .append(" HTTP/1.1\r\nhost: ").append(authority).append("\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        head.append("content-length: ").append(body.length).append("\r\n\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] request = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, request, 0, headBytes.length);
        System.arraycopy(body, 0, request, headBytes.length, body.length);

        Connection pooled = pool.pollFirst();
        Connection connection = pooled != null ? pooled : new Connection(uri.getHost(), uri.getPort());
        try {
            Reply reply = connection.exchange(request);
            if (connection.keepAlive) {
                pool.offerFirst(connection);
            } else {
                connection.close();
            }
            return reply;
        } catch (IOException e) {
            connection.close();
            if (pooled != null) {
                // A pooled connection the server closed meanwhile: once more on a new one.
                return send(uri, method, headers, body);
            }
            throw e;
        }
    }

    private static final class Connection {
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        boolean keepAlive = true;

        Connection(String host, int port) throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), 5000);
            in = new BufferedInputStream(socket.getInputStream(), 8192);
            out = socket.getOutputStream();
        }

        Reply exchange(byte[] request) throws IOException {
            out.write(request);
            out.flush();
            String status = line();
            if (status == null || !status.startsWith("HTTP/1.1 ")) {
                throw new IOException("bad status line: " + status);
            }
            int code = Integer.parseInt(status.substring(9, 12));
            int length = 0;
            String type = null;
            for (String line = line(); line != null && !line.isEmpty(); line = line()) {
                int colon = line.indexOf(':');
                String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = line.substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> length = Integer.parseInt(value);
                    case "content-type" -> type = value;
                    case "connection" -> keepAlive = !value.equalsIgnoreCase("close");
                    case "transfer-encoding" -> throw new IOException("chunked bodies are not supported here");
                    default -> { }
                }
            }
            return new Reply(code, type, in.readNBytes(length));
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder(64);
            for (int c = in.read(); c != -1; c = in.read()) {
                if (c == '\n') {
                    int end = line.length();
                    return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
                }
                line.append((char) c);
            }
            if (line.isEmpty()) {
                throw new IOException("connection closed");
            }
            return line.toString();
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
