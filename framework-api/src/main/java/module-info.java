/**
 * The jworkers worker API: everything a worker compiles against.
 *
 * <p>Only {@code io.jworkers.api} is exported. {@code io.jworkers.bridge} is the host's
 * private door into API objects and is neither exported nor visible to worker class loaders.
 */
module io.jworkers.api {
    exports io.jworkers.api;
}
