package io.jworkers.runtime.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * Requests written byte for byte on a plain socket, for what an HTTP client library would not
 * send (other versions, odd targets, broken bodies), and the answer read until the server closes
 * the connection: a server that keeps it open 10 s fails the test.
 */
public final class RawHttp {

    private RawHttp() {
    }

    /**
     * Sends a request and reads everything until the server closes the connection.
     *
     * @param port the server's port on 127.0.0.1
     * @param request the bytes to send, as ISO-8859-1 text
     * @return what the server sent
     * @throws AssertionError if the server kept the connection open for 10 s
     */
    public static String exchange(int port, String request) {
        try (Socket socket = connect(port)) {
            send(socket, request);
            return readUntilClosed(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Opens a connection that fails a read after 10 s of silence.
     *
     * @param port the server's port on 127.0.0.1
     * @return the socket
     */
    public static Socket connect(int port) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        return socket;
    }

    /**
     * Writes text as ISO-8859-1 bytes.
     *
     * @param socket the connection
     * @param text the bytes
     */
    public static void send(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /**
     * Reads until the server closes the connection (a reset counts as a close).
     *
     * @param socket the connection
     * @return what the server sent
     * @throws AssertionError if the server kept the connection open for 10 s
     */
    public static String readUntilClosed(Socket socket) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                received.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server kept the connection open; it sent: "
                    + received.toString(StandardCharsets.ISO_8859_1), e);
        } catch (IOException reset) {
            // A reset is a close too.
        }
        return received.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * Reads exactly one response with a {@code Content-Length}, leaving the connection open.
     *
     * @param socket the connection
     * @return the response: head and body
     */
    public static String readResponse(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("the connection closed inside a response head: " + head);
            }
            head.write(b);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        String length = header(text, "content-length");
        byte[] body = in.readNBytes(Integer.parseInt(length));
        return text + new String(body, StandardCharsets.ISO_8859_1);
    }

    /**
     * The status line of a response.
     *
     * @param response the response
     * @return e.g. {@code HTTP/1.1 200 OK}, or {@code ""} for no response
     */
    public static String statusLine(String response) {
        int end = response.indexOf("\r\n");
        return end < 0 ? response : response.substring(0, end);
    }

    /**
     * A header of a response, its name in any case.
     *
     * @param response the response
     * @param name the name, lower case
     * @return the value, or {@code null} if absent
     */
    public static String header(String response, String name) {
        int end = response.indexOf("\r\n\r\n");
        for (String line : response.substring(0, end < 0 ? response.length() : end).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    /**
     * The body of a response: everything after the head.
     *
     * @param response the response
     * @return the body
     */
    public static String body(String response) {
        int end = response.indexOf("\r\n\r\n");
        return end < 0 ? "" : response.substring(end + 4);
    }
}
