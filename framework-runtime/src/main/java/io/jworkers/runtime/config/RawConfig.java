package io.jworkers.runtime.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * The config files' shapes exactly as written, before any rule is checked.
 *
 * <p>{@link TreeBinder} binds a file's tree into these, reporting wrong types and unknown fields
 * with the field path and its {@code line:col}. Every field is nullable: "absent" must stay
 * distinguishable from a default so an environment block replaces only what it actually sets. A
 * field is written in config files as its component is named, except those in {@link #RENAMED}.
 */
final class RawConfig {

    /** The components whose name in config files is not their own: Wrangler's spellings. */
    static final Map<String, String> RENAMED = Map.of("schema", "$schema", "timeoutMs", "timeout_ms",
            "watchDir", "watch_dir");

    private RawConfig() {
    }

    /** A {@code worker.jsonc} / {@code worker.toml} file. */
    record Worker(
            JsonNode schema,
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
    record LimitsBlock(Long subrequests, Long timeoutMs) {
    }

    /**
     * {@code build}, Wrangler's custom build. {@code watch_dir} stays a tree because it may be a
     * string or a list of strings, and each shape gets its own message.
     */
    record Build(String command, String cwd, JsonNode watchDir) {
    }

    /** A {@code jworkers.jsonc} dev workspace file. */
    record Workspace(JsonNode schema, List<String> dev) {
    }

    /**
     * Makes one of these records from its components' values in declaration order, for
     * {@link TreeBinder}: reflection's constructor call would spin method handles on a host's
     * first config (about 10 % of the main thread's start-up in the profile), a plain call does not.
     *
     * @throws IllegalArgumentException for a class that is not one of these records
     */
    @SuppressWarnings("unchecked")
    static Record make(Class<?> type, Object[] v) {
        if (type == Worker.class) {
            return new Worker((JsonNode) v[0], (String) v[1], (String) v[2], (List<String>) v[3], (List<String>) v[4],
                    (List<Service>) v[5], (Map<String, JsonNode>) v[6], (SecretsBlock) v[7], (LimitsBlock) v[8],
                    (Build) v[9], (Map<String, Env>) v[10]);
        }
        if (type == Env.class) {
            return new Env((String) v[0], (List<String>) v[1], (List<String>) v[2], (List<Service>) v[3],
                    (Map<String, JsonNode>) v[4], (SecretsBlock) v[5], (LimitsBlock) v[6], (Build) v[7]);
        }
        if (type == Service.class) {
            return new Service((String) v[0], (String) v[1], (String) v[2], (String) v[3], (JsonNode) v[4]);
        }
        if (type == SecretsBlock.class) {
            return new SecretsBlock((List<String>) v[0]);
        }
        if (type == LimitsBlock.class) {
            return new LimitsBlock((Long) v[0], (Long) v[1]);
        }
        if (type == Build.class) {
            return new Build((String) v[0], (String) v[1], (JsonNode) v[2]);
        }
        if (type == Workspace.class) {
            return new Workspace((JsonNode) v[0], (List<String>) v[1]);
        }
        throw new IllegalArgumentException(type + " is not a config record");
    }
}
