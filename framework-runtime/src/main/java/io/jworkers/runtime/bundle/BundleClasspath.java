package io.jworkers.runtime.bundle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * A deployed worker loads only its own bundle's classes: every {@code classpath} entry of its
 * {@code worker.json} must be a relative path that stays inside the bundle's folder, exists there,
 * and leads nowhere else through a symbolic link. Otherwise a bundle could name {@code /etc}, or
 * another worker's or version's folder in the state folder, and run that code under its own name.
 */
public final class BundleClasspath {

    // As lenient as the config loader (comments, trailing commas), so every config it reads is checked here first.
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS, JsonReadFeature.ALLOW_TRAILING_COMMA)
            .build();

    private BundleClasspath() {
    }

    /**
     * Checks the {@code classpath} entries as {@code worker.json} spells them, before the config
     * is loaded, so that the message names the entry.
     *
     * @param bundle the unpacked bundle
     * @throws BundleException naming the first entry outside the bundle or missing from it
     */
    public static void check(UnpackedBundle bundle) {
        JsonNode classpath;
        try {
            classpath = JSON.readTree(bundle.configJson()).path("classpath");
        } catch (JsonProcessingException e) {
            return; // not JSON: the config loader refuses it with the line and column
        }
        for (JsonNode entry : classpath) {
            if (entry.isTextual()) {
                check(bundle.folder(), entry.asText(), true);
            }
        }
    }

    /**
     * Checks the classpath the config loader resolved, which is what the worker's class loader
     * will open: each folder and jar inside the bundle's folder.
     *
     * @param bundle the unpacked bundle
     * @param classpath the loaded config's classpath, absolute paths
     * @throws BundleException naming the first path outside the bundle
     */
    public static void checkLoaded(UnpackedBundle bundle, List<Path> classpath) {
        for (Path path : classpath) {
            check(bundle.folder(), path.toString(), false);
        }
    }

    private static void check(Path folder, String entry, boolean spelled) {
        Path path;
        try {
            path = Path.of(entry);
        } catch (InvalidPathException e) {
            throw BundleException.classpath(entry, "which is not a valid path (" + e.getReason() + ")");
        }
        Path root = folder.toAbsolutePath().normalize();
        Path resolved = root.resolve(path).normalize();
        if (spelled && path.isAbsolute()) {
            throw BundleException.classpath(entry, "which is an absolute path, outside the bundle");
        }
        if (!resolved.startsWith(root)) {
            throw BundleException.classpath(entry, "which leads outside the bundle");
        }
        if (!Files.exists(resolved, LinkOption.NOFOLLOW_LINKS)) {
            throw BundleException.classpath(entry, "which is not in the bundle");
        }
        try {
            if (!resolved.toRealPath().startsWith(root.toRealPath())) {
                throw BundleException.classpath(entry, "which leads outside the bundle through a symbolic link");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Checking the bundle's classpath entry " + entry + " failed: " + e, e);
        }
    }
}
