package io.jworkers.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Selects which worker of the test's host an injected {@link io.jworkers.api.Service} or
 * {@link io.jworkers.api.Env} parameter belongs to. Without it, a parameter gets the worker under
 * test (the first one given to {@link WorkerTestExtension}).
 *
 * <pre>{@code
 * @Test
 * void authAlone(@Worker("auth") Service auth, @Worker("auth") Env authEnv) { ... }
 *
 * @Test
 * void stats(@Worker(value = "application", entrypoint = "Admin") Service admin) { ... }
 * }</pre>
 *
 * <p>Naming a worker that the extension did not load, or an entrypoint the worker lacks, fails
 * the test with the names there are.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Worker {

    /**
     * The worker's name, as in its config's {@code "name"}.
     *
     * @return the name
     */
    String value();

    /**
     * A named entrypoint of the worker (its {@code @Entrypoint} value or simple class name), for a
     * {@link io.jworkers.api.Service} parameter; empty (the default) for its default entrypoint.
     *
     * @return the entrypoint name, or {@code ""}
     */
    String entrypoint() default "";
}
