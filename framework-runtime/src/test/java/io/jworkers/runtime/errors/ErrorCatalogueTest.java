package io.jworkers.runtime.errors;

import static io.jworkers.runtime.testing.WorkerDirs.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jworkers.bridge.EntrypointRules;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jworkers.runtime.bundle.WorkerBundle;
import io.jworkers.runtime.cli.Main;
import io.jworkers.runtime.config.ConfigException;
import io.jworkers.runtime.config.ConfigLoader;
import io.jworkers.runtime.config.DevSecrets;
import io.jworkers.runtime.config.DevWorkspace;
import io.jworkers.runtime.dev.DevServer;
import io.jworkers.runtime.http.IngressServer;
import io.jworkers.runtime.http.IngressSettings;
import io.jworkers.runtime.serve.AdminHooks;
import io.jworkers.runtime.serve.AdminServer;
import io.jworkers.runtime.serve.ServeHost;
import io.jworkers.runtime.testing.FailingAcceptProvider;
import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.ForkedHost;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.WorkerDirs;
import io.jworkers.runtime.testing.ZipBytes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The error catalogue {@code docs/errors.md} cannot drift from the code: for every documented id
 * this test makes the error happen for real (a bad config file, a fixture worker, a CLI run, an
 * RPC call, a deploy) and compares the message with the documented example. Placeholders in the
 * examples: {@code <tmp>} the test's temporary folder, {@code <fixtures>} where fixture classes are
 * compiled, {@code <cwd>} the working directory, {@code <n>} a number, {@code <id>} a request id,
 * {@code <...>} any text on one line.
 */
class ErrorCatalogueTest {

    private static final Path REPO = Path.of(System.getProperty("jworkers.repo.root", "..")).toAbsolutePath().normalize();
    private static final Path DOC = REPO.resolve("docs/errors.md");
    private static final Pattern ENTRY = Pattern.compile("(?m)^### (JW-[A-Z0-9-]+)\\b");
    private static final Pattern EXAMPLE = Pattern.compile("(?s)```text\\n(.*?)\\n```");
    private static final Pattern PLACEHOLDER = Pattern.compile("<n>|<id>|<\\.\\.\\.>");
    private static final String TOKEN = "catalogue-admin-token";

    @TempDir
    static Path tmp;
    // A well-formed secret key (32 zero bytes), for the store commands that check one before anything else.
    private static final String KEY = java.util.Base64.getEncoder().encodeToString(new byte[32]);
    private static DevServer runtime;
    private static DevServer slow;
    private static ServeHost serve;
    private static IngressServer serveIngress;
    private static AdminServer admin;
    private static final Map<String, Callable<String>> CASES = new LinkedHashMap<>();
    private static final Map<String, String> ACTUAL = new java.util.concurrent.ConcurrentHashMap<>();

    @BeforeAll
    static void start() {
        Path calc = WorkerDirs.config(tmp, "calc", "{ \"name\": \"calc\", \"classpath\": [%s] }"
                .formatted(json(Fixtures.classes("calc"))));
        Path errors = WorkerDirs.config(tmp, "errors", """
                { "name": "errors", "classpath": [%s], "routes": ["/*"], "vars": { "GREETING": "hi" },
                  "services": [{ "binding": "CALC", "service": "calc" }, { "binding": "GHOST", "service": "ghost" },
                               { "binding": "SELF", "service": "errors" }] }
                """.formatted(json(Fixtures.classes("errors"))));
        runtime = DevServer.start(List.of(errors, calc), null,
                IngressSettings.defaults("127.0.0.1", 0).withMaxBodyBytes(1024 * 1024));
        Path slowErrors = WorkerDirs.config(tmp, "slow", """
                { "name": "errors", "classpath": [%s], "vars": { "SLEEP_MS": "300" }, "limits": { "timeout_ms": 100 },
                  "services": [{ "binding": "CALC", "service": "calc" }] }
                """.formatted(json(Fixtures.classes("errors"))));
        slow = DevServer.start(List.of(slowErrors, calc), null, "127.0.0.1", 0);
        serve = ServeHost.open(tmp.resolve("state"));
        serveIngress = IngressServer.start(IngressSettings.defaults("127.0.0.1", 0), serve, serve.host().requests());
        admin = AdminServer.start("127.0.0.1", 0, serve, TOKEN);
        WorkerDirs.write(tmp.resolve("token"), TOKEN);
        config();
        loading();
        bindings();
        rpc();
        limits();
        http();
        cli();
        serve();
    }

    @AfterAll
    static void stop() {
        runtime.close();
        slow.close();
        admin.close();
        serveIngress.close();
        serve.close();
    }

    // ---------------------------------------------------------------- the cases

