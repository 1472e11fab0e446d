package io.jworkers.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names an entrypoint class of a worker module. A binding selects a named entrypoint with its
 * {@code entrypoint} field; without this annotation the name is the class's simple name.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Entrypoint {

    /**
     * The entrypoint's name.
     *
     * @return the name; must be unique within the worker module
     */
    String value();
}
