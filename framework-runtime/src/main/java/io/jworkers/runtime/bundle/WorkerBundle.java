package io.jworkers.runtime.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jworkers.runtime.config.ServiceBindingConfig;
import io.jworkers.runtime.config.WorkerConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * What {@code jworkers deploy} uploads: one zip holding the worker's classpath (each class folder
 * under {@code classpath/N/}, each jar as {@code classpath/N.jar}) and {@code worker.json}, the
 * config as resolved for the target environment, its classpath pointing inside the bundle. The
 * host unpacks it and loads {@code worker.json} with the ordinary config loader.
 */
public final class WorkerBundle {

    /** The config's name inside a bundle. */
    public static final String CONFIG = "worker.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    // Every entry's time: fixed, so packing is reproducible. 1980-02-01 is safely inside the zip's
    // DOS date range in every time zone, the date reproducible-build tools use for the same reason.
    static final LocalDateTime ENTRY_TIME = LocalDateTime.of(1980, 2, 1, 0, 0);

    private WorkerBundle() {
    }

    /**
     * Packs a worker. The same classes, jars and config always pack to the same bytes: entries are
     * sorted by name and carry a fixed time, so the file times of a fresh build change nothing.
     *
     * @param config the config as resolved for the environment being deployed to
     * @param zip where to write the bundle
     * @return the bundle file
     */
    public static Path write(WorkerConfig config, Path zip) {
        try {
            // Entry name -> the file it holds; null for a folder.
            Map<String, Path> entries = new TreeMap<>();
            ArrayNode classpath = JSON.createArrayNode();
            List<Path> paths = config.classpath();
            for (int i = 0; i < paths.size(); i++) {
                Path path = paths.get(i);
                if (Files.isDirectory(path)) {
                    String prefix = "classpath/" + i;
                    entries.put(prefix + "/", null);
                    addFolder(entries, path, prefix + "/");
                    classpath.add(prefix);
                } else {
                    String name = "classpath/" + i + ".jar";
                    entries.put(name, path);
                    classpath.add(name);
                }
            }
            byte[] resolved = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(resolvedConfig(config, classpath));
            try (OutputStream file = Files.newOutputStream(zip); ZipOutputStream out = new ZipOutputStream(file)) {
                for (Map.Entry<String, Path> entry : entries.entrySet()) {
                    out.putNextEntry(entry(entry.getKey()));
                    if (entry.getValue() != null) {
                        Files.copy(entry.getValue(), out);
                    }
                    out.closeEntry();
                }
                out.putNextEntry(entry(CONFIG));
                out.write(resolved);
                out.closeEntry();
            }
            return zip;
        } catch (IOException e) {
            throw new UncheckedIOException("Packing worker \"" + config.name() + "\" failed: " + e.getMessage(), e);
        }
    }

    private static ZipEntry entry(String name) {
        ZipEntry entry = new ZipEntry(name);
        entry.setTimeLocal(ENTRY_TIME);
        return entry;
    }

    // The config fields as worker.jsonc spells them, without env blocks: they are already applied.
    private static ObjectNode resolvedConfig(WorkerConfig config, ArrayNode classpath) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("name", config.name());
        if (config.main() != null) {
            root.put("main", config.main());
        }
        root.set("classpath", classpath);
        ArrayNode routes = root.putArray("routes");
        config.routes().forEach(routes::add);
        ArrayNode services = root.putArray("services");
        for (ServiceBindingConfig binding : config.services()) {
            ObjectNode service = services.addObject();
            service.put("binding", binding.binding());
            service.put("service", binding.service());
            if (binding.environment() != null) {
                service.put("environment", binding.environment());
            }
            if (binding.entrypoint() != null) {
                service.put("entrypoint", binding.entrypoint());
            }
            JsonNode props = JSON.readTree(binding.props());
            if (!props.isEmpty()) {
                service.set("props", props);
            }
        }
        ObjectNode vars = root.putObject("vars");
        config.vars().forEach(vars::put);
        ArrayNode required = root.putObject("secrets").putArray("required");
        config.requiredSecrets().stream().sorted().forEach(required::add);
        ObjectNode limits = root.putObject("limits");
        limits.put("subrequests", config.limits().subrequests());
        limits.put("timeout_ms", config.limits().timeoutMs());
        return root;
    }

    private static void addFolder(Map<String, Path> entries, Path folder, String prefix) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                entries.put(prefix + folder.relativize(file).toString().replace('\\', '/'), file);
            }
        }
    }
}