    private static void config() {
        jsonc("JW-CONFIG-SYNTAX", "{\n  \"name\": \"auth\"\n  \"routes\": []\n}\n");
        jsonc("JW-CONFIG-UNKNOWN-FIELD", "{\n  \"name\": \"auth\",\n  \"rotues\": [\"/*\"]\n}\n");
        jsonc("JW-CONFIG-WRONG-TYPE", "{\n  \"name\": \"gateway\",\n  \"routes\": \"/api/*\"\n}\n");
        jsonc("JW-CONFIG-NAME-MISSING", "{ \"routes\": [] }\n");
        jsonc("JW-CONFIG-NAME-INVALID", "{ \"name\": \"My Worker\" }\n");
        jsonc("JW-CONFIG-CLASSPATH-MISSING", "{\n  \"name\": \"auth\",\n  \"classpath\": [\"target/classes\", \"target/lib\"]\n}\n");
        jsonc("JW-CONFIG-BINDING-DUPLICATE", """
                {
                  "name": "gateway",
                  "services": [
                    { "binding": "AUTH", "service": "auth" },
                    { "binding": "AUTH", "service": "auth-v2" }
                  ]
                }
                """);
        jsonc("JW-CONFIG-BINDING-NAME", "{\n  \"name\": \"gateway\",\n  \"services\": [{ \"binding\": \"my-auth\", \"service\": \"auth\" }]\n}\n");
        jsonc("JW-CONFIG-ROUTE", "{\n  \"name\": \"gateway\",\n  \"routes\": [\"api/*\"]\n}\n");
        jsonc("JW-CONFIG-LIMIT-RANGE", "{\n  \"name\": \"gateway\",\n  \"limits\": { \"timeout_ms\": 3600001 }\n}\n");
        jsonc("JW-CONFIG-EMPTY", "// nothing yet\n");
        CASES.put("JW-CONFIG-NOT-FOUND", () -> configError(tmp.resolve("cfg/nope/worker.jsonc"), null));
        CASES.put("JW-CONFIG-FILE-TYPE", () -> configError(WorkerDirs.write(tmp.resolve("cfg/wrangler.yaml"), "name: auth\n"), null));
        CASES.put("JW-CONFIG-NOT-BUILT", () -> configError(WorkerDirs.write(tmp.resolve("unbuilt/worker.jsonc"),
                "{ \"name\": \"auth\" }\n"), null));
        CASES.put("JW-CONFIG-ENV-UNDECLARED", () -> configError(WorkerDirs.write(tmp.resolve("cfg/env.jsonc"),
                "{ \"name\": \"auth\", \"env\": { \"staging\": {} } }\n"), "prod"));
        CASES.put("JW-CONFIG-SECRET-MISSING", () -> {
            Path file = WorkerDirs.write(tmp.resolve("secret/worker.jsonc"), "{ \"name\": \"auth\", \"classpath\": [%s],"
                    .formatted(json(Fixtures.classes("hello"))) + " \"secrets\": { \"required\": [\"SECRET_TOKEN\"] } }\n");
            return message(ConfigException.class, () -> DevSecrets.load(ConfigLoader.load(file, null), null));
        });
        CASES.put("JW-CONFIG-DEV-VARS-SYNTAX", () -> {
            Path file = WorkerDirs.write(tmp.resolve("devvars/worker.jsonc"), "{ \"name\": \"auth\", \"classpath\": [%s],"
                    .formatted(json(Fixtures.classes("hello"))) + " \"secrets\": { \"required\": [\"SECRET_TOKEN\"] } }\n");
            WorkerDirs.write(tmp.resolve("devvars/.dev.vars"), "# local secrets\nSECRET_TOKEN let-me-in\n");
            return message(ConfigException.class, () -> DevSecrets.load(ConfigLoader.load(file, null), null));
        });
        CASES.put("JW-CONFIG-WORKSPACE-ENTRY", () -> {
            WorkerDirs.write(tmp.resolve("ws/jworkers.jsonc"), "{\n  \"dev\": [\"gateway/worker.jsonc\"]\n}\n");
            return message(ConfigException.class, () -> DevWorkspace.find(tmp.resolve("ws")));
        });
        CASES.put("JW-CONFIG-DUPLICATE-WORKER", () -> {
            Path one = hello("twin-a", "hello", "");
            Path two = hello("twin-b", "hello", "");
            return message(ConfigException.class, () -> DevServer.start(List.of(one, two), null, "127.0.0.1", 0));
        });
        jsonc("JW-CONFIG-BUILD-COMMAND", "{\n  \"name\": \"auth\",\n  \"build\": { \"watch_dir\": \"src\" }\n}\n");
        jsonc("JW-CONFIG-BUILD-EMPTY", "{\n  \"name\": \"auth\",\n  \"build\": { \"command\": \"\" }\n}\n");
        jsonc("JW-CONFIG-BUILD-FOLDER", "{\n  \"name\": \"auth\",\n  \"build\": { \"command\": \"./mvnw -q compile\","
                + " \"watch_dir\": \"source\" }\n}\n");
    }

    private static void loading() {
        WorkerDirs.write(tmp.resolve("empty/classes/.keep"), "");
        load("JW-LOAD-NO-ENTRYPOINT", "noentry", "\"classpath\": [%s]".formatted(json(tmp.resolve("empty/classes"))));
        load("JW-LOAD-SEVERAL-ENTRYPOINTS", "several", "\"classpath\": [%s]".formatted(json(Fixtures.classes("twoentries"))));
        load("JW-LOAD-MAIN-NOT-FOUND", "mainmissing", "\"main\": \"io.fixture.hello.HeloWorker\", \"classpath\": [%s]"
                .formatted(json(Fixtures.classes("hello"))));
        load("JW-LOAD-NOT-AN-ENTRYPOINT", "notentry", "\"main\": \"io.fixture.errors.Calc\", \"classpath\": [%s]"
                .formatted(json(Fixtures.classes("errors"))));
        load("JW-LOAD-CONSTRUCTOR", "noctor", "\"classpath\": [%s]".formatted(json(Fixtures.classes("rules-noctor"))));
        load("JW-LOAD-DUPLICATE-METHOD", "dupnames", "\"classpath\": [%s]".formatted(json(Fixtures.classes("rules-dupnames"))));
        load("JW-LOAD-FETCH-SIGNATURE", "badfetch", "\"classpath\": [%s]".formatted(json(Fixtures.classes("rules-badfetch"))));
        load("JW-LOAD-CANNOT-CROSS", "threadparam", "\"classpath\": [%s]".formatted(json(Fixtures.classes("rules-threadparam"))));
        CASES.put("JW-LOAD-ENTRYPOINT-UNKNOWN", () -> {
            Path client = WorkerDirs.config(tmp, "client", """
                    { "name": "client", "classpath": [%s], "vars": { "WHO": "client" },
                      "services": [{ "binding": "ADMIN", "service": "calc", "entrypoint": "Admn" }] }
                    """.formatted(json(Fixtures.classes("hello"))));
            Path calc = WorkerDirs.config(tmp, "calc2", "{ \"name\": \"calc\", \"classpath\": [%s] }"
                    .formatted(json(Fixtures.classes("calc"))));
            return message(RuntimeException.class, () -> DevServer.start(List.of(client, calc), null, "127.0.0.1", 0));
        });
        WorkerDirs.write(tmp.resolve("stale/classes/" + EntrypointRules.MANIFEST),
                "{\"version\":1,\"entrypoints\":[{\"class\":\"io.acme.AuthWorker\",\"name\":\"AuthWorker\",\"methods\":[]}]}\n");
        load("JW-LOAD-MANIFEST-CLASS-MISSING", "stale", "\"classpath\": [%s]".formatted(json(tmp.resolve("stale/classes"))));
    }

