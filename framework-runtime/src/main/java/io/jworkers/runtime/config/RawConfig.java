package io.jworkers.runtime.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * The config files' shapes exactly as written, before any rule is checked.
 *
 * <p>Binding into these records (rather than walking a tree by hand) lets Jackson report wrong
 * types and unknown fields with the parser's {@code line:col} and the field path. Every field is
 * nullable: "absent" must stay distinguishable from a default so an environment block replaces
 * only what it actually sets.
 */
final class RawConfig {

    private RawConfig() {
    }

    /** A {@code worker.jsonc} / {@code worker.toml} file. */
    record Worker(
            @JsonProperty("$schema") JsonNode schema,
            String name,
            String main,
            List<String> classpath,
            List<String> routes,
            List<Service> services,
            Map<String, JsonNode> vars,
            SecretsBlock secrets,
            LimitsBlock limits,
            Build build,
            Map<String, Env> env) {
    }

    /** One block under {@code env}: the keys an environment may replace (no {@code name}). */
    record Env(
            String main,
            List<String> classpath,
            List<String> routes,
            List<Service> services,
            Map<String, JsonNode> vars,
            SecretsBlock secrets,
            LimitsBlock limits,
            Build build) {
    }

    /** One entry of {@code services}. {@code props} stays a tree so any JSON object passes through. */
    record Service(String binding, String service, String environment, String entrypoint, JsonNode props) {
    }

    /** {@code secrets}: only names, since values never belong in a config file. */
    record SecretsBlock(List<String> required) {
    }

    /** {@code limits}. Wide types so an out-of-range number gets a range message, not an overflow. */
    record LimitsBlock(Long subrequests, @JsonProperty("timeout_ms") Long timeoutMs) {
    }

    /**
     * {@code build}, Wrangler's custom build. {@code watch_dir} stays a tree because it may be a
     * string or a list of strings, and each shape gets its own message.
     */
    record Build(String command, String cwd, @JsonProperty("watch_dir") JsonNode watchDir) {
    }

    /** A {@code jworkers.jsonc} dev workspace file. */
    record Workspace(@JsonProperty("$schema") JsonNode schema, List<String> dev) {
    }
}
