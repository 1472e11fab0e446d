package io.jworkers.runtime.dev;

import io.jworkers.runtime.config.ServiceBindingConfig;
import io.jworkers.runtime.config.WorkerConfig;
import io.jworkers.runtime.host.WorkerHost;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The bindings each worker has, in Wrangler's words:
 * {@code env.AUTH (auth)  Worker  local [connected]}. Secrets are listed by name only.
 */
final class BindingReport {

    private BindingReport() {
    }

    static String of(List<WorkerConfig> configs, WorkerHost host) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < configs.size(); i++) {
            WorkerConfig config = configs.get(i);
            text.append(config.name()).append(i == 0 ? " (primary)" : config.isPublic() ? "" : " (private)")
                    .append("  ").append(config.file()).append(System.lineSeparator());
            boolean any = false;
            for (ServiceBindingConfig binding : config.services()) {
                boolean connected = host.worker(binding.service()).isPresent();
                String target = binding.service() + (binding.entrypoint() == null ? "" : "#" + binding.entrypoint());
                line(text, "env." + binding.binding() + " (" + target + ")", "Worker",
                        "local " + (connected ? "[connected]" : "[not connected]"));
                any = true;
            }
            for (Map.Entry<String, String> variable : config.vars().entrySet()) {
                line(text, "env." + variable.getKey() + " (\"" + variable.getValue() + "\")", "Environment Variable", "local");
                any = true;
            }
            host.worker(config.name()).ifPresent(worker -> {
                for (String secret : new TreeSet<>(worker.env().secretNames())) {
                    line(text, "env." + secret + " (\"(hidden)\")", "Environment Variable", "local");
                }
            });
            if (!any && host.worker(config.name()).map(w -> w.env().secretNames().isEmpty()).orElse(true)) {
                text.append("  (no bindings)").append(System.lineSeparator());
            }
        }
        return text.toString();
    }

    private static void line(StringBuilder text, String binding, String resource, String mode) {
        text.append("  ").append(binding).append("  ").append(resource).append("  ").append(mode)
                .append(System.lineSeparator());
    }
}