    private static void bindings() {
        scenario("JW-BINDING-UNKNOWN", "unknown-binding");
        scenario("JW-BINDING-UNKNOWN-VAR", "unknown-var");
        scenario("JW-BINDING-UNKNOWN-SECRET", "unknown-secret");
        CASES.put("JW-BINDING-NOT-RUNNING", () -> body(Http.get(runtime.url() + "/not-running-fetch")));
        scenario("JW-BINDING-NOT-RUNNING-RPC", "not-running-rpc");
        scenario("JW-FETCH-NULL-RESPONSE", "fetch-null");
        CASES.put("JW-BODY-USED", () -> Http.send("POST", runtime.url() + "/body-used", "payload").body());
    }

    private static void rpc() {
        scenario("JW-RPC-METHOD-NOT-FOUND", "rpc-missing");
        scenario("JW-RPC-ARITY", "rpc-arity");
        scenario("JW-RPC-CONTRACT-MISMATCH", "rpc-mismatch");
        scenario("JW-RPC-CONTRACT-NOT-INTERFACE", "rpc-not-interface");
        scenario("JW-RPC-REMOTE-EXCEPTION", "rpc-remote");
        scenario("JW-VALUE-CANNOT-CROSS", "value-cannot-cross");
        scenario("JW-VALUE-CYCLE", "value-cycle");
        scenario("JW-VALUE-NULL-PRIMITIVE", "value-null");
        scenario("JW-VALUE-TOO-LARGE", "value-too-large");
    }

    private static void limits() {
        scenario("JW-LIMIT-DEPTH", "depth");
        scenario("JW-LIMIT-SUBREQUESTS", "subrequests");
        CASES.put("JW-LIMIT-DEADLINE", () -> Http.get(slow.url() + "/deadline").body());
    }

    private static void http() {
        CASES.put("JW-HTTP-500", () -> body(Http.get(runtime.url() + "/throw-uncaught")));
        CASES.put("JW-HTTP-504", () -> body(Http.get(slow.url() + "/deadline-uncaught")));
        CASES.put("JW-HTTP-431", () -> body(Http.get(runtime.url() + "/", "x-big", "a".repeat(20 * 1024))));
        CASES.put("JW-HTTP-413", () -> statusLine(exchange(runtime.port(), "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: "
                + (2 * 1024 * 1024) + "\r\nConnection: close\r\n\r\n" + "x".repeat(1024))));
        CASES.put("JW-HTTP-400", () -> statusLine(exchange(runtime.port(), "GET / HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n")));
        CASES.put("JW-HTTP-404", () -> {
            Path front = WorkerDirs.config(tmp, "routed", "{ \"name\": \"routed\", \"classpath\": [%s], \"routes\": [\"/api/*\"] }"
                    .formatted(json(Fixtures.classes("errors"))));
            String deployed = cli(List.of("deploy", "-c", front.toString(), "--host", adminUrl(), "--token-file",
                    tmp.resolve("token").toString()), Map.of());
            assertTrue(deployed.isEmpty(), deployed);
            return body(Http.get("http://127.0.0.1:" + serveIngress.port() + "/other"));
        });
        CASES.put("JW-HTTP-505", () -> codeAndBody(exchange(runtime.port(), "GET /notes HTTP/2.5\r\nHost: x\r\n\r\n")));
        CASES.put("JW-HTTP-400-TARGET", () -> codeAndBody(exchange(runtime.port(), "GET notes HTTP/1.1\r\nHost: x\r\n\r\n")));
        CASES.put("JW-HTTP-501", () -> codeAndBody(exchange(runtime.port(),
                "CONNECT x.example:443 HTTP/1.1\r\nHost: x.example:443\r\n\r\n")));
        CASES.put("JW-HTTP-400-BODY", () -> codeAndBody(exchange(runtime.port(), "POST /body-used HTTP/1.1\r\nHost: x\r\n"
                + "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n")));
        // A chunk of 1 MiB + 1 byte is announced: past --max-body before its bytes are read.
        CASES.put("JW-HTTP-413-CHUNKED", () -> codeAndBody(exchange(runtime.port(), "POST /body-used HTTP/1.1\r\nHost: x\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n100001\r\n" + "x".repeat(16))));
        CASES.put("JW-HTTP-400-HTTP10", () -> codeAndBody(exchange(runtime.port(), "POST /body-used HTTP/1.0\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")));
    }

