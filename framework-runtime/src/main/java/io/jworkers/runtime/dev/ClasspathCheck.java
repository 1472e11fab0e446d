package io.jworkers.runtime.dev;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jworkers.bridge.EntrypointRules;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/**
 * Whether a worker's classpath looks completely built, so that live reload does not load it while
 * a build is still rewriting it. Maven's incremental compile first deletes the classes it made
 * last time, then takes seconds to write the new ones: a classpath that merely stopped changing
 * can still be half-built.
 *
 * <p>Complete means: every classpath folder and jar is there (and a jar can be opened); the
 * worker manifest, if there is one, can be read; and the entrypoint classes are there: those the
 * manifest lists, else those of the running version, and {@code main}.
 */
final class ClasspathCheck {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ClasspathCheck() {
    }

    /**
     * What is missing from a classpath.
     *
     * @param classpath the worker's classpath
     * @param main the config's {@code main}, or {@code null}
     * @param running the entrypoint classes of the running version
     * @return what is missing, e.g. {@code io/acme/AuthWorker.class}; empty when the classpath is complete
     */
    static Optional<String> missing(List<Path> classpath, String main, Collection<String> running) {
        for (Path entry : classpath) {
            if (isJar(entry) ? !Files.isRegularFile(entry) : !Files.isDirectory(entry)) {
                return Optional.of(entry.toString());
            }
        }
        List<String> listed = new ArrayList<>();
        boolean manifest = false;
        for (Path entry : classpath) {
            try (InputStream in = open(entry, EntrypointRules.MANIFEST)) {
                if (in != null) {
                    manifest = true;
                    JsonNode tree = JSON.readTree(in);
                    if (tree == null || !tree.path("entrypoints").isArray()) {
                        throw new IOException("no entrypoints list yet");
                    }
                    for (JsonNode entrypoint : tree.path("entrypoints")) {
                        listed.add(entrypoint.path("class").asText());
                    }
                }
            } catch (IOException e) {
                // Half written, or a jar being replaced.
                return Optional.of(entry + (isJar(entry) ? "" : "/" + EntrypointRules.MANIFEST) + " (unreadable: " + e.getMessage() + ")");
            }
        }
        Set<String> expected = new LinkedHashSet<>();
        if (main != null) {
            expected.add(main);
        }
        expected.addAll(manifest ? listed : running);
        for (String className : expected) {
            String resource = className.replace('.', '/') + ".class";
            if (!present(classpath, resource)) {
                return Optional.of(resource);
            }
        }
        return Optional.empty();
    }

    private static boolean present(List<Path> classpath, String resource) {
        for (Path entry : classpath) {
            try (InputStream in = open(entry, resource)) {
                if (in != null) {
                    return true;
                }
            } catch (IOException e) {
                return false;
            }
        }
        return false;
    }

    /** The resource in a folder or jar, or {@code null} when that entry does not hold it. */
    private static InputStream open(Path entry, String resource) throws IOException {
        if (!isJar(entry)) {
            Path file = entry.resolve(resource);
            return Files.isRegularFile(file) ? Files.newInputStream(file) : null;
        }
        JarFile jar = new JarFile(entry.toFile());
        ZipEntry found = jar.getEntry(resource);
        if (found == null) {
            jar.close();
            return null;
        }
        InputStream in = jar.getInputStream(found);
        return new FilterInputStream(in) {
            @Override
            public void close() throws IOException {
                try {
                    super.close();
                } finally {
                    jar.close();
                }
            }
        };
    }

    private static boolean isJar(Path entry) {
        return entry.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jar");
    }
}
