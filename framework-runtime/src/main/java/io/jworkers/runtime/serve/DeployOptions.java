package io.jworkers.runtime.serve;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a deploy goes beyond its bundle.
 *
 * @param message the version's message, or {@code null}
 * @param secrets secrets to set together with the version (from {@code deploy --secrets-file}),
 *     on top of those of the current version
 * @param takeRoutes whether routes that another worker serves move to this one ({@code --take-routes});
 *     without it such a deploy is refused
 * @param upload whether the version takes no traffic yet ({@code versions upload}); a plain deploy
 *     sends it all traffic
 * @param force whether a deploy that breaks an RPC contract goes through anyway ({@code --force});
 *     the version's message records it
 */
public record DeployOptions(String message, Map<String, String> secrets, boolean takeRoutes, boolean upload, boolean force) {

    /**
     * A deploy that sends the version all traffic and checks contracts.
     *
     * @param message the version's message, or {@code null}
     * @param secrets secrets to set with it
     * @param takeRoutes whether it takes routes other workers serve
     */
    public DeployOptions(String message, Map<String, String> secrets, boolean takeRoutes) {
        this(message, secrets, takeRoutes, false, false);
    }

    /** A plain deploy: no message, no secrets, no routes taken. */
    public static final DeployOptions NONE = new DeployOptions(null, Map.of(), false);

    /** Copies the secrets. */
    public DeployOptions {
        secrets = Collections.unmodifiableMap(new LinkedHashMap<>(secrets));
    }

    /**
     * A deploy with a message.
     *
     * @param message the message
     * @return the options
     */
    public static DeployOptions message(String message) {
        return new DeployOptions(message, Map.of(), false);
    }

    /** Names only: the values are secrets. */
    @Override
    public String toString() {
        return "DeployOptions[" + message + ", secrets " + secrets.keySet() + ", takeRoutes " + takeRoutes + ", upload " + upload
                + ", force " + force + "]";
    }
}
