package io.jworkers.runtime.pipeline;

import io.jworkers.api.ExecutionContext;

/**
 * What entering a worker's code replaced on the thread, restored when the call ends.
 *
 * @param previousContext the execution context before the call, possibly {@code null}
 * @param previousLoader the context class loader before the call
 */
public record CallScope(ExecutionContext previousContext, ClassLoader previousLoader) {
}
