package io.jworkers.runtime.tail;

import io.jworkers.api.Env;
import io.jworkers.runtime.worker.LoadedWorker;

/**
 * Who a binding call reaches, as a tail event of that call names it: made once per binding and
 * target version (with the binding's callee, see {@link io.jworkers.runtime.pipeline.Callee}),
 * read only when a tail listens for the worker.
 *
 * @param worker the called worker's name
 * @param environment its environment
 * @param version the version number the call reaches (a split worker's calls may reach either)
 * @param versionId wrangler's {@code scriptVersion.id}, {@code production/3}
 * @param entrypoint the entrypoint the binding selects: the default entrypoint's class simple
 *     name, or the named entrypoint
 * @param env the version's environment, for the secret values the event must not show
 */
public record TailTarget(String worker, String environment, int version, String versionId, String entrypoint, Env env) {

    /**
     * What a binding's calls into a version are named as.
     *
     * @param worker the target version
     * @param entrypoint the entrypoint name the binding selects, {@code null} for the default one
     * @return the target
     */
    public static TailTarget of(LoadedWorker worker, String entrypoint) {
        return new TailTarget(worker.name(), worker.env().version().environment(), worker.number(),
                worker.env().version().id(), entrypoint != null ? entrypoint : worker.entrypoint().getClass().getSimpleName(),
                worker.env());
    }
}
