package io.jworkers.runtime.cluster;

import static io.jworkers.runtime.testing.WorkerDirs.json;

import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.ForkedHost;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.PostgresServer;
import io.jworkers.runtime.testing.ServeHarness;
import io.jworkers.runtime.testing.WorkerDirs;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Several {@code jworkers serve} processes on 127.0.0.1 sharing one PostgreSQL database: what the
 * cluster tests start, deploy to and call.
 */
final class Cluster implements AutoCloseable {

    static final String KEY = Base64.getEncoder().encodeToString("thirty-two bytes of a test key!!".getBytes());
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final PostgresServer server;
    private final Path dir;
    private final String store;
    private final Path token;
    private final List<ForkedHost> hosts = new ArrayList<>();

    private Cluster(PostgresServer server, Path dir, String store, Path token) {
        this.server = server;
        this.dir = dir;
        this.store = store;
        this.token = token;
    }

    /** A new database on the server and {@code count} hosts on it. */
    static Cluster start(PostgresServer server, Path dir, int count) throws Exception {
        String database = "cluster" + DATABASES.incrementAndGet();
        server.createDatabase(database);
        Path token = Files.writeString(dir.resolve("token"), ServeHarness.TOKEN);
        Cluster cluster = new Cluster(server, dir, "postgresql://" + server.user() + "@127.0.0.1:" + server.port() + "/"
                + database, token);
        for (int i = 0; i < count; i++) {
            cluster.addHost();
        }
        return cluster;
    }

    /** Starts one more host (a late joiner after the first ones). */
    ForkedHost addHost() {
        return addHost(List.of());
    }

    /** Starts one more host with more JVM options (a test hook, say). */
    ForkedHost addHost(List<String> jvmOptions) {
        return addHost(jvmOptions, dir.resolve("cache-" + hosts.size()));
    }

    /** Starts one more host on a given bundle cache (that of a host that is gone, say). */
    ForkedHost addHost(List<String> jvmOptions, Path cache) {
        List<String> options = new ArrayList<>(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m"));
        options.addAll(jvmOptions);
        ForkedHost host = ForkedHost.serveStore(options, store, cache, token,
                Map.of("PGPASSWORD", server.password(), "JWORKERS_SECRET_KEY", KEY), List.of());
        hosts.add(host);
        return host;
    }

    Path cache(int index) {
        return dir.resolve("cache-" + index);
    }

    ForkedHost host(int index) {
        return hosts.get(index);
    }

    List<ForkedHost> hosts() {
        return List.copyOf(hosts);
    }

    /** The {@code hello} fixture with a WHO var, served on every route. */
    Path hello(String who) {
        return WorkerDirs.config(dir, "hello-" + who, """
                { "name": "hello", "classpath": [%s], "routes": ["/*"], "vars": { "WHO": "%s" } }
                """.formatted(json(Fixtures.classes("hello")), who));
    }

    /** A CLI command against one host's admin API. */
    ServeHarness.Cli cli(ForkedHost host, String stdin, String... args) {
        return ServeHarness.cli(host.adminUrl(), token, stdin, args);
    }

    static String get(ForkedHost host, String path) {
        HttpResponse<String> response = Http.get(host.url() + path);
        return response.statusCode() + " " + response.body();
    }

    String output() {
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < hosts.size(); i++) {
            all.append("--- host ").append(i).append(":\n").append(String.join("\n", hosts.get(i).output())).append('\n');
        }
        return all.toString();
    }

    @Override
    public void close() throws IOException {
        for (ForkedHost host : hosts) {
            host.close();
        }
    }
}
