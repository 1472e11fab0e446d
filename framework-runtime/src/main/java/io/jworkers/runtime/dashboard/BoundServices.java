package io.jworkers.runtime.dashboard;

import io.jworkers.runtime.serve.ServiceView;
import java.util.ArrayList;
import java.util.List;

/**
 * The reference's "Bound Services" read the other way round: which worker environments bind to a
 * given one. Bindings are declared by the caller only, so this scans every caller's bindings.
 */
final class BoundServices {

    private BoundServices() {
    }

    /**
     * A binding that reaches the worker.
     *
     * @param caller the worker environment that declares it
     * @param binding the binding
     */
    record Caller(ServiceView caller, ServiceView.Binding binding) {
    }

    static List<Caller> callers(List<ServiceView> services, String worker, String environment) {
        List<Caller> callers = new ArrayList<>();
        for (ServiceView view : services) {
            for (ServiceView.Binding binding : view.bindings()) {
                if (binding.service().equals(worker) && binding.environment().equals(environment)) {
                    callers.add(new Caller(view, binding));
                }
            }
        }
        return callers;
    }
}
