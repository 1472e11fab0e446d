package io.jworkers.runtime.rpc;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.List;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.ClassFileVersion;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.implementation.bytecode.ByteCodeAppender;
import net.bytebuddy.implementation.bytecode.StackManipulation;
import net.bytebuddy.implementation.bytecode.constant.JavaConstantValue;
import net.bytebuddy.implementation.bytecode.member.HandleInvocation;
import net.bytebuddy.implementation.bytecode.member.MethodReturn;
import net.bytebuddy.implementation.bytecode.member.MethodVariableAccess;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.utility.JavaConstant;

/**
 * Generates the stub class of a contract interface with ByteBuddy: each method loads its
 * {@link MethodHandle} as a constant ({@code ldc} of {@code MethodHandles.classDataAt}) and
 * calls it with {@code invokeExact}. The class is defined as a hidden class in the contract's own
 * package and loader, with the handles as its class data, so its bytecode names only the
 * contract and JDK types: nothing of the host, nothing of the target worker.
 */
final class StubFactory {

    private static final Method CLASS_DATA_AT;

    static {
        try {
            CLASS_DATA_AT = MethodHandles.class.getMethod("classDataAt", MethodHandles.Lookup.class, String.class,
                    Class.class, int.class);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

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
        DynamicType.Builder<Object> builder = new ByteBuddy(ClassFileVersion.JAVA_V21)
                .with(TypeValidation.DISABLED)
                .subclass(Object.class)
                .implement(contract)
                .name(contract.getName() + "$$JWorkersRpc");
        for (int i = 0; i < methods.size(); i++) {
            builder = builder.method(ElementMatchers.is(methods.get(i))).intercept(new InvokeHandle(i, methods.get(i)));
        }
        byte[] bytes = builder.make().getBytes();
        try {
            MethodHandles.Lookup contractLookup = ContractLookups.fullPrivilegeIn(contract);
            MethodHandles.Lookup stub = contractLookup.defineHiddenClassWithClassData(bytes, List.copyOf(invokers), true);
            return stub.findConstructor(stub.lookupClass(), MethodType.methodType(void.class)).invoke();
        } catch (Throwable e) {
            throw new IllegalStateException("Cannot create an RPC stub for " + contract.getName() + ": " + e, e);
        }
    }

    /** The body of one stub method: {@code return ((MethodHandle) classData[index]).invokeExact(args...)}. */
    private record InvokeHandle(int index, Method method) implements Implementation {

        @Override
        public net.bytebuddy.dynamic.scaffold.InstrumentedType prepare(net.bytebuddy.dynamic.scaffold.InstrumentedType type) {
            return type;
        }

        @Override
        public ByteCodeAppender appender(Target target) {
            return (visitor, context, instrumented) -> {
                JavaConstant handle = JavaConstant.Dynamic.bootstrap("_", CLASS_DATA_AT, index).withType(MethodHandle.class);
                StackManipulation.Size size = new StackManipulation.Compound(
                        new JavaConstantValue(handle),
                        MethodVariableAccess.allArgumentsOf(instrumented),
                        new HandleInvocation(JavaConstant.MethodType.of(method.getReturnType(), method.getParameterTypes())),
                        MethodReturn.of(new MethodDescription.ForLoadedMethod(method).getReturnType()))
                        .apply(visitor, context);
                return new ByteCodeAppender.Size(size.getMaximalSize(), instrumented.getStackSize());
            };
        }
    }
}
