package io.jworkers.runtime.testing;

import java.util.function.BooleanSupplier;

/**
 * Polling for what happens on another thread (a reload, a build, a drain), bounded at 30 s: the
 * assertion that follows says what was expected, so a timeout here never passes a test by itself.
 */
public final class Await {

    private static final int STEPS = 1500;
    private static final long STEP_MS = 20;

    private Await() {
    }

    /**
     * Waits until a condition holds, or 30 s.
     *
     * @param condition the condition
     * @throws InterruptedException if interrupted
     */
    public static void until(BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < STEPS && !condition.getAsBoolean(); i++) {
            Thread.sleep(STEP_MS);
        }
    }

    /**
     * GETs a URL until its body starts with a prefix, or 30 s.
     *
     * @param url the URL
     * @param prefix what the body should start with
     * @return the last body read
     * @throws InterruptedException if interrupted
     */
    public static String body(String url, String prefix) throws InterruptedException {
        String body = "";
        for (int i = 0; i < STEPS && !body.startsWith(prefix); i++) {
            Thread.sleep(STEP_MS);
            body = Http.get(url).body();
        }
        return body;
    }
}
