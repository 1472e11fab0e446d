package io.jworkers.runtime.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.jworkers.runtime.json.JsonTrees;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a {@code services} list. Only the shape is checked here; whether the named worker
 * exists is the host's job, since it is the one that knows all the loaded workers.
 */
final class ServiceRules {

    private ServiceRules() {
    }

    static List<ServiceBindingConfig> check(ConfigSource source, FieldPath path, List<RawConfig.Service> services) {
        if (services == null) {
            return null;
        }
        List<ServiceBindingConfig> out = new ArrayList<>();
        Map<String, Integer> firstIndexOfBinding = new HashMap<>();
        for (int i = 0; i < services.size(); i++) {
            FieldPath entryPath = path.index(i);
            ServiceBindingConfig binding = entry(source, entryPath, services.get(i));
            Integer earlier = firstIndexOfBinding.putIfAbsent(binding.binding(), i);
            if (earlier != null) {
                // Both indices, because with long lists the first one is easy to miss.
                throw source.problem(entryPath.field("binding"), "\"" + binding.binding() + "\" is bound twice, by "
                        + path.index(earlier) + " and " + entryPath + "; each binding name must be unique"
                        + " within a worker, so rename one of them");
            }
            out.add(binding);
        }
        return List.copyOf(out);
    }

    private static ServiceBindingConfig entry(ConfigSource source, FieldPath path, RawConfig.Service raw) {
        if (raw == null) {
            throw source.problem(path, "expected an object like { \"binding\": \"AUTH\", \"service\": \"auth\" }, not null");
        }
        String binding = raw.binding();
        if (binding == null) {
            throw source.missing(path.field("binding"), "every service binding needs the name the worker's code"
                    + " looks it up by, e.g. \"binding\": \"AUTH\"");
        }
        if (!NameRules.BINDING_NAME.matcher(binding).matches()) {
            throw source.problem(path.field("binding"), "\"" + binding + "\" is not a valid binding name; "
                    + NameRules.BINDING_NAME_RULE);
        }
        String service = raw.service();
        if (service == null) {
            throw source.missing(path.field("service"), "every service binding names the worker it calls");
        }
        if (!NameRules.WORKER_NAME.matcher(service).matches()) {
            throw source.problem(path.field("service"), "\"" + service + "\" is not a valid worker name; "
                    + NameRules.WORKER_NAME_RULE);
        }
        String environment = optional(source, path.field("environment"), raw.environment(),
                "leave it out to call the worker's top-level config");
        String entrypoint = optional(source, path.field("entrypoint"), raw.entrypoint(),
                "leave it out to call the worker's default entrypoint");
        return new ServiceBindingConfig(binding, service, environment, entrypoint, props(source, path.field("props"), raw.props()));
    }

    private static String optional(ConfigSource source, FieldPath path, String value, String instead) {
        if (value != null && value.isBlank()) {
            throw source.problem(path, "is empty; " + instead);
        }
        return value;
    }

    /** Stored as text so the callee parses it with its own classes, never sharing objects across loaders. */
    private static String props(ConfigSource source, FieldPath path, JsonNode props) {
        if (props == null || props.isNull()) {
            return "{}";
        }
        if (!props.isObject()) {
            throw source.problem(path, "expected an object, like { \"tenant\": \"t1\" }");
        }
        return JsonTrees.write(props);
    }
}
