package io.jworkers.runtime.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jworkers.bridge.EntrypointRules;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The {@code "uses"} of the worker manifests the annotation processor wrote
 * ({@value EntrypointRules#MANIFEST}):
 *
 * <pre>{@code
 * "uses": [{"binding": "AUTH",
 *           "contracts": [{"class": "io.x.AuthApi",
 *                          "methods": [{"name": "check", "parameters": ["java.lang.String"], "returns": "boolean"}]}],
 *           "calls": [{"name": "ping", "arity": 0}]}]
 * }</pre>
 *
 * Only the contract class names and the calls are read: the methods are taken from the contract
 * classes themselves, as the stub will be, so that a manifest and a reading of the class files
 * give the same uses.
 */
final class ManifestUses {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ManifestUses() {
    }

    /**
     * The uses the manifests on the worker's own classpath record.
     *
     * @param loader the worker's loader
     * @return the uses; empty when there is no manifest, or one written before manifests had
     *     {@code "uses"} (or by a compiler other than javac), so the class files must be read
     * @throws UncheckedIOException if a manifest cannot be read
     */
    static Optional<RecordedUses> read(URLClassLoader loader) {
        RecordedUses uses = new RecordedUses();
        List<URL> manifests;
        try {
            manifests = Collections.list(loader.findResources(EntrypointRules.MANIFEST));
        } catch (IOException e) {
            throw new UncheckedIOException("Listing the worker manifests failed: " + e.getMessage(), e);
        }
        if (manifests.isEmpty()) {
            return Optional.empty();
        }
        for (URL url : manifests) {
            JsonNode root;
            try (InputStream in = url.openStream()) {
                root = JSON.readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException("The worker manifest " + url + " cannot be read: " + e.getMessage(), e);
            }
            if (!root.path("uses").isArray()) {
                return Optional.empty();
            }
            for (JsonNode use : root.path("uses")) {
                String binding = use.path("binding").asText();
                for (JsonNode contract : use.path("contracts")) {
                    uses.contract(binding, contract.path("class").asText());
                }
                for (JsonNode call : use.path("calls")) {
                    uses.call(binding, call.path("name").asText(), call.path("arity").asInt());
                }
            }
        }
        return Optional.of(uses);
    }
}
