package io.jworkers.runtime.dashboard;

import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The dashboard's static files from the host's class path: its own script and style, and the
 * htmx, htmx SSE extension and uPlot WebJars ({@code META-INF/resources/webjars}). Only those
 * three libraries' {@code .js} and {@code .css} files are served; their URLs carry the library's
 * version, so browsers may keep them.
 */
final class Assets {

    /** The WebJars the pages load, by name: the version comes from the jar's own pom.properties. */
    static final String HTMX = "htmx.org";
    static final String HTMX_SSE = "htmx-ext-sse";
    static final String UPLOT = "uplot";
    private static final Set<String> WEBJARS = Set.of(HTMX, HTMX_SSE, UPLOT);
    private static final Map<String, String> TYPES = Map.of("js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8");
    private static final String OWN = "io/jworkers/runtime/dashboard/";

    private final Map<String, String> versions;

    Assets() {
        this.versions = Map.of(HTMX, version(HTMX), HTMX_SSE, version(HTMX_SSE), UPLOT, version(UPLOT));
    }

    /** The URL of a WebJar's file, under the dashboard's prefix. */
    String webjar(String name, String file) {
        return Dashboard.PREFIX + "/webjars/" + name + "/" + versions.get(name) + "/" + file;
    }

    /** The URL of one of the dashboard's own files. */
    static String own(String file) {
        return Dashboard.PREFIX + "/assets/" + file;
    }

    /** GET {prefix}/webjars/{name}/{version}/{path}. */
    void serveWebjar(ServerRequest request, ServerResponse response) {
        String rest = request.path().path().substring((Dashboard.PREFIX + "/webjars/").length());
        String[] parts = rest.split("/", 3);
        if (parts.length < 3 || !WEBJARS.contains(parts[0]) || !parts[1].equals(versions.get(parts[0]))) {
            notFound(response);
            return;
        }
        send(response, "META-INF/resources/webjars/" + rest, parts[2], true);
    }

    /** GET {prefix}/assets/{file}. */
    void serveOwn(ServerRequest request, ServerResponse response) {
        String file = request.path().pathParameters().get("file");
        send(response, OWN + file, file, false);
    }

    private static void send(ServerResponse response, String resource, String file, boolean versioned) {
        String extension = file.substring(file.lastIndexOf('.') + 1);
        // No way out of the folders: no "..", no empty or hidden parts, only scripts and styles.
        if (!TYPES.containsKey(extension) || file.contains("..") || file.contains("//") || file.startsWith("/")
                || file.contains("\\")) {
            notFound(response);
            return;
        }
        try (InputStream in = Assets.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                notFound(response);
                return;
            }
            response.header("content-type", TYPES.get(extension));
            response.header("cache-control", versioned ? "public, max-age=31536000, immutable" : "no-cache");
            response.header("x-content-type-options", "nosniff");
            response.send(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void notFound(ServerResponse response) {
        response.status(404);
        response.header("content-type", "text/plain; charset=utf-8");
        response.send("not found\n");
    }

    private static String version(String webjar) {
        String file = "META-INF/maven/org.webjars.npm/" + webjar + "/pom.properties";
        try (InputStream in = Assets.class.getClassLoader().getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException("The dashboard's WebJar " + webjar + " is not on the class path (" + file + ")");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
