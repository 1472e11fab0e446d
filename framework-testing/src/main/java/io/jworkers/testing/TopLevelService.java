package io.jworkers.testing;

import io.jworkers.api.Request;
import io.jworkers.api.Response;
import io.jworkers.api.Service;
import io.jworkers.runtime.binding.ServiceBinding;
import io.jworkers.runtime.pipeline.BindingOwner;
import io.jworkers.runtime.pipeline.BoundaryExceptions;
import io.jworkers.runtime.pipeline.CallFrame;
import io.jworkers.runtime.pipeline.Pipeline;
import io.jworkers.runtime.pipeline.CallScope;
import io.jworkers.runtime.pipeline.WorkerCall;
import io.jworkers.runtime.rpc.RpcTarget;
import io.jworkers.runtime.worker.LoadedWorker;
import io.jworkers.runtime.worker.WorkerSlot;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * A worker as the test calls it: every call is a top-level request with a pipeline of its own,
 * as if it came from the public ingress. {@code fetch} of the default entrypoint runs the worker
 * at depth 1 exactly as the ingress does; RPC calls and a named entrypoint's {@code fetch} run
 * from a depth-0 "test" frame through an ordinary binding, so they count one subrequest. Exceptions are translated as at a binding boundary, stacks kept.
 */
final class TopLevelService implements Service {

    private static final String REQUEST_ID_HEADER = "x-request-id";

    private final RunningHost host;
    private final WorkerSlot slot;
    private final String entrypoint;
    private final ServiceBinding binding;

    TopLevelService(RunningHost host, WorkerSlot slot, String entrypoint, BindingOwner owner) {
        this.host = host;
        this.slot = slot;
        this.entrypoint = entrypoint;
        this.binding = new ServiceBinding(new RpcTarget("SELF", slot, entrypoint, CallFrame.NO_PROPS, owner));
    }

    @Override
    public Response fetch(Request request) {
        LoadedWorker worker = loaded();
        String requestId = request.headers().get(REQUEST_ID_HEADER);
        Pipeline pipeline = host.newPipeline(requestId != null ? requestId : UUID.randomUUID().toString(), worker);
        try {
            // The default entrypoint as the ingress calls it; a named one through a binding from the test's frame.
            return entrypoint == null ? WorkerCall.topLevelFetch(pipeline, worker, request)
                    : inTestFrame(pipeline, () -> binding.fetch(request));
        } catch (Throwable e) {
            throw BoundaryExceptions.translate(e);
        } finally {
            host.responded(pipeline);
        }
    }

    @Override
    public Response fetch(String url) {
        return fetch(Request.get(url));
    }

    @Override
    public CompletableFuture<Response> fetchAsync(Request request) {
        CompletableFuture<Response> result = new CompletableFuture<>();
        Thread.ofVirtual().name("jworkers-test-fetch").start(() -> {
            try {
                result.complete(fetch(request));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    @Override
    public <T> T rpc(Class<T> contract) {
        T stub = binding.rpc(contract);
        Object proxy = Proxy.newProxyInstance(contract.getClassLoader(), new Class<?>[] {contract},
                (self, method, args) -> method.getDeclaringClass() == Object.class
                        ? objectMethod(self, method, args, contract)
                        : topLevel(() -> invoke(stub, method, args)));
        return contract.cast(proxy);
    }

    @Override
    public Object call(String method, Object... args) {
        return topLevel(() -> binding.call(method, args));
    }

    @Override
    public boolean connected() {
        return slot.current() != null;
    }

    private <T> T topLevel(Callable<T> call) {
        return inTestFrame(host.newPipeline(UUID.randomUUID().toString(), loaded()), call);
    }

    private static <T> T inTestFrame(Pipeline pipeline, Callable<T> call) {
        CallFrame frame = new CallFrame(pipeline, "test", Thread.currentThread().getContextClassLoader(), null, 0);
        CallScope scope = WorkerCall.open(frame);
        try {
            return call.call();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            WorkerCall.close(scope);
        }
    }

    private static Object invoke(Object stub, Method method, Object[] args) throws Exception {
        try {
            // Contracts declared in tests are often package-private, in the test's package.
            method.setAccessible(true);
            return method.invoke(stub, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception exception) {
                throw exception;
            }
            throw (Error) cause;
        }
    }

    private Object objectMethod(Object self, Method method, Object[] args, Class<?> contract) {
        return switch (method.getName()) {
            case "equals" -> self == args[0];
            case "hashCode" -> System.identityHashCode(self);
            default -> contract.getSimpleName() + " of " + this;
        };
    }

    private LoadedWorker loaded() {
        LoadedWorker worker = slot.current();
        if (worker == null) {
            throw new IllegalStateException("The workers of the test that made this Service are closed: each test gets"
                    + " fresh workers, so inject the Service into the test that uses it instead of keeping it");
        }
        return worker;
    }

    /**
     * The timeout of a worker's requests.
     *
     * @param worker the worker
     * @return its {@code limits.timeout_ms}
     */
    static Duration timeoutOf(LoadedWorker worker) {
        return Duration.ofMillis(worker.config().limits().timeoutMs());
    }

    @Override
    public String toString() {
        return "worker " + slot.name() + (entrypoint == null ? "" : " entrypoint " + entrypoint) + " (called by the test)";
    }
}
