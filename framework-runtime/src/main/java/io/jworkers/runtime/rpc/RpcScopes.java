package io.jworkers.runtime.rpc;

import io.jworkers.api.ContractMismatchException;
import io.jworkers.api.ServiceUnavailableException;
import io.jworkers.runtime.pipeline.BindingOwner;
import io.jworkers.runtime.pipeline.CallScope;
import io.jworkers.runtime.pipeline.Callee;

/**
 * The host steps of an RPC call, as static methods for the method-handle chains of
 * {@link RpcLinker}: enter the callee's frame, leave it, fail when the target is absent.
 */
final class RpcScopes {

    private RpcScopes() {
    }

    static CallScope enter(Callee callee, BindingOwner owner) {
        return CallScope.enter(callee, owner);
    }

    static void exit(CallScope scope) {
        scope.exit();
    }

    // The finally step of a typed call: what the callee threw (null when it returned) goes to its span.
    static void exit(Throwable error, CallScope scope) {
        scope.exit(error, 0);
    }

    static Object notConnected(String message) {
        throw new ServiceUnavailableException(message);
    }

    static Object mismatch(String message) {
        throw new ContractMismatchException(message);
    }
}
