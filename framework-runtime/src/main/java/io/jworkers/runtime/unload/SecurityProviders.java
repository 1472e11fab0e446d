package io.jworkers.runtime.unload;

import java.security.Provider;
import java.security.Security;
import java.util.ArrayList;
import java.util.List;

/**
 * Security providers a worker added with {@code Security.addProvider} (Bouncy Castle, say): the
 * list is JVM-wide, and every later {@code MessageDigest.getInstance} of any worker would walk it.
 */
final class SecurityProviders implements Leftover {

    @Override
    public String description() {
        return "security providers";
    }

    @Override
    public List<String> removeFrom(ClassLoader loader) {
        List<String> removed = new ArrayList<>();
        for (Provider provider : Security.getProviders()) {
            if (Leftover.definedBy(provider.getClass(), loader)) {
                Security.removeProvider(provider.getName());
                removed.add("the security provider \"" + provider.getName() + "\" (" + provider.getClass().getName() + ")");
            }
        }
        return removed;
    }
}
