package io.jworkers.runtime.serve;

import static io.jworkers.runtime.testing.WorkerDirs.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jworkers.runtime.bundle.BundleHash;
import io.jworkers.runtime.bundle.BundleLimits;
import io.jworkers.runtime.bundle.WorkerBundle;
import io.jworkers.runtime.config.ConfigLoader;
import io.jworkers.runtime.deploy.VersionInfo;
import io.jworkers.runtime.http.IngressServer;
import io.jworkers.runtime.http.IngressSettings;
import io.jworkers.runtime.host.WorkerHost;
import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.ServeHarness;
import io.jworkers.runtime.testing.WorkerDirs;
import io.jworkers.runtime.testing.ZipBytes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bundles deployed through the real admin API, over HTTP (raw sockets where the framing is the
 * point): a crafted zip, a classpath leaving the bundle, an upload over the limit or a full disk is
 * refused with its status and message, and the state folder is byte for byte what it was; a bundle
 * is read once, and its hash names its content.
 */
class BundleDeployTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final BundleLimits LIMITS = new BundleLimits(1 << 20, 1 << 20, 16);
    private static final String REBUILD = ". Rebuild it with jworkers deploy.";

    @TempDir
    Path state;
    @TempDir
    Path work;
    private ServeHost serve;
    private IngressServer ingress;
    private AdminServer admin;
    private Path tokenFile;

    @BeforeEach
    void start() throws IOException {
        tokenFile = Files.writeString(work.resolve("token"), ServeHarness.TOKEN);
        start(LIMITS);
        ServeHarness.Cli first = cli("deploy", "-c", hello("v1").toString());
        assertEquals(0, first.code(), first.err());
    }

    private void start(BundleLimits limits) {
        serve = ServeHost.open(state, limits);
        ingress = IngressServer.start(IngressSettings.defaults("127.0.0.1", 0), serve, serve.host().requests());
        admin = AdminServer.start("127.0.0.1", 0, serve, ServeHarness.TOKEN);
    }

    @AfterEach
    void stop() {
        admin.close();
        ingress.close();
        serve.close();
    }

    private void restart(BundleLimits limits) {
        stop();
        start(limits);
    }

    private Path hello(String who) {
        return WorkerDirs.config(work, who, """
                { "name": "hello", "classpath": [%s], "routes": ["/*"], "vars": { "WHO": "%s" } }
                """.formatted(json(Fixtures.classes("hello")), who));
    }

    private ServeHarness.Cli cli(String... args) {
        return ServeHarness.cli("http://127.0.0.1:" + admin.port(), tokenFile, "", args);
    }

    // A real bundle of hello with WHO=who, as jworkers deploy packs it, to craft from.
    private ZipBytes helloBundle(String who) {
        Path zip = WorkerBundle.write(ConfigLoader.load(hello(who), null), work.resolve("hello-" + who + ".zip"));
        return ZipBytes.of(zip);
    }

    private static ZipBytes.Entry entry(ZipBytes zip, String name) {
        return zip.entries().stream().filter(e -> e.name.equals(name)).findFirst().orElseThrow();
    }

    private HttpResponse<String> post(byte[] zip) {
        try {
            return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port()
                            + "/v1/workers/hello/versions"))
                    .header("authorization", "Bearer " + ServeHarness.TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(zip)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What a refused deploy must leave as it was: the versions, the current one, every file of the state folder. */
    private record Snapshot(List<VersionInfo> versions, Optional<Integer> current, Map<String, String> files) {
    }

    private Snapshot snapshot() throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(state)) {
            for (Path path : walk.toList()) {
                files.put(state.relativize(path).toString(), Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS) ? "folder"
                        : sha256(Files.readAllBytes(path)));
            }
        }
        return new Snapshot(serve.store().versions("hello", WorkerHost.PRODUCTION),
                serve.store().current("hello", WorkerHost.PRODUCTION).map(d -> d.info().number()), files);
    }

    private void assertRefused(int status, String message, byte[] zip) throws IOException {
        Snapshot before = snapshot();
        HttpResponse<String> response = post(zip);
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(Map.of("error", message), JSON.readValue(response.body(), Map.class));
        assertEquals(before, snapshot(), "a refused deploy changes nothing in the state folder");
        assertTrue(Http.get("http://127.0.0.1:" + ingress.port() + "/").body().startsWith("hello from v1 at /"),
                "version 1 still serves");
    }

    @Test
    void aBundleCraftedByHandDeploysWhenNothingIsWrongWithIt() throws IOException {
        HttpResponse<String> response = post(helloBundle("v2").bytes());
        assertEquals(200, response.statusCode(), response.body());
        var version = JSON.readTree(response.body());
        assertEquals(2, version.path("number").asInt());
        assertEquals(BundleHash.of(serve.store().current("hello", WorkerHost.PRODUCTION).orElseThrow().bundleDir()),
                version.path("sha256").asText(), "the version's hash is the hash of the files it runs");
        assertTrue(Http.get("http://127.0.0.1:" + ingress.port() + "/").body().startsWith("hello from v2 at /"));
        try (Stream<Path> staging = Files.list(state.resolve("staging"))) {
            assertEquals(List.of(), staging.toList(), "the upload and the unpacked bundle are gone from staging/");
        }
    }

    @Test
    void aZipWhoseLocalHeadersShowAnotherConfigThanItsCentralDirectoryIsRefused() throws IOException {
        // Before: the checks walked local headers and saw the hidden config; the store unpacked the listed one.
        ZipBytes zip = helloBundle("v2");
        int withoutHidden = zip.bytes().length;
        ZipBytes.Entry hidden = new ZipBytes().add("worker.json", entry(helloBundle("evil"), "worker.json").content);
        hidden.listed = false;
        zip.entries().add(0, hidden);
        int hiddenLength = zip.bytes().length - withoutHidden;
        assertRefused(400, "The bundle is refused: bytes 0 to " + (hiddenLength - 1) + " belong to no entry (they come"
                + " before entry \"classpath/0/\")" + REBUILD, zip.bytes());

        ZipBytes renamed = helloBundle("v2");
        entry(renamed, "worker.json").localName = "worker.jsox";
        assertRefused(400, "The bundle is refused: entry \"worker.json\" has a local header that names it \"worker.jsox\","
                + " so zip readers would disagree on what the bundle holds" + REBUILD, renamed.bytes());
    }

    @Test
    void aBundleWithTwoConfigsIsRefused() throws IOException {
        ZipBytes zip = helloBundle("v2");
        zip.add("worker.json", entry(helloBundle("evil"), "worker.json").content);
        assertRefused(400, "The bundle is refused: entry \"worker.json\" appears twice" + REBUILD, zip.bytes());
    }

    @Test
    void aSymbolicLinkInABundleIsRefused() throws IOException {
        ZipBytes zip = helloBundle("v2");
        zip.add("classpath/0/io/fixture/hello/secrets", "../../../../../../secrets").stored().unixMode(0120777);
        assertRefused(400, "The bundle is refused: entry \"classpath/0/io/fixture/hello/secrets\" is a symbolic link;"
                + " a bundle holds only plain files and folders" + REBUILD, zip.bytes());
    }

    @Test
    void aZipBombIsRefusedAndSoIsAnEntryLyingAboutItsSize() throws IOException {
        ZipBytes bomb = helloBundle("v2");
        bomb.add("classpath/0/zeros.bin", new byte[4 << 20]);
        byte[] bytes = bomb.bytes();
        assertTrue(bytes.length < 16 * 1024, "a small upload: " + bytes.length);
        long declared = bomb.entries().stream().mapToLong(e -> e.content.length).sum();
        assertRefused(400, "The bundle is refused: it unpacks to more than the limit of 1 MiB (the entries up to"
                + " \"classpath/0/zeros.bin\" declare " + String.format("%,d", declared) + " bytes). Make the worker"
                + " smaller: jworkers deploy packs every folder and jar its classpath lists, so drop what the worker does"
                + " not need.", bytes);

        ZipBytes liar = helloBundle("v2");
        liar.add("classpath/0/zeros.bin", new byte[4 << 20]).declaredSize = 10L;
        assertRefused(400, "The bundle is refused: entry \"classpath/0/zeros.bin\" inflates to more than the 10 bytes it"
                + " declares" + REBUILD, liar.bytes());
    }

    @Test
    void aBundleWithMoreEntriesThanTheLimitIsRefused() throws IOException {
        ZipBytes zip = helloBundle("v2");
        int real = zip.entries().size();
        for (int i = real; i <= LIMITS.maxEntries(); i++) {
            zip.add("classpath/0/filler" + i + ".txt", "x");
        }
        assertRefused(400, "The bundle is refused: it has 17 entries, more than the limit of 16. Make the worker smaller:"
                + " jworkers deploy packs every folder and jar its classpath lists, so drop what the worker does not need.",
                zip.bytes());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            ../../evil.txt     | has a ".." segment, which would unpack outside the bundle
            /tmp/evil.txt      | is an absolute path; a bundle's entries are relative to the bundle
            classpath\\evil.txt | has a backslash in its name; zip entry names separate folders with /
            """)
    void anEntryNamedOutsideTheBundleIsRefused(String name, String reason) throws IOException {
        ZipBytes zip = helloBundle("v2");
        zip.add(name, "evil");
        assertRefused(400, "The bundle is refused: entry \"" + name.replace("\\", "\\\\") + "\" " + reason + REBUILD,
                zip.bytes());
        assertFalse(Files.exists(state.resolve("evil.txt")));
        assertFalse(Files.exists(Path.of("/tmp/evil.txt")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            /etc                                                          | which is an absolute path, outside the bundle
            ..                                                            | which leads outside the bundle
            ../../workers/hello/production/versions/1/bundle/classpath/0 | which leads outside the bundle
            classpath/7                                                   | which is not in the bundle
            """)
    void aClasspathEntryOutsideTheBundleIsRefused(String classpath, String reason) throws IOException {
        // The last but one is version 1's own folder, from staging/unpack-*/: it exists, and used to load.
        ZipBytes zip = helloBundle("v2");
        ZipBytes.Entry config = entry(zip, "worker.json");
        config.content = new String(config.content, StandardCharsets.UTF_8)
                .replace("\"classpath/0\"", "\"" + classpath + "\"").getBytes(StandardCharsets.UTF_8);
        assertRefused(400, "The bundle is refused: its worker.json lists classpath entry \"" + classpath + "\", " + reason
                + "; a bundle's classpath names its own folders and jars (classpath/N)" + REBUILD, zip.bytes());
    }

    @Test
    void somethingThatIsNotABundleIsRefused() throws IOException {
        assertRefused(400, "The bundle is refused: it is not a zip file (9 bytes)" + REBUILD,
                "not a zip".getBytes(StandardCharsets.UTF_8));
        byte[] zip = helloBundle("v2").bytes();
        assertRefused(400, "The bundle is refused: it does not end with a zip end record (it is not a zip file, or it is cut"
                + " short, or a comment or other data follows the zip)" + REBUILD, Arrays.copyOf(zip, zip.length - 1));
        ZipBytes noConfig = helloBundle("v2");
        noConfig.entries().remove(entry(noConfig, "worker.json"));
        assertRefused(400, "The bundle is refused: it has no worker.json at its top" + REBUILD, noConfig.bytes());
    }

    // ---------------------------------------------------------------- upload limits

    private static final String TOO_LARGE = "The upload is larger than %s, the largest bundle this host accepts. Make the"
            + " worker smaller: jworkers deploy packs every folder and jar its classpath lists, so drop what the worker"
            + " does not need.";

    /** The response to what was written, and whether the server closed the connection after it (if asked). */
    private record Exchange(String statusLine, Map<String, String> headers, String body, boolean closed) {
    }

    // Writes the request head, then what `body` writes, then reads the response and waits for the close.
    private Exchange exchange(String head, BodyWriter body) throws IOException {
        return exchange(head, body, true);
    }

    private Exchange exchange(String head, BodyWriter body, boolean awaitClose) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", admin.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            body.write(out);
            out.flush();
            InputStream in = socket.getInputStream();
            String statusLine = line(in);
            Map<String, String> headers = new TreeMap<>();
            for (String header; !(header = line(in)).isEmpty(); ) {
                int colon = header.indexOf(':');
                headers.put(header.substring(0, colon).toLowerCase(), header.substring(colon + 1).strip());
            }
            byte[] content = in.readNBytes(Integer.parseInt(headers.get("content-length")));
            return new Exchange(statusLine, headers, new String(content, StandardCharsets.UTF_8), awaitClose && in.read() == -1);
        }
    }

    private interface BodyWriter {
        void write(OutputStream out) throws IOException;
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c == -1) {
                throw new IOException("connection closed in the middle of the response: " + line);
            }
            if (c != '\r') {
                line.write(c);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    private static String head(String framing) {
        return "POST /v1/workers/hello/versions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + ServeHarness.TOKEN + "\r\n"
                + framing + "\r\n\r\n";
    }

    // Chunks of 64 KiB up to `total` bytes, then the head of one more chunk, which goes over.
    private static BodyWriter chunksUpTo(long total) {
        return out -> {
            byte[] chunk = new byte[64 * 1024];
            for (long sent = 0; sent < total; sent += chunk.length) {
                int length = (int) Math.min(chunk.length, total - sent);
                out.write((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(chunk, 0, length);
                out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            out.write("1\r\n".getBytes(StandardCharsets.ISO_8859_1));
        };
    }

    private void assertTooLarge(Exchange exchange, String limit) throws IOException {
        assertEquals("HTTP/1.1 413 Request Entity Too Large", exchange.statusLine());
        assertEquals("application/json", exchange.headers().get("content-type"));
        assertEquals("close", exchange.headers().get("connection"));
        assertEquals(Map.of("error", TOO_LARGE.formatted(limit)), JSON.readValue(exchange.body(), Map.class));
        assertTrue(exchange.closed(), "the server closes the connection after a 413");
    }

    @Test
    void anUploadWhoseContentLengthIsOverTheLimitGets413BeforeItsBodyIsRead() throws IOException {
        Snapshot before = snapshot();
        assertTooLarge(exchange(head("Content-Length: " + ((1 << 20) + 1)), out -> { }), "1 MiB");
        assertEquals(before, snapshot());
    }

    @Test
    void aChunkedUploadGoingOverTheLimitGets413AsSoonAsItDoes() throws IOException {
        Snapshot before = snapshot();
        assertTooLarge(exchange(head("Transfer-Encoding: chunked"), chunksUpTo(1 << 20)), "1 MiB");
        assertEquals(before, snapshot(), "the part received was removed");
        // The connection was refused, not the host: the next upload deploys.
        assertEquals(200, post(helloBundle("v2").bytes()).statusCode());
    }

    @Test
    void anUploadOfExactlyTheLimitIsAcceptedAndOneByteMoreIsNot() throws IOException {
        byte[] zip = helloBundle("v2").bytes();
        Snapshot before = snapshot();
        String limit = BundleLimits.describe(zip.length - 1);
        restart(new BundleLimits(zip.length - 1, LIMITS.maxUnpackedBytes(), LIMITS.maxEntries()));
        assertTooLarge(exchange(head("Transfer-Encoding: chunked"), out -> {
            out.write((Integer.toHexString(zip.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }), limit);
        assertTooLarge(exchange(head("Content-Length: " + zip.length), out -> { }), limit);
        assertEquals(before, snapshot());

        restart(new BundleLimits(zip.length, LIMITS.maxUnpackedBytes(), LIMITS.maxEntries()));
        HttpResponse<String> exact = post(zip);
        assertEquals(200, exact.statusCode(), exact.body());
        Exchange chunked = exchange(head("Transfer-Encoding: chunked"), out -> {
            out.write((Integer.toHexString(zip.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(zip);
            out.write("\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }, false);
        assertEquals("HTTP/1.1 200 OK", chunked.statusLine(), chunked.body());
        assertEquals(3, serve.store().versions("hello", WorkerHost.PRODUCTION).size());
    }

    @Test
    void theDefaultLimitIs512MiBForAnUploadWithAContentLengthAndForAChunkedOne() throws IOException {
        restart(BundleLimits.DEFAULT);
        Snapshot before = snapshot();
        long over = (512L << 20) + 1;
        assertTooLarge(exchange(head("Content-Length: " + over), out -> { }), "512 MiB");
        assertTooLarge(exchange(head("Transfer-Encoding: chunked"),
                out -> out.write((Long.toHexString(over) + "\r\n").getBytes(StandardCharsets.ISO_8859_1))), "512 MiB");
        assertEquals(before, snapshot());
    }

    // ---------------------------------------------------------------- a full disk

    @Test
    void aFullDiskAnswers507NamingTheFolderAndChangesNothing() throws IOException {
        Path full = Path.of("/dev/full"); // every write fails with ENOSPC, for real
        assumeTrue(Files.exists(full), "Linux's /dev/full");
        admin.uploadFile = scratchFile -> full;
        assertRefused(507, "No space left on device while receiving the bundle in /dev; nothing was deployed. Free space on"
                + " that file system (it holds the --state folder), then deploy again.", helloBundle("v2").bytes());
        assertTrue(Files.exists(full), "the test hook's file is never deleted");
    }

    // ---------------------------------------------------------------- the hash

    @Test
    void theSameCodeDeploysWithTheSameHashWhateverItsFileTimesAndAChangedClassWithAnother() throws IOException {
        Path classes = work.resolve("classes");
        try (Stream<Path> files = Files.walk(Fixtures.classes("hello"))) {
            for (Path file : files.toList()) {
                Path copy = classes.resolve(Fixtures.classes("hello").relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(file, copy);
                }
            }
        }
        Path config = WorkerDirs.config(work, "copy", """
                { "name": "hello", "classpath": [%s], "routes": ["/*"], "vars": { "WHO": "v1" } }
                """.formatted(json(classes)));
        assertEquals(0, cli("deploy", "-c", config.toString()).code());
        Path worker = classes.resolve("io/fixture/hello/HelloWorker.class");
        Files.setLastModifiedTime(worker, java.nio.file.attribute.FileTime.fromMillis(0));
        assertEquals(0, cli("deploy", "-c", config.toString()).code());
        byte[] bytes = Files.readAllBytes(worker);
        int at = indexOf(bytes, "hello from ".getBytes(StandardCharsets.UTF_8));
        System.arraycopy("HELLO".getBytes(StandardCharsets.UTF_8), 0, bytes, at, 5);
        Files.write(worker, bytes);
        ServeHarness.Cli changed = cli("deploy", "-c", config.toString());
        assertEquals(0, changed.code(), changed.err());
        assertTrue(Http.get("http://127.0.0.1:" + ingress.port() + "/").body().startsWith("HELLO from v1 at /"));

        List<String> hashes = serve.store().versions("hello", WorkerHost.PRODUCTION).stream().map(VersionInfo::sha256).toList();
        assertEquals(4, hashes.size());
        assertEquals(hashes.get(1), hashes.get(2), "same classes and config, touched files: the same hash");
        assertNotEquals(hashes.get(2), hashes.get(3), "one changed class byte: another hash");
        assertEquals(hashes.get(0), hashes.get(1), "the fixture's own folder and its copy hold the same code");
        String versions = cli("versions", "hello").out();
        assertEquals(3, versions.lines().filter(line -> line.matches(".* " + hashes.get(1).substring(0, 12) + "( .*)?")).count(),
                versions);
        assertTrue(changed.out().contains("(sha256 " + hashes.get(3).substring(0, 12) + ")"), changed.out());
        String version = Http.get("http://127.0.0.1:" + ingress.port() + "/version").body();
        assertTrue(version.startsWith("production/4 4 production [] 64 "), "env.version().hash() is the SHA-256: " + version);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
