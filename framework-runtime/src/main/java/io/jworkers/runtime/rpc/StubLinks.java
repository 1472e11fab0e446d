package io.jworkers.runtime.rpc;

import io.jworkers.runtime.values.ValueCopier;
import io.jworkers.runtime.worker.EntrypointInstance;
import io.jworkers.runtime.worker.LoadedWorker;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.lang.invoke.MutableCallSite;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The call sites of one stub, one per contract method, pointed at the target version that its
 * slot holds. When the slot swaps versions the sites are relinked in place: the stub class is
 * never regenerated and keeps no reference to an old version.
 */
final class StubLinks implements Consumer<LoadedWorker> {

    private final Class<?> contract;
    private final List<ContractMethod> methods;
    private final RpcTarget target;
    private final MutableCallSite[] sites;
    private volatile String mismatch;

    StubLinks(Class<?> contract, List<ContractMethod> methods, RpcTarget target) {
        this.contract = contract;
        this.methods = methods;
        this.target = target;
        this.sites = new MutableCallSite[methods.size()];
        for (int i = 0; i < sites.length; i++) {
            java.lang.reflect.Method method = methods.get(i).method();
            sites[i] = new MutableCallSite(MethodType.methodType(method.getReturnType(), method.getParameterTypes()));
        }
        accept(target.slot().current());
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
     * Why the contract does not match the current target version.
     *
     * @return the message, or empty when it matches or no version is loaded
     */
    Optional<String> mismatch() {
        return Optional.ofNullable(mismatch);
    }

    /** Relinks every site to {@code worker}, the slot's new version ({@code null}: not loaded). */
    @Override
    public synchronized void accept(LoadedWorker worker) {
        EntrypointInstance entry = worker == null ? null : worker.entrypoint(target.entrypoint());
        String problem = null;
        if (worker != null && entry == null) {
            problem = "Worker \"" + worker.name() + "\" has no entrypoint \"" + target.entrypoint() + "\"; it has: "
                    + String.join(", ", worker.entrypointNames());
        } else if (entry != null) {
            problem = ContractCheck.mismatch(contract, methods, entry, target).orElse(null);
        }
        mismatch = problem;
        ValueCopier copier = entry == null || problem != null ? null : ValueCopier.create();
        for (int i = 0; i < sites.length; i++) {
            ContractMethod method = methods.get(i);
            sites[i].setTarget(worker == null ? RpcLinker.notConnected(method, target.notFoundMessage())
                    : problem != null ? RpcLinker.mismatch(method, problem)
                    : RpcLinker.link(method, worker, entry, target, copier));
        }
        MutableCallSite.syncAll(sites);
    }
}
