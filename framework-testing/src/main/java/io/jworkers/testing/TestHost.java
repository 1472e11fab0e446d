package io.jworkers.testing;

import io.jworkers.api.Env;
import io.jworkers.api.Service;
import java.time.Duration;

/**
 * The in-process host running the workers of the current test: created fresh before each test
 * by {@link WorkerTestExtension} and closed after it (each worker's {@code stop()} runs, its
 * threads are interrupted, its class loader is closed). Inject it as a parameter of a test or
 * {@code @BeforeEach} method.
 *
 * <pre>{@code
 * @Test
 * void logsInTheBackground(TestHost host, Service self) {
 *     assertEquals(202, self.fetch("/events").status());
 *     host.awaitBackgroundWork();                     // the worker's ctx().waitUntil(...) work is done
 * }
 * }</pre>
 */
public interface TestHost {

    /** How long {@link #awaitBackgroundWork()} waits: the host's grace period for {@code waitUntil} work. */
    Duration DEFAULT_BACKGROUND_TIMEOUT = Duration.ofSeconds(30);

    /**
     * The worker under test, called the way the public ingress calls it (Cloudflare's
     * {@code SELF}). Each {@code fetch} or RPC call through it is a new top-level request: a new
     * pipeline with its own request id (an {@code x-request-id} header is kept), the worker at
     * depth 1, the worker's limits. Its exceptions reach the test with the worker's stack
     * frames; a type of the worker's own arrives as {@link io.jworkers.api.RemoteException}
     * (the test cannot hold the worker's classes), JDK and API types as themselves.
     *
     * @return the service; never {@code null}
     */
    Service self();

    /**
     * Another worker of the host, called like {@link #self()}.
     *
     * @param worker the worker's name
     * @return the service
     * @throws IllegalArgumentException if the host has no such worker (the message lists the ones it has)
     */
    Service service(String worker);

    /**
     * A named entrypoint of a worker of the host, called like {@link #self()}: RPC, and
     * {@code fetch} when the entrypoint serves it. Calls run at depth 1 from a depth-0 frame of
     * the test, so each counts one subrequest.
     *
     * @param worker the worker's name
     * @param entrypoint the entrypoint's name ({@code @Entrypoint} value or simple class name)
     * @return the service
     * @throws IllegalArgumentException if the host has no such worker, or the worker no such
     *     entrypoint (the message lists the names there are)
     */
    Service service(String worker, String entrypoint);

    /**
     * The environment of the worker under test: its bindings, vars and secrets as the worker
     * sees them. Calls through its bindings run as the worker's own calls made outside any
     * request (as from its {@code start()}).
     *
     * @return the environment
     */
    Env env();

    /**
     * The environment of another worker of the host.
     *
     * @param worker the worker's name
     * @return the environment
     * @throws IllegalArgumentException if the host has no such worker (the message lists the ones it has)
     */
    Env env(String worker);

    /**
     * Waits, up to {@link #DEFAULT_BACKGROUND_TIMEOUT}, for the work that this test's calls
     * started beside their responses ({@code ctx().waitUntil(...)}, async calls) to finish.
     *
     * @throws AssertionError if some is still running after the timeout, or if {@code waitUntil}
     *     work failed (the failure, with the worker's stack, is the cause; each is reported once)
     */
    void awaitBackgroundWork();

    /**
     * Waits for the work started beside this test's responses to finish.
     *
     * @param timeout how long at most
     * @throws AssertionError if some is still running after {@code timeout}, or if {@code waitUntil} work failed
     * @see #awaitBackgroundWork()
     */
    void awaitBackgroundWork(Duration timeout);
}
