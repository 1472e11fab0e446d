/**
 * The jworkers worker API. A worker extends {@link io.jworkers.api.WorkerEntrypoint}; it reaches
 * other workers through {@link io.jworkers.api.Env#service(String)} bindings, which run the
 * target in-process on the caller's thread. Requests and responses are Fetch-shaped values
 * ({@link io.jworkers.api.Request}, {@link io.jworkers.api.Response}, {@link io.jworkers.api.Headers}).
 * Everything here depends on the JDK only.
 */
package io.jworkers.api;
