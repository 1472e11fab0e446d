package io.jworkers.runtime.rpc;

import java.lang.invoke.MethodHandles;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

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
            return MethodHandles.privateLookupIn(contract, MethodHandles.lookup()).defineClass(helperClass(name));
        }
    }

    /** {@code public class <name> { public static Lookup lookup() { return MethodHandles.lookup(); } }}. */
    private static byte[] helperClass(String name) {
        String lookup = Type.getDescriptor(MethodHandles.Lookup.class);
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        writer.visit(Opcodes.V21, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, name.replace('.', '/'), null,
                "java/lang/Object", null);
        MethodVisitor method = writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "lookup", "()" + lookup, null,
                null);
        method.visitCode();
        method.visitMethodInsn(Opcodes.INVOKESTATIC, Type.getInternalName(MethodHandles.class), "lookup", "()" + lookup,
                false);
        method.visitInsn(Opcodes.ARETURN);
        method.visitMaxs(0, 0);
        method.visitEnd();
        writer.visitEnd();
        return writer.toByteArray();
    }
}
