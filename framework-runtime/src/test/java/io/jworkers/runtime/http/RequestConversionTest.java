package io.jworkers.runtime.http;

import static io.jworkers.runtime.testing.WorkerDirs.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.dev.DevServer;
import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.WorkerDirs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker sees the request Helidon parsed as it always did, whether the ingress hands the URL
 * on unparsed (the plain case) or parses it at once (anything unusual).
 */
class RequestConversionTest {

    @TempDir
    static Path dir;
    private static DevServer server;

    @BeforeAll
    static void start() {
        Path echo = WorkerDirs.config(dir, "urlecho", """
                { "name": "urlecho", "classpath": [%s], "routes": ["/*"] }
                """.formatted(json(Fixtures.classes("urlecho"))));
        server = DevServer.start(List.of(echo), null, "127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aPlainRequestKeepsItsUrlPathAndHeaders() throws IOException {
        assertEquals("""
                path=/a b/c
                url=http://example.com:8080/a%20b/c?x=1&y=%2F&z=a?b
                path=/a b/c
                method=GET
                clone=true
                host=[Example.COM:8080]
                content-type=[text/plain]
                x-a=[1, 2]
                body=
                """, echo("GET /a%20b/c?x=1&y=%2F&z=a?b HTTP/1.1", "Example.COM:8080",
                "X-A: 1", "X-A: 2", "Content-Type: text/plain"));
        assertEquals("""
                path=/notes
                url=http://localhost:1234/notes
                path=/notes
                method=GET
                clone=true
                host=[localhost:1234]
                body=
                """, echo("get /notes HTTP/1.1", "localhost:1234"));
        assertEquals("""
                path=/p
                url=http://h/p
                path=/p
                method=POST
                clone=true
                host=[h]
                content-length=[3]
                x-tab=[a\tb]
                body=abc
                """, echo("POST /p HTTP/1.1", "h", "Content-Length: 3", "X-Tab: a\tb", "", "abc"));
    }

    @Test
    void unusualHostsAndPathsAreParsedAtOnceAsBefore() throws IOException {
        assertTrue(echo("GET /x HTTP/1.1", "my_host").startsWith("path=/x\nurl=http://my_host/x\n"));
        assertTrue(echo("GET /x HTTP/1.1", "[::1]:8080").startsWith("path=/x\nurl=http://[::1]:8080/x\n"));
        assertTrue(echo("GET //evil.com/x HTTP/1.1", "h").startsWith("path=//evil.com/x\nurl=http://h//evil.com/x\n"));
        assertTrue(echo("GET /%C3%A9t%C3%A9 HTTP/1.1", "h").startsWith("path=/\u00e9t\u00e9\nurl=http://h/%C3%A9t%C3%A9\n"));
    }

    @Test
    void responseHeadersAreCheckedAsHelidonWouldAndABadOneFailsTheResponseWithoutDetail() throws IOException {
        String ok = raw("GET /tab-header HTTP/1.1", "h");
        assertTrue(ok.startsWith("HTTP/1.1 200"), ok);
        assertTrue(ok.contains("\r\nx-tab: a\tb,  c\r\n") || ok.contains("\r\nx-tab: a\tb\r\nx-tab:  c\r\n"), ok);
        String bad = raw("GET /bad-header HTTP/1.1", "h");
        assertTrue(bad.startsWith("HTTP/1.1 500"), bad);
        assertTrue(!bad.contains("never sent") && !bad.contains("Exception") && !bad.contains("x-bad"), bad);
    }

    @Test
    void whatPassesTheChecksIsWhatUriAccepts() {
        String alphabet = "aZ09-._~!$&'()*+,;=:@/?%2fF|[]#\\\"<> {}^`\u00e9\u0001";
        Random random = new Random(3);
        int plain = 0;
        for (int i = 0; i < 200_000; i++) {
            StringBuilder target = new StringBuilder("/");
            int length = random.nextInt(12);
            for (int j = 0; j < length; j++) {
                target.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            StringBuilder host = new StringBuilder();
            int hostLength = random.nextInt(8);
            for (int j = 0; j < hostLength; j++) {
                host.append("a0.-:_[]9".charAt(random.nextInt(9)));
            }
            if (UriText.isPlainAuthority(host.toString()) && UriText.isPlainTarget(target.toString())) {
                plain++;
                URI uri = URI.create("http://" + host + target);
                String rawPath = target.indexOf("?") < 0 ? target.toString() : target.substring(0, target.indexOf("?"));
                assertEquals(host.toString(), uri.getRawAuthority());
                if (rawPath.indexOf('%') < 0) {
                    assertEquals(rawPath, uri.getPath());
                }
            }
        }
        assertTrue(plain > 1_000, "too few plain samples: " + plain);
    }

    // One request on its own connection; the worker's answer.
    private static String echo(String requestLine, String host, String... headersThenBody) throws IOException {
        String text = raw(requestLine, host, headersThenBody);
        assertTrue(text.startsWith("HTTP/1.1 200"), text);
        return text.substring(text.indexOf("\r\n\r\n") + 4);
    }

    // One request on its own connection; the whole response.
    private static String raw(String requestLine, String host, String... headersThenBody) throws IOException {
        StringBuilder head = new StringBuilder(requestLine).append("\r\nHost: ").append(host).append("\r\n");
        String body = "";
        for (int i = 0; i < headersThenBody.length; i++) {
            if (headersThenBody[i].isEmpty()) {
                body = headersThenBody[i + 1];
                break;
            }
            head.append(headersThenBody[i]).append("\r\n");
        }
        head.append("\r\n").append(body);
        try (Socket socket = new Socket("127.0.0.1", Integer.parseInt(server.url().substring(server.url().lastIndexOf(':') + 1)))) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int contentLength = -1;
            int bodyStart = -1;
            while (bodyStart < 0 || response.size() < bodyStart + contentLength) {
                int read = in.read(buffer);
                if (read < 0) {
                    break;
                }
                response.write(buffer, 0, read);
                String text = response.toString(StandardCharsets.ISO_8859_1);
                int end = text.indexOf("\r\n\r\n");
                if (bodyStart < 0 && end >= 0) {
                    bodyStart = end + 4;
                    String lower = text.substring(0, end).toLowerCase(java.util.Locale.ROOT);
                    int at = lower.indexOf("content-length: ");
                    contentLength = Integer.parseInt(lower.substring(at + 16, lower.indexOf("\r\n", at)).trim());
                }
            }
            return response.toString(StandardCharsets.UTF_8);
        }
    }
}
