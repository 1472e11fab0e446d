package io.jworkers.runtime.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Jars of real libraries from Maven Central (H2, sqlite-jdbc, SLF4J, Logback, Caffeine, Guava)
 * that fixture workers compile against and bundle. The build copies them to
 * {@code target/fixture-libs} (maven-dependency-plugin, phase generate-test-resources); they are
 * not on the test classpath, so the host sees them only through a worker's loader.
 */
public final class FixtureLibs {

    private static final Path FOLDER = Path.of("target", "fixture-libs").toAbsolutePath();

    private FixtureLibs() {
    }

    /**
     * The jar of one library.
     *
     * @param artifactId e.g. {@code h2}, {@code sqlite-jdbc}, {@code logback-classic}
     * @return {@code target/fixture-libs/ARTIFACTID-VERSION.jar}
     * @throws IllegalStateException if it was not copied there, or more than one version was
     */
    public static Path jar(String artifactId) {
        // ARTIFACTID-VERSION.jar, the version starting with a digit: "slf4j-api" does not match "slf4j-api-bridge-1.jar".
        Pattern name = Pattern.compile(Pattern.quote(artifactId) + "-\\d[^/]*\\.jar");
        List<Path> found;
        try (Stream<Path> files = Files.isDirectory(FOLDER) ? Files.list(FOLDER) : Stream.empty()) {
            found = files.filter(file -> name.matcher(file.getFileName().toString()).matches()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (found.isEmpty()) {
            throw new IllegalStateException("No jar of " + artifactId + " in " + FOLDER
                    + ": run ./mvnw generate-test-resources (with network the first time) to copy the fixture libraries");
        }
        if (found.size() > 1) {
            throw new IllegalStateException("More than one jar of " + artifactId + " in " + FOLDER + ": " + found
                    + "; run ./mvnw clean generate-test-resources");
        }
        return found.get(0);
    }

    /**
     * The jars of several libraries.
     *
     * @param artifactIds e.g. {@code slf4j-api}, {@code logback-classic}, {@code logback-core}
     * @return their jars, in that order
     */
    public static List<Path> jars(String... artifactIds) {
        return Stream.of(artifactIds).map(FixtureLibs::jar).toList();
    }
}
