package bench.chain;

import io.jworkers.api.WorkerEntrypoint;

/**
 * One link of the chain: {@code add} forwards to the NEXT binding over typed RPC; the worker without
 * a NEXT binding (the last) returns a + b. The same classes are loaded by every chain worker, each
 * in its own loader.
 */
public final class ChainWorker extends WorkerEntrypoint {

    private final Hop next = env().optionalService("NEXT").map(service -> service.rpc(Hop.class)).orElse(null);

    public int add(int a, int b) {
        return next == null ? a + b : next.add(a, b);
    }
}
