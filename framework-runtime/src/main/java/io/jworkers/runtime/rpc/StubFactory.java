package io.jworkers.runtime.rpc;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.List;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.ConstantDynamic;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Generates the stub class of a contract interface: each method loads its {@link MethodHandle} as
 * a constant ({@code ldc} of {@code MethodHandles.classDataAt}) and calls it with
 * {@code invokeExact}. The class is defined as a hidden class in the contract's own package and
 * loader, with the handles as its class data, so its bytecode names only the contract and JDK
 * types: nothing of the host, nothing of the target worker.
 *
 * <p>The bytes are written with ByteBuddy's ASM rather than its {@code ByteBuddy} builder: the
 * methods are four straight-line instructions each, and the builder's type descriptions and
 * matchers are ~600 classes that a host would load (and keep in its start-up cache) for them
 * (docs/PERFORMANCE.md, §9 "A sixth run").
 */
final class StubFactory {

    private static final Handle CLASS_DATA_AT = new Handle(Opcodes.H_INVOKESTATIC, "java/lang/invoke/MethodHandles",
            "classDataAt", "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/Class;I)Ljava/lang/Object;",
            false);
    private static final String HANDLE = Type.getInternalName(MethodHandle.class);

    private StubFactory() {
    }

    /**
     * Defines a stub class and creates its instance.
     *
     * @param contract the interface the stub implements
     * @param methods the forwarded methods, in the order of {@code invokers}
     * @param invokers one handle per method, of exactly its type
     * @return the stub
     */
    static Object create(Class<?> contract, List<Method> methods, List<MethodHandle> invokers) {
        byte[] bytes = stubClass(contract, methods);
        try {
            MethodHandles.Lookup contractLookup = ContractLookups.fullPrivilegeIn(contract);
            MethodHandles.Lookup stub = contractLookup.defineHiddenClassWithClassData(bytes, List.copyOf(invokers), true);
            return stub.findConstructor(stub.lookupClass(), MethodType.methodType(void.class)).invoke();
        } catch (Throwable e) {
            throw new IllegalStateException("Cannot create an RPC stub for " + contract.getName() + ": " + e, e);
        }
    }

    private static byte[] stubClass(Class<?> contract, List<Method> methods) {
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        writer.visit(Opcodes.V21, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | Opcodes.ACC_SUPER,
                Type.getInternalName(contract) + "$$JWorkersRpc", null, "java/lang/Object",
                new String[] {Type.getInternalName(contract)});
        MethodVisitor init = writer.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
        for (int i = 0; i < methods.size(); i++) {
            forward(writer, methods.get(i), i);
        }
        writer.visitEnd();
        return writer.toByteArray();
    }

    /** {@code return ((MethodHandle) classData[index]).invokeExact(args...)}. */
    private static void forward(ClassWriter writer, Method method, int index) {
        String descriptor = Type.getMethodDescriptor(method);
        MethodVisitor body = writer.visitMethod(Opcodes.ACC_PUBLIC, method.getName(), descriptor, null, null);
        body.visitCode();
        body.visitLdcInsn(new ConstantDynamic("_", Type.getDescriptor(MethodHandle.class), CLASS_DATA_AT, index));
        int slot = 1;
        for (Type parameter : Type.getArgumentTypes(descriptor)) {
            body.visitVarInsn(parameter.getOpcode(Opcodes.ILOAD), slot);
            slot += parameter.getSize();
        }
        body.visitMethodInsn(Opcodes.INVOKEVIRTUAL, HANDLE, "invokeExact", descriptor, false);
        body.visitInsn(Type.getReturnType(descriptor).getOpcode(Opcodes.IRETURN));
        body.visitMaxs(0, 0);
        body.visitEnd();
    }
}