    // "413 Request Entity Too Large: the request body is..." from a raw response: the code and the body.
    private static String codeAndBody(String response) {
        return statusLine(response).split(" ")[1] + " " + response.substring(response.indexOf("\r\n\r\n") + 4);
    }

    private static void cli() {
        CASES.put("JW-CLI-UNKNOWN-COMMAND", () -> cli(List.of("deplyo"), Map.of()));
        CASES.put("JW-CLI-UNKNOWN-OPTION", () -> cli(List.of("dev", "--prot", "8787"), Map.of()));
        CASES.put("JW-CLI-MISSING-VALUE", () -> cli(List.of("dev", "-c"), Map.of()));
        CASES.put("JW-CLI-BAD-NUMBER", () -> cli(List.of("dev", "--port", "eighty"), Map.of()));
        CASES.put("JW-CLI-BAD-SIZE", () -> cli(List.of("dev", "--max-body", "10MB"), Map.of()));
        CASES.put("JW-CLI-UNEXPECTED-ARGUMENT", () -> cli(List.of("dev", "worker.jsonc"), Map.of()));
        CASES.put("JW-CLI-NO-CONFIG", () -> cli(List.of("dev"), Map.of()));
        CASES.put("JW-CLI-PORT-IN-USE", () -> {
            try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
                return cli(List.of("dev", "--port", String.valueOf(taken.getLocalPort()), "-c",
                        hello("portinuse", "hello", "").toString()), Map.of());
            }
        });
        CASES.put("JW-CLI-STATE-REQUIRED", () -> cli(List.of("serve"), Map.of()));
        CASES.put("JW-CLI-STATE-AND-STORE", () -> cli(List.of("serve", "--state", tmp.resolve("both").toString(), "--store",
                "postgresql://u@127.0.0.1:1/db"), Map.of()));
        CASES.put("JW-SERVE-STATE-IN-USE", () -> {
            try (var held = io.jworkers.runtime.deploy.FolderStore.open(tmp.resolve("held"))) {
                return cli(List.of("serve", "--state", tmp.resolve("held").toString(), "--port", "0", "--admin-port", "0"),
                        Map.of("JWORKERS_ADMIN_TOKEN", "a-token-of-sixteen-chars"));
            }
        });
        CASES.put("JW-MIGRATE-NO-FOLDER", () -> cli(List.of("store", "migrate", "--from", tmp.resolve("nope").toString(),
                "--to", "postgresql://u@127.0.0.1:1/db"), Map.of("JWORKERS_SECRET_KEY", KEY)));
        CASES.put("JW-MIGRATE-NOT-STATE", () -> {
            java.nio.file.Files.createDirectories(tmp.resolve("plain"));
            return cli(List.of("store", "migrate", "--from", tmp.resolve("plain").toString(), "--to",
                    "postgresql://u@127.0.0.1:1/db"), Map.of("JWORKERS_SECRET_KEY", KEY));
        });
        CASES.put("JW-MIGRATE-IN-USE", () -> {
            try (var held = io.jworkers.runtime.deploy.FolderStore.open(tmp.resolve("busy"))) {
                java.nio.file.Files.createDirectories(tmp.resolve("busy/workers"));
                return cli(List.of("store", "migrate", "--from", tmp.resolve("busy").toString(), "--to",
                        "postgresql://u@127.0.0.1:1/db"), Map.of("JWORKERS_SECRET_KEY", KEY));
            }
        });
        CASES.put("JW-STORE-PASSWORD-IN-URL", () -> cli(List.of("serve", "--store", "postgresql://u:secret@127.0.0.1:1/db",
                "--port", "0", "--admin-port", "0"), Map.of("JWORKERS_ADMIN_TOKEN", "a-token-of-sixteen-chars")));
        CASES.put("JW-STORE-NO-SECRET-KEY", () -> cli(List.of("serve", "--store", "postgresql://u@127.0.0.1:1/db",
                "--cache", tmp.resolve("cache").toString(), "--port", "0", "--admin-port", "0"),
                Map.of("JWORKERS_ADMIN_TOKEN", "a-token-of-sixteen-chars")));
        CASES.put("JW-STORE-BAD-SECRET-KEY", () -> cli(List.of("serve", "--store", "postgresql://u@127.0.0.1:1/db",
                "--cache", tmp.resolve("cache").toString(), "--port", "0", "--admin-port", "0"),
                Map.of("JWORKERS_ADMIN_TOKEN", "a-token-of-sixteen-chars", "JWORKERS_SECRET_KEY", "c2hvcnQ=")));
        CASES.put("JW-CLI-NO-TOKEN", () -> cli(List.of("versions", "hello"), Map.of()));
        CASES.put("JW-CLI-HOST-UNREACHABLE", () -> {
            int closed;
            try (ServerSocket socket = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
                closed = socket.getLocalPort();
            }
            return cli(List.of("versions", "hello", "--host", "http://127.0.0.1:" + closed), Map.of("JWORKERS_ADMIN_TOKEN", TOKEN));
        });
        CASES.put("JW-BUILD-FAILED", () -> {
            Path config = WorkerDirs.config(tmp, "unbuildable", """
                    { "name": "unbuildable", "build": { "command": "echo 'Main.java:3: error: ; expected'; exit 1" } }
                    """);
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = Main.run(List.of("dev", "--port", "0", "-c", config.toString()), new ByteArrayInputStream(new byte[0]),
                    new PrintStream(OutputStream.nullOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
            assertEquals(1, code);
            return err.toString(StandardCharsets.UTF_8);
        });
        CASES.put("JW-DEV-REBUILD-FAILED", () -> devConsole("rebuild", "{ \"command\": \"test ! -f src/broken.txt\" }", server -> {
            WorkerDirs.write(tmp.resolve("rebuild/src/broken.txt"), "saved while broken");
        }, "Not rebuilt"));
        CASES.put("JW-DEV-RELOAD-INCOMPLETE", () -> devConsole("incomplete", null, server -> {
            try {
                Files.delete(tmp.resolve("incomplete/classes/io/fixture/hello/HelloWorker.class"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, "Not reloaded"));
        CASES.put("JW-CLI-LISTENER-FAILED", () -> {
            // In a process of its own, whose fourth accept() fails with an Error (1: the public
            // listener's own start-up connection, 2: the admin listener's, 3: the GET, 4: the socket).
            try (ForkedHost host = ForkedHost.dev(List.of("--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED",
                    "-Djava.nio.channels.spi.SelectorProvider=" + FailingAcceptProvider.class.getName(),
                    "-Djworkers.test.failAcceptAt=4"), List.of("-c", hello("listenerfailed", "hello", "").toString()))) {
                assertEquals(200, Http.get(host.url() + "/").statusCode());
                new Socket("127.0.0.1", java.net.URI.create(host.url()).getPort()).close();
                assertEquals(70, host.waitForExit(30), "exit code");
                return host.output().stream().filter(line -> line.startsWith("jworkers dev: the public listener"))
                        .findFirst().orElse("no such line: " + host.output());
            }
        });
    }

    /**
     * What {@code jworkers dev} prints after {@code change}: a hello worker in {@code folder} (with
     * classes of its own, and a build when given) watched with a settle limit of one second.
     */
    private static String devConsole(String folder, String build, Consumer<DevServer> change, String prefix)
            throws Exception {
        Path classes = tmp.resolve(folder + "/classes");
        try (Stream<Path> files = Files.walk(Fixtures.classes("hello"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path target = classes.resolve(Fixtures.classes("hello").relativize(file).toString());
                Files.createDirectories(target.getParent());
                Files.copy(file, target);
            }
        }
        Files.createDirectories(tmp.resolve(folder + "/src"));
        Path config = WorkerDirs.config(tmp, folder, "{ \"name\": \"hello\", \"classpath\": [\"classes\"], \"vars\": { \"WHO\": \"x\" }"
                + (build == null ? "" : ", \"build\": " + build) + " }");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        try (DevServer server = DevServer.start(List.of(config), null, IngressSettings.defaults("127.0.0.1", 0), out)) {
            server.watchForChanges(out, Duration.ofSeconds(1));
            change.accept(server);
            for (int i = 0; i < 1000 && !printed.toString(StandardCharsets.UTF_8).contains(prefix); i++) {
                Thread.sleep(20);
            }
        }
        return printed.toString(StandardCharsets.UTF_8).lines().filter(line -> line.startsWith(prefix)).findFirst()
                .orElse("nothing starting with " + prefix + " in: " + printed);
    }

    private static void serve() {
        CASES.put("JW-DEPLOY-BAD-TOKEN", () -> cli(List.of("services", "--host", adminUrl()), Map.of("JWORKERS_ADMIN_TOKEN", "wrong")));
        CASES.put("JW-DEPLOY-BINDING-TARGET-MISSING", () -> admin("deploy", "-c", WorkerDirs.config(tmp, "front", """
                { "name": "front", "classpath": [%s], "vars": { "WHO": "front" }, "services": [{ "binding": "BACK", "service": "back" }] }
                """.formatted(json(Fixtures.classes("hello")))).toString()));
        CASES.put("JW-DEPLOY-SECRET-MISSING", () -> admin("deploy", "-c", hello("needs", "needs",
                ", \"secrets\": { \"required\": [\"API_KEY\"] }").toString()));
        CASES.put("JW-DEPLOY-DOES-NOT-LOAD", () -> admin("deploy", "-c", WorkerDirs.config(tmp, "broken",
                "{ \"name\": \"broken\", \"classpath\": [%s] }".formatted(json(tmp.resolve("empty/classes")))).toString()));
        CASES.put("JW-DEPLOY-NOT-DEPLOYED", () -> admin("versions", "nobody"));
        CASES.put("JW-DEPLOY-UNKNOWN-VERSION", () -> {
            String deployed = admin("deploy", "-c", hello("v1", "v1", ", \"routes\": [\"/hello\"]").toString());
            assertTrue(deployed.isEmpty(), deployed);
            return admin("rollback", "hello", "7");
        });
        CASES.put("JW-DEPLOY-ROUTE-TAKEN", () -> {
            assertEquals("", admin("deploy", "-c", named("owner", "\"routes\": [\"/shop/*\"]").toString()));
            return admin("deploy", "-c", named("shop", "\"routes\": [\"/shop/*\"]").toString());
        });
        CASES.put("JW-DEPLOY-DELETE-BOUND", () -> {
            assertEquals("", admin("deploy", "-c", named("ledger", "\"routes\": []").toString()));
            assertEquals("", admin("deploy", "-c", named("billing", "\"services\": [{ \"binding\": \"LEDGER\", \"service\": \"ledger\" }]").toString()));
            return admin("delete", "ledger");
        });
        CASES.put("JW-SECRET-NOT-DEPLOYED", () -> adminWithInput("value", "secret", "put", "vault-typo", "API_KEY"));
        CASES.put("JW-SECRET-TOO-LARGE", () -> {
            assertEquals("", admin("deploy", "-c", named("vault", "\"routes\": []").toString()));
            return adminWithInput("x".repeat(64 * 1024 + 1), "secret", "put", "vault", "CERT");
        });
        CASES.put("JW-SECRET-REQUIRED", () -> {
            assertEquals("", adminWithInput("value", "secret", "put", "keeper", "API_KEY", "--create"));
            assertEquals("", admin("deploy", "-c", named("keeper", "\"secrets\": { \"required\": [\"API_KEY\"] }").toString()));
            return admin("secret", "delete", "keeper", "API_KEY");
        });
        CASES.put("JW-ADMIN-BAD-NAME", () -> admin("versions", "Hello"));
        CASES.put("JW-TAIL-NOT-DEPLOYED", () -> admin("tail", "nobody"));
        CASES.put("JW-TAIL-TOO-MANY", () -> {
            assertEquals("", admin("deploy", "-c", named("tailed", "\"routes\": [\"/tailed\"]").toString()));
            java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                    .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
            List<java.io.InputStream> open = new ArrayList<>();
            try {
                // Each answer's head arrives once its tail listens.
                for (int i = 0; i < io.jworkers.runtime.tail.TailHub.DEFAULT_MAX_TAILS; i++) {
                    java.net.http.HttpResponse<java.io.InputStream> tail = client.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(adminUrl() + "/v1/workers/tailed/tail")).header("authorization", "Bearer " + TOKEN)
                            .build(), java.net.http.HttpResponse.BodyHandlers.ofInputStream());
                    assertEquals(200, tail.statusCode());
                    open.add(tail.body());
                }
                return admin("tail", "tailed");
            } finally {
                for (java.io.InputStream stream : open) {
                    stream.close();
                }
            }
        });
        CASES.put("JW-ADMIN-WRONG-PORT", () -> cli(List.of("services", "--host", "http://127.0.0.1:" + serveIngress.port()),
                Map.of("JWORKERS_ADMIN_TOKEN", TOKEN)));
        CASES.put("JW-SERVE-SHORT-TOKEN", () -> cli(List.of("serve", "--state", tmp.resolve("unused-state").toString(),
                "--token-file", WorkerDirs.write(tmp.resolve("short-token"), "dev-token").toString()), Map.of()));
        CASES.put("JW-SERVE-WORKER-BROKEN", () -> {
            WorkerDirs.write(tmp.resolve("broken-state/workers/alpha/production/index.json"), "{\"current\": 2, \"lat");
            try (ServeHost damaged = ServeHost.open(tmp.resolve("broken-state"))) {
                return "[alpha] not running: " + damaged.problems().get(0).message();
            }
        });
        bundles();
        splitsAndContracts();
    }

    // Gradual deployments and the RPC contract check, on workers of their own.
    private static void splitsAndContracts() {
        CASES.put("JW-SPLIT-BAD", () -> admin("versions", "deploy", "hello", "2@40", "1@70"));
        CASES.put("JW-SPLIT-UNKNOWN-VERSION", () -> {
            assertEquals("", admin("deploy", "-c", named("splitter", "\"routes\": []").toString()));
            return admin("versions", "deploy", "splitter", "9@10", "1");
        });
        CASES.put("JW-SPLIT-ROUTES-DIFFER", () -> {
            assertEquals("", admin("deploy", "-c", named("router", "\"routes\": [\"/router/*\"]").toString()));
            assertEquals("", admin("versions", "upload", "-c", WorkerDirs.config(tmp, "router-2", """
                    { "name": "router", "classpath": [%s], "vars": { "WHO": "router" }, "routes": ["/router/v2/*"] }
                    """.formatted(json(Fixtures.classes("hello")))).toString()));
            return admin("versions", "deploy", "router", "2@10", "1@90");
        });
        CASES.put("JW-SECRET-DURING-SPLIT", () -> {
            assertEquals("", admin("deploy", "-c", named("canary", "\"routes\": []").toString()));
            assertEquals("", admin("versions", "upload", "-c", named("canary", "\"routes\": []").toString()));
            assertEquals("", admin("versions", "deploy", "canary", "2@5", "1@95"));
            return adminWithInput("value", "secret", "put", "canary", "API_KEY");
        });
        CASES.put("JW-CONTRACT-TARGET-BREAKS-CALLER", () -> {
            assertEquals("", admin("deploy", "-c", contractWorker("cauth", "contracts-auth-v1", "").toString()));
            assertEquals("", admin("deploy", "-c", contractWorker("cgate", "contracts-gateway-v1", CONTRACT_BINDINGS).toString()));
            return adminAllErrors("deploy", "-c", contractWorker("cauth", "contracts-auth-v3", "").toString());
        });
        CASES.put("JW-CONTRACT-CALLER-UNSATISFIED", () -> {
            assertEquals("", admin("deploy", "-c", contractWorker("pauth", "contracts-auth-v1", "").toString()));
            return adminAllErrors("deploy", "-c", contractWorker("pgate", "contracts-gateway-v2",
                    CONTRACT_BINDINGS.replace("cauth", "pauth")).toString());
        });
    }

    private static final String CONTRACT_BINDINGS = """
            , "services": [{ "binding": "AUTH", "service": "cauth" }, { "binding": "PROFILES", "service": "cauth" },
              { "binding": "ADMIN", "service": "cauth", "entrypoint": "Admin" }]""";

    private static Path contractWorker(String name, String fixture, String extra) {
        String main = fixture.contains("gateway") ? "io.fixture.contracts.gateway.GatewayWorker" : "io.fixture.contracts.auth.AuthWorker";
        return WorkerDirs.config(tmp, name + "-" + fixture, """
                { "name": "%s", "classpath": [%s], "main": "%s" %s }
                """.formatted(name, json(Fixtures.classes(fixture)), main, extra));
    }

    // Like admin, with the whole of standard error (a contract refusal has a line per contract).
    private static String adminAllErrors(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--host", adminUrl()));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(all, new ByteArrayInputStream(new byte[0]),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of("JWORKERS_ADMIN_TOKEN", TOKEN));
        return code == 0 ? "" : err.toString(StandardCharsets.UTF_8);
    }

    // Crafted bundles go to the admin API as any HTTP client sends them: the CLI only packs good ones.
    private static void bundles() {
        CASES.put("JW-DEPLOY-BUNDLE-REFUSED", () -> {
            ZipBytes zip = helloBundle();
            ZipBytes.Entry hidden = new ZipBytes().add("worker.json", "{ \"name\": \"hello\", \"classpath\": [\"/etc\"] }");
            hidden.listed = false;
            zip.entries().add(0, hidden);
            return upload(zip.bytes());
        });
        CASES.put("JW-DEPLOY-BUNDLE-TOO-LARGE", () -> {
            ZipBytes zip = helloBundle();
            zip.add("classpath/0/big.bin", "small, but it says 2 GiB").declaredSize = 2L << 30;
            return upload(zip.bytes());
        });
        CASES.put("JW-DEPLOY-BUNDLE-CLASSPATH", () -> {
            ZipBytes zip = helloBundle();
            ZipBytes.Entry config = zip.entries().stream().filter(e -> e.name.equals("worker.json")).findFirst().orElseThrow();
            config.content = new String(config.content, StandardCharsets.UTF_8).replace("\"classpath/0\"", "\"/etc\"")
                    .getBytes(StandardCharsets.UTF_8);
            return upload(zip.bytes());
        });
        CASES.put("JW-DEPLOY-UPLOAD-TOO-LARGE", () -> {
            String response = exchange(admin.port(), "POST /v1/workers/hello/versions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                    + TOKEN + "\r\nContent-Length: " + ((512L << 20) + 1) + "\r\n\r\n");
            String body = response.substring(response.indexOf("\r\n\r\n") + 4);
            return statusLine(response).split(" ")[1] + " " + new ObjectMapper().readTree(body).path("error").asText();
        });
        CASES.put("JW-DEPLOY-NO-SPACE", () -> {
            Path full = Path.of("/dev/full");
            org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(full), "Linux's /dev/full, a disk that is always full");
            AdminHooks.uploadTo(admin, full);
            try {
                return admin("deploy", "-c", hello("full", "full", "").toString());
            } finally {
                AdminHooks.uploadTo(admin, null);
            }
        });
    }

    private static Path named(String name, String fields) {
        return WorkerDirs.config(tmp, "named-" + name, """
                { "name": "%s", "classpath": [%s], "vars": { "WHO": "%s" }, %s }
                """.formatted(name, json(Fixtures.classes("hello")), name, fields));
    }

    private static String adminWithInput(String stdin, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--host", adminUrl()));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(all, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of("JWORKERS_ADMIN_TOKEN", TOKEN));
        return code == 0 ? "" : err.toString(StandardCharsets.UTF_8).lines().findFirst().orElse("");
    }

    // A good bundle of hello, as jworkers deploy packs it, to craft a bad one from.
    private static ZipBytes helloBundle() {
        return ZipBytes.of(WorkerBundle.write(ConfigLoader.load(hello("crafted", "crafted", ""), null), tmp.resolve("crafted.zip")));
    }

    // POSTs a bundle as a new version of hello; the status and the error the admin API answered.
    private static String upload(byte[] zip) throws Exception {
        HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(adminUrl() + "/v1/workers/hello/versions")).header("authorization", "Bearer " + TOKEN)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(zip)).build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + new ObjectMapper().readTree(response.body()).path("error").asText();
    }

    // ---------------------------------------------------------------- the checks

    @TestFactory
    Stream<DynamicTest> everyDocumentedErrorHappensWithItsDocumentedMessage() throws IOException {
        return entries().entrySet().stream().map(entry -> DynamicTest.dynamicTest(entry.getKey(), () -> {
            Callable<String> run = CASES.get(entry.getKey());
            assertTrue(run != null, entry.getKey() + " is documented in docs/errors.md but has no case in this test");
            String actual = actual(entry.getKey());
            assertTrue(matches(entry.getValue(), actual), entry.getKey() + ": the message differs from docs/errors.md"
                    + "\n documented: " + entry.getValue() + "\n actual:     " + actual);
        }));
    }

    @Test
    void everyCaseIsDocumented() throws IOException {
        List<String> undocumented = new ArrayList<>(CASES.keySet());
        undocumented.removeAll(entries().keySet());
        assertEquals(List.of(), undocumented, "cases without an entry in docs/errors.md");
    }

    @Test
    void everyEntrySaysWhatToDoAndTheCatalogueCoversEveryCategory() throws IOException {
        String doc = Files.readString(DOC);
        String[] parts = ENTRY.split(doc);
        Matcher ids = ENTRY.matcher(doc);
        for (int i = 1; ids.find(); i++) {
            assertTrue(parts[i].contains("**What to do:**"), ids.group(1) + " does not say what to do");
        }
        for (String section : List.of("## Config", "## Loading & entrypoints", "## Bindings", "## RPC & values",
                "## Limits & pipeline", "## HTTP ingress", "## CLI usage", "## Deploys/serve")) {
            assertTrue(doc.contains("\n" + section + "\n"), "docs/errors.md has no section " + section);
        }
        assertTrue(entries().size() >= 25, "only " + entries().size() + " entries");
    }

    private static Map<String, String> entries() throws IOException {
        String doc = Files.readString(DOC);
        Map<String, String> entries = new LinkedHashMap<>();
        Matcher id = ENTRY.matcher(doc);
        List<int[]> starts = new ArrayList<>();
        List<String> names = new ArrayList<>();
        while (id.find()) {
            starts.add(new int[] {id.start()});
            names.add(id.group(1));
        }
        for (int i = 0; i < names.size(); i++) {
            int end = i + 1 < starts.size() ? starts.get(i + 1)[0] : doc.length();
            Matcher example = EXAMPLE.matcher(doc.substring(starts.get(i)[0], end));
            if (!example.find()) {
                fail(names.get(i) + " has no ```text example");
            }
            if (entries.put(names.get(i), example.group(1)) != null) {
                fail(names.get(i) + " is documented twice");
            }
        }
        return entries;
    }

    // Each case runs once (deploys change the host's state), whichever test asks first.
    private static synchronized String actual(String id) throws Exception {
        String known = ACTUAL.get(id);
        if (known == null) {
            known = normalize(CASES.get(id).call());
            ACTUAL.put(id, known);
        }
        return known;
    }

    private static boolean matches(String documented, String actual) {
        StringBuilder regex = new StringBuilder();
        Matcher placeholder = PLACEHOLDER.matcher(documented);
        int last = 0;
        while (placeholder.find()) {
            regex.append(Pattern.quote(documented.substring(last, placeholder.start())));
            regex.append(switch (placeholder.group()) {
                case "<n>" -> "[0-9]+";
                case "<id>" -> "[0-9A-Za-z-]+";
                default -> ".*?";
            });
            last = placeholder.end();
        }
        regex.append(Pattern.quote(documented.substring(last)));
        return Pattern.compile(regex.toString()).matcher(actual).matches();
    }

    private static String normalize(String message) {
        String text = message.strip();
        text = text.replace(tmp.toString(), "<tmp>").replaceAll("<tmp>/cfg/JW-[A-Z0-9-]+", "<tmp>");
        text = text.replaceAll("[^\\s\\[,\"]*/target/fixtures/run-[0-9]+", "<fixtures>");
        return text.replace(Path.of("").toAbsolutePath().toString(), "<cwd>");
    }

    // ---------------------------------------------------------------- helpers

    private static void jsonc(String id, String content) {
        CASES.put(id, () -> {
            WorkerDirs.write(tmp.resolve("cfg/" + id + "/target/classes/.keep"), "");
            return configError(WorkerDirs.write(tmp.resolve("cfg/" + id + "/worker.jsonc"), content), null);
        });
    }

    private static String configError(Path file, String environment) {
        return message(ConfigException.class, () -> ConfigLoader.load(file, environment));
    }

    private static void load(String id, String folder, String fields) {
        CASES.put(id, () -> {
            Path config = WorkerDirs.config(tmp, folder, "{ \"name\": \"" + folder + "\", " + fields + " }");
            return message(RuntimeException.class, () -> DevServer.start(List.of(config), null, "127.0.0.1", 0));
        });
    }

    private static void scenario(String id, String path) {
        CASES.put(id, () -> {
            HttpResponse<String> response = Http.get(runtime.url() + "/" + path);
            assertEquals(500, response.statusCode(), response.body());
            return response.body(); // the exception as the worker caught it
        });
    }

    private static Path hello(String folder, String who, String extra) {
        return WorkerDirs.config(tmp, folder, """
                { "name": "hello", "classpath": [%s], "vars": { "WHO": "%s" } %s }
                """.formatted(json(Fixtures.classes("hello")), who, extra));
    }

    private static String adminUrl() {
        return "http://127.0.0.1:" + admin.port();
    }

    private static String admin(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--host", adminUrl()));
        return cli(all, Map.of("JWORKERS_ADMIN_TOKEN", TOKEN));
    }

    /** Runs the CLI; the first line of standard error when it failed, or nothing when it succeeded. */
    private static String cli(List<String> args, Map<String, String> environment) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), environment);
        String error = err.toString(StandardCharsets.UTF_8);
        if (code == 0) {
            return "";
        }
        assertTrue(code == 1 || code == 2, "usage errors exit 2, failures 1: " + code + " " + error);
        return error.lines().findFirst().orElse("");
    }

    private static <T extends Throwable> String message(Class<T> type, org.junit.jupiter.api.function.Executable action) {
        return assertThrows(type, action).getMessage();
    }

    private static String body(HttpResponse<String> response) {
        return response.statusCode() + " " + response.body();
    }

    private static String exchange(int port, String raw) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String statusLine(String response) {
        return response.substring(0, response.indexOf("\r\n"));
    }

    /** Writes every case's actual message, normalized, for whoever edits docs/errors.md. */
    @Test
    void writeActualMessages() throws Exception {
        StringBuilder all = new StringBuilder();
        for (Map.Entry<String, Callable<String>> entry : CASES.entrySet()) {
            String actual;
            try {
                actual = actual(entry.getKey());
            } catch (Throwable e) {
                actual = "FAILED TO RUN: " + e;
            }
            all.append("### ").append(entry.getKey()).append("\n\n```text\n").append(actual).append("\n```\n\n");
        }
        Files.writeString(Path.of("target/errors-actual.md"), all);
        assertFalse(all.isEmpty());
    }
}
