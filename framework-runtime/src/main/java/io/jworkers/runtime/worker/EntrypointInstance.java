package io.jworkers.runtime.worker;

import io.jworkers.api.WorkerEntrypoint;

/**
 * One entrypoint of a loaded worker: its name (the class's simple name or {@code @Entrypoint}
 * value), its single instance and its RPC methods.
 *
 * @param name the entrypoint name a binding selects it by
 * @param instance the instance the host created
 * @param methods its RPC methods
 */
public record EntrypointInstance(String name, WorkerEntrypoint instance, RpcMethods methods) {
}
