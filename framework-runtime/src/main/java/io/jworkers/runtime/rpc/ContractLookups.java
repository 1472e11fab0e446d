package io.jworkers.runtime.rpc;

import java.lang.invoke.MethodHandles;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.ClassFileVersion;
import net.bytebuddy.description.modifier.Ownership;
import net.bytebuddy.description.modifier.Visibility;
import net.bytebuddy.implementation.MethodCall;

/**
 * Full-privilege lookups in a contract's package, in the calling worker's loader, which is what
 * defining a hidden class there requires. The host's own {@code privateLookupIn} lacks module
 * access (the worker's classes are in another unnamed module), so a one-method helper class is
 * defined in the package and asked for its own {@code MethodHandles.lookup()}. One helper per
 * package and loader; it gives the worker's code nothing it could not do itself.
 */
final class ContractLookups {

    private static final String HELPER = "JWorkers$$Lookup";

    private ContractLookups() {
    }

    static MethodHandles.Lookup fullPrivilegeIn(Class<?> contract) throws ReflectiveOperationException {
        String name = contract.getPackageName().isEmpty() ? HELPER : contract.getPackageName() + "." + HELPER;
        Class<?> helper;
        try {
            helper = Class.forName(name, true, contract.getClassLoader());
        } catch (ClassNotFoundException absent) {
            helper = define(contract, name);
        }
        return (MethodHandles.Lookup) helper.getMethod("lookup").invoke(null);
    }

    private static synchronized Class<?> define(Class<?> contract, String name) throws ReflectiveOperationException {
        try {
            return Class.forName(name, true, contract.getClassLoader());
        } catch (ClassNotFoundException absent) {
            byte[] bytes = new ByteBuddy(ClassFileVersion.JAVA_V21)
                    .subclass(Object.class)
                    .name(name)
                    .defineMethod("lookup", MethodHandles.Lookup.class, Visibility.PUBLIC, Ownership.STATIC)
                    .intercept(MethodCall.invoke(MethodHandles.class.getMethod("lookup")))
                    .make()
                    .getBytes();
            return MethodHandles.privateLookupIn(contract, MethodHandles.lookup()).defineClass(bytes);
        }
    }
}
