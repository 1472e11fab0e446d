package io.jworkers.runtime.worker;

import com.fasterxml.jackson.databind.JsonNode;
import io.jworkers.bridge.EntrypointRules;
import io.jworkers.runtime.json.JsonTrees;
import io.jworkers.runtime.loader.WorkerLoadException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The worker manifest the annotation processor writes ({@code META-INF/jworkers/worker.json}):
 * it lists the entrypoint classes, so the host need not scan the worker's classes to find them.
 */
final class EntrypointManifest {

    private EntrypointManifest() {
    }

    /**
     * The entrypoint classes listed by the manifests on the worker's own classpath.
     *
     * @param loader the worker's loader
     * @return the class names, or empty when no manifest is present
     */
    static Optional<List<String>> entrypointClasses(java.net.URLClassLoader loader) {
        List<String> classes = new ArrayList<>();
        boolean found = false;
        try {
            for (URL url : Collections.list(loader.findResources(EntrypointRules.MANIFEST))) {
                found = true;
                try (InputStream in = url.openStream()) {
                    JsonNode root = JsonTrees.read(in);
                    for (JsonNode entrypoint : root.path("entrypoints")) {
                        classes.add(entrypoint.path("class").asText());
                    }
                } catch (IOException e) {
                    throw new WorkerLoadException("The worker manifest " + url + " cannot be read: " + e.getMessage()
                            + ". Rebuild the worker.", e);
                }
            }
        } catch (IOException e) {
            throw new WorkerLoadException("Listing the worker manifests failed: " + e.getMessage(), e);
        }
        return found ? Optional.of(classes.stream().distinct().sorted().toList()) : Optional.empty();
    }
}
