package io.jworkers.runtime.deploy;

import java.nio.file.Path;

/**
 * Where {@code jworkers serve} keeps its state, under one folder:
 * <pre>
 * staging/                          uploads and deploys in progress; emptied at every start
 * bundles/SHA256/                   an unpacked bundle (classes, jars, worker.json), named by the hash
 *                                   of its content; shared by every version with that code and config
 * workers/WORKER/ENV/index.json     {"current": N, "latest": N}: THE commit point of every change;
 *                                   "current" is null (or absent) while versions were only uploaded.
 *                                   A gradual deployment adds "split": [{"version": 4, "percent": 10},
 *                                   {"version": 3, "percent": 90}] (newest first; current is its primary)
 *                                   and a deploy's message "splitMessage"; without "split", current
 *                                   takes all traffic
 * workers/WORKER/ENV/versions/N.json one version: number, time, message, bundle hash, routes it took
 * secrets/WORKER/ENV/N.json         version N's secrets, rw------- inside rwx------ folders
 * secrets/WORKER/ENV/pending.json   secrets set before the first deploy (secret put --create)
 * </pre>
 * Versions and bundles are immutable once written; only {@code index.json} is ever replaced.
 *
 * @param root the state folder
 */
record StateLayout(Path root) {

    static final String INDEX = "index.json";
    static final String PENDING = "pending.json";
    /** The index of the layout before content-addressed bundles, which this one does not read. */
    static final String LEGACY_INDEX = "deployments.json";

    Path staging() {
        return root.resolve("staging");
    }

    Path bundles() {
        return root.resolve("bundles");
    }

    Path bundle(String sha256) {
        return bundles().resolve(sha256);
    }

    Path workers() {
        return root.resolve("workers");
    }

    Path environment(String worker, String environment) {
        return workers().resolve(worker).resolve(environment);
    }

    Path index(String worker, String environment) {
        return environment(worker, environment).resolve(INDEX);
    }

    Path versions(String worker, String environment) {
        return environment(worker, environment).resolve("versions");
    }

    Path version(String worker, String environment, int number) {
        return versions(worker, environment).resolve(number + ".json");
    }

    Path secrets() {
        return root.resolve("secrets");
    }

    Path secrets(String worker, String environment) {
        return secrets().resolve(worker).resolve(environment);
    }

    Path versionSecrets(String worker, String environment, int number) {
        return secrets(worker, environment).resolve(number + ".json");
    }

    Path pendingSecrets(String worker, String environment) {
        return secrets(worker, environment).resolve(PENDING);
    }

    /** The number of a version file name such as {@code 12.json}, or -1. */
    static int versionNumber(String fileName) {
        if (!fileName.endsWith(".json")) {
            return -1;
        }
        String digits = fileName.substring(0, fileName.length() - 5);
        if (digits.isEmpty() || digits.length() > 9 || !digits.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        return Integer.parseInt(digits);
    }
}
