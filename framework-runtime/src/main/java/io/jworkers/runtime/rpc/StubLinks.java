package io.jworkers.runtime.rpc;

import io.jworkers.runtime.pipeline.Pipeline;
import io.jworkers.runtime.pipeline.WorkerCall;
import io.jworkers.runtime.values.ValueCopier;
import io.jworkers.runtime.worker.EntrypointInstance;
import io.jworkers.runtime.worker.LoadedWorker;
import io.jworkers.runtime.worker.VersionRouting;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.MutableCallSite;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The call sites of one stub, one per contract method, pointed at the target versions that its
 * slot holds. When the slot's versions change the sites are relinked in place: the stub class is
 * never regenerated and keeps no reference to an old version. With two versions sharing the
 * traffic, each site first asks the slot's routing which one the calling pipeline reaches.
 */
final class StubLinks implements Consumer<VersionRouting> {

    private static final MethodHandle CHOOSES_NEWER;
    private static final MethodHandle INCREMENT;

    static {
        try {
            CHOOSES_NEWER = MethodHandles.lookup().findStatic(StubLinks.class, "choosesNewer",
                    MethodType.methodType(boolean.class, VersionRouting.class));
            INCREMENT = MethodHandles.lookup().findVirtual(LongAdder.class, "increment", MethodType.methodType(void.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Class<?> contract;
    private final List<ContractMethod> methods;
    private final RpcTarget target;
    private final MutableCallSite[] sites;
    // Why the contract does not match a loaded version (absent: it matches), per version.
    private volatile Map<LoadedWorker, String> mismatches = Map.of();

    StubLinks(Class<?> contract, List<ContractMethod> methods, RpcTarget target) {
        this.contract = contract;
        this.methods = methods;
        this.target = target;
        this.sites = new MutableCallSite[methods.size()];
        for (int i = 0; i < sites.length; i++) {
            java.lang.reflect.Method method = methods.get(i).method();
            sites[i] = new MutableCallSite(MethodType.methodType(method.getReturnType(), method.getParameterTypes()));
        }
        accept(target.slot().routing());
        target.slot().addListener(this);
    }

    /**
     * The invokers the stub calls, in the order of the contract methods.
     *
     * @return one dynamic invoker per call site
     */
    List<MethodHandle> invokers() {
        return java.util.Arrays.stream(sites).map(MutableCallSite::dynamicInvoker).toList();
    }

    /**
     * Why the contract does not match the target version a call from this thread reaches now.
     *
     * @return the message, or empty when it matches or no version is loaded
     */
    Optional<String> mismatch() {
        Map<LoadedWorker, String> known = mismatches;
        if (known.isEmpty()) {
            return Optional.empty();
        }
        LoadedWorker reached = target.slot().select(WorkerCall.runningPipeline());
        return Optional.ofNullable(reached == null ? null : known.get(reached));
    }

    /** Relinks every site to the slot's new versions. */
    @Override
    public synchronized void accept(VersionRouting routing) {
        Map<LoadedWorker, String> problems = new IdentityHashMap<>();
        MethodHandle[] newer = link(routing.newer(), problems);
        MethodHandle[] older = routing.isSplit() ? link(routing.older(), problems) : null;
        mismatches = problems.isEmpty() ? Map.of() : problems;
        for (int i = 0; i < sites.length; i++) {
            MethodHandle handle = newer[i];
            if (older != null) {
                MethodType type = sites[i].type();
                MethodHandle test = MethodHandles.dropArguments(CHOOSES_NEWER.bindTo(routing), 0, type.parameterList());
                handle = MethodHandles.guardWithTest(test, newer[i], older[i]);
            }
            sites[i].setTarget(handle);
        }
        MutableCallSite.syncAll(sites);
    }

    // The handles that call one version (null: not loaded), recording a mismatch.
    private MethodHandle[] link(LoadedWorker worker, Map<LoadedWorker, String> problems) {
        EntrypointInstance entry = worker == null ? null : worker.entrypoint(target.entrypoint());
        String problem = null;
        if (worker != null && entry == null) {
            problem = "Worker \"" + worker.name() + "\" has no entrypoint \"" + target.entrypoint() + "\"; it has: "
                    + String.join(", ", worker.entrypointNames());
        } else if (entry != null) {
            problem = ContractCheck.mismatch(contract, methods, entry, target).orElse(null);
        }
        if (problem != null) {
            problems.put(worker, problem);
        }
        ValueCopier copier = entry == null || problem != null ? null : ValueCopier.create();
        // A linked call is counted by the call scope it enters (see Callee); one that enters none is counted here.
        MethodHandle count = INCREMENT.bindTo(target.calls().rpc());
        MethodHandle[] handles = new MethodHandle[sites.length];
        for (int i = 0; i < sites.length; i++) {
            ContractMethod method = methods.get(i);
            handles[i] = worker == null ? MethodHandles.foldArguments(RpcLinker.notConnected(method, target.notFoundMessage()), count)
                    : problem != null ? MethodHandles.foldArguments(RpcLinker.mismatch(method, problem), count)
                    : RpcLinker.link(method, worker, entry, target, copier);
        }
        return handles;
    }

    // Called by split sites on every call: which version the calling pipeline reaches.
    private static boolean choosesNewer(VersionRouting routing) {
        Pipeline pipeline = WorkerCall.runningPipeline();
        return pipeline == null ? routing.primary() == routing.newer() : routing.choosesNewer(pipeline);
    }
}
