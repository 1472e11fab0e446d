package bench.rpcloop;

import io.jworkers.api.Env;
import io.jworkers.api.Request;
import io.jworkers.api.Response;
import io.jworkers.api.WorkerEntrypoint;

/**
 * One request making n typed RPC calls to calc, one after the other ({@code GET /rpc?n=1000000}),
 * as run-peers.sh's workerd twin rpcloop.js does; the client times n=0 and a large n.
 */
public final class RpcLoopWorker extends WorkerEntrypoint {

    @Override
    public Response fetch(Request request, Env env) {
        String query = request.url().getRawQuery();
        int calls = query != null && query.startsWith("n=") ? Integer.parseInt(query.substring(2)) : 0;
        Calc calc = env.service("CALC", Calc.class);
        long sum = 0;
        for (int i = 0; i < calls; i++) {
            sum += calc.add(i, 1);
        }
        return Response.text(200, Long.toString(sum));
    }
}
