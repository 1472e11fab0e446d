package io.jworkers.runtime.deploy;

import io.jworkers.runtime.bundle.UnpackedBundle;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a new version is made of: a bundle (a freshly staged one, or the hash of one the store
 * has), a message, the changes to the secrets of the version it follows, and the routes it takes.
 *
 * @param staged        the bundle uploaded for it, or {@code null} to keep the code of {@code sha256}
 * @param sha256        the hash of a bundle already stored, when {@code staged} is null
 * @param message       the message, or null
 * @param secretChanges secrets to set (name to value) or delete (name to {@code null}), applied to the
 *                      secrets of the current version (or to those set before the first deploy)
 * @param routesTaken   the routes the version serves although other workers declare them, with when
 *                      they were taken
 */
public record NewVersion(UnpackedBundle staged, String sha256, String message, Map<String, String> secretChanges,
        Map<String, Instant> routesTaken) {

    /** Copies the maps; {@code secretChanges} keeps null values (deletions). */
    public NewVersion {
        secretChanges = Collections.unmodifiableMap(new LinkedHashMap<>(secretChanges));
        routesTaken = Map.copyOf(routesTaken);
    }

    /** The bundle's hash, staged or kept. */
    public String bundleHash() {
        return staged != null ? staged.sha256() : sha256;
    }

    /** Names only: the values are secrets. */
    @Override
    public String toString() {
        return "NewVersion[" + bundleHash() + ", " + message + ", secrets changed " + secretChanges.keySet()
                + ", routes taken " + routesTaken.keySet() + "]";
    }
}
