package io.jworkers.runtime.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jworkers.runtime.bundle.WorkerBundle;
import io.jworkers.runtime.deploy.Deployment;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The bundle a promotion deploys: one version's code with another environment's settings.
 * Code is what the build produced ({@code classpath}, {@code main}); everything else in the
 * config belongs to the environment.
 */
final class PromotedBundle {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> CODE_FIELDS = List.of("classpath", "main");

    private PromotedBundle() {
    }

    /**
     * Writes the bundle to a temp file.
     *
     * @param code the version whose classes and jars are promoted
     * @param settings the target environment's current version, whose settings are kept
     * @param scratch the folder to write it in
     * @return the bundle zip; the caller deletes it
     */
    static Path write(Deployment code, Deployment settings, Path scratch) {
        try {
            ObjectNode config = (ObjectNode) JSON.readTree(settings.configJson());
            ObjectNode codeConfig = (ObjectNode) JSON.readTree(code.configJson());
            for (String field : CODE_FIELDS) {
                config.remove(field);
                if (codeConfig.has(field)) {
                    config.set(field, codeConfig.get(field));
                }
            }
            Path zip = Files.createTempFile(scratch, "promote", ".zip");
            try (OutputStream file = Files.newOutputStream(zip); ZipOutputStream out = new ZipOutputStream(file);
                 Stream<Path> files = Files.walk(code.bundleDir())) {
                for (Path path : files.filter(Files::isRegularFile).sorted().toList()) {
                    String name = code.bundleDir().relativize(path).toString().replace('\\', '/');
                    if (!name.equals(WorkerBundle.CONFIG)) {
                        out.putNextEntry(new ZipEntry(name));
                        Files.copy(path, out);
                        out.closeEntry();
                    }
                }
                out.putNextEntry(new ZipEntry(WorkerBundle.CONFIG));
                out.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(config));
                out.closeEntry();
            }
            return zip;
        } catch (IOException e) {
            throw new UncheckedIOException("Building the promoted bundle failed: " + e.getMessage(), e);
        }
    }
}
