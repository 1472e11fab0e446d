package io.jworkers.runtime.serve;

import io.helidon.webserver.http.ServerRequest;
import io.jworkers.runtime.config.NameRules;
import io.jworkers.runtime.host.WorkerHost;
import java.util.Optional;

/**
 * The parameters of admin requests, each checked where it enters: a bad one is a 400 that says
 * what a good one looks like, before anything reads or writes state.
 */
final class AdminParams {

    private AdminParams() {
    }

    /** The {@code {name}} path parameter: a worker name. */
    static String worker(ServerRequest request) {
        String name = request.path().pathParameters().get("name");
        if (!NameRules.WORKER_NAME.matcher(name).matches()) {
            throw new DeployRejectedException(400, "Invalid worker name \"" + LogText.oneLine(name) + "\": "
                    + NameRules.WORKER_NAME_RULE);
        }
        return name;
    }

    /** The {@code {key}} path parameter: a secret name. */
    static String secretName(ServerRequest request) {
        String key = request.path().pathParameters().get("key");
        if (!NameRules.SECRET_NAME.matcher(key).matches()) {
            throw new DeployRejectedException(400, "Invalid secret name \"" + LogText.oneLine(key) + "\": "
                    + NameRules.SECRET_NAME_RULE);
        }
        return key;
    }

    /** {@code ?env=}, default production. */
    static String environment(ServerRequest request) {
        return environment(request, "env").orElse(WorkerHost.PRODUCTION);
    }

    /** An environment named by a query parameter. */
    static Optional<String> environment(ServerRequest request, String parameter) {
        Optional<String> name = request.query().first(parameter).asOptional();
        name.ifPresent(value -> {
            if (!NameRules.ENVIRONMENT_NAME.matcher(value).matches()) {
                throw new DeployRejectedException(400, "Invalid environment name \"" + LogText.oneLine(value) + "\" (?"
                        + parameter + "=): " + NameRules.ENVIRONMENT_NAME_RULE);
            }
        });
        return name;
    }

    /** {@code ?version=}: a version number, or empty for the default. */
    static Integer version(ServerRequest request) {
        String text = request.query().first("version").orElse(null);
        if (text == null) {
            return null;
        }
        if (!text.matches("[0-9]{1,9}") || Integer.parseInt(text) < 1) {
            throw new DeployRejectedException(400, "A version is a positive number (see jworkers versions), not \""
                    + LogText.oneLine(text) + "\"");
        }
        return Integer.valueOf(text);
    }

    /** {@code ?message=}: kept on one line (see {@link LogText}). */
    static String message(ServerRequest request) {
        return LogText.message(request.query().first("message").orElse(null));
    }

    /** A yes/no query parameter: absent or {@code false} is no, {@code true} yes. */
    static boolean flag(ServerRequest request, String parameter) {
        String value = request.query().first(parameter).orElse("false");
        return switch (value) {
            case "true", "" -> true;
            case "false" -> false;
            default -> throw new DeployRejectedException(400, "?" + parameter + "= is true or false, not \""
                    + LogText.oneLine(value) + "\"");
        };
    }
}
