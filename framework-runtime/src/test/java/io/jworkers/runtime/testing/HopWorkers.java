package io.jworkers.runtime.testing;

import static io.jworkers.runtime.testing.WorkerDirs.json;

import java.nio.file.Path;

/**
 * Configs of the {@code hop} fixture: workers of a chain, each answering {@code name@version(TAG)}
 * and what the next hop answers, so a response shows which version of every worker it reached.
 * The worker named {@code gateway} serves every route; the others are private.
 */
public final class HopWorkers {

    private HopWorkers() {
    }

    /**
     * Writes a hop's config.
     *
     * @param dir where to write it (a folder {@code NAME-TAG} is made)
     * @param name the worker's name
     * @param next the worker its NEXT binding reaches, or {@code null} for the last hop
     * @param mode how it calls the next hop: fetch, rpc, call, async or rpcasync
     * @param tag what tells this build apart in answers
     * @return the config file
     */
    public static Path config(Path dir, String name, String next, String mode, String tag) {
        String services = next == null ? "" : "\"services\": [{ \"binding\": \"NEXT\", \"service\": \"" + next + "\" }],";
        return WorkerDirs.config(dir, name + "-" + tag, """
                { "name": "%s", "classpath": [%s], %s %s
                  "vars": { "NAME": "%s", "MODE": "%s", "TAG": "%s" } }
                """.formatted(name, json(Fixtures.classes("hop")), name.equals("gateway") ? "\"routes\": [\"/*\"]," : "",
                services, name, mode, tag));
    }
}
