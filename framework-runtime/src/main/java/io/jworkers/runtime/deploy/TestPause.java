package io.jworkers.runtime.deploy;

/**
 * A test hook for crash tests of a whole process (kill -9 in the middle of a deploy):
 * {@code -Djworkers.test.pauseDeployAt=STEP@N} makes the change that writes version N print
 * {@code jworkers test hook: deploy paused at STEP of version N} on standard error when it reaches
 * STEP, then sleep for a minute, so that the test can kill the process right there. Without the
 * property (always, outside tests) it does nothing.
 */
public final class TestPause {

    private static final String PAUSE_AT = System.getProperty("jworkers.test.pauseDeployAt");

    private TestPause() {
    }

    /**
     * Pauses here if the property names this step of this version.
     *
     * @param step the step, e.g. {@code loaded}
     * @param number the version being written
     */
    public static void at(String step, int number) {
        if (PAUSE_AT != null && PAUSE_AT.equals(step + "@" + number)) {
            System.err.println("jworkers test hook: deploy paused at " + step + " of version " + number);
            System.err.flush();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
