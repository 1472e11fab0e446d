package io.jworkers.runtime.config;

import java.util.Objects;

/**
 * One entry of a worker's {@code services}: a name in the caller's {@code Env} bound to another
 * worker, as in Wrangler's service bindings.
 *
 * @param binding the name the calling worker's code looks the binding up by, e.g. {@code AUTH}
 * @param service the name of the worker that is called
 * @param environment the callee's environment, or {@code null} for its top-level config
 * @param entrypoint the callee's named entrypoint, or {@code null} for its default one
 * @param props a JSON object as compact text, handed to the callee with every call;
 *     {@code "{}"} when the config sets none, so callers never test for null
 */
public record ServiceBindingConfig(String binding, String service, String environment, String entrypoint, String props) {

    /** Lets code that builds bindings by hand leave {@code props} out the same way a config can. */
    public ServiceBindingConfig {
        Objects.requireNonNull(binding, "binding");
        Objects.requireNonNull(service, "service");
        if (props == null) {
            props = "{}";
        }
    }
}
