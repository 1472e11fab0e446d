package io.jworkers.runtime.contracts;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.jar.asm.ConstantDynamic;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Reads one method's bytecode for RPC calls, by following what each instruction does to the
 * operand stack with just enough knowledge of the values: string and class constants,
 * {@code int} constants, the {@code Service} a constant binding name was looked up into (also
 * through a local variable), and {@code Object[]} arrays of known length. Recognised:
 * <ul>
 *   <li>{@code Env.service(String, Class)} with an {@code ldc "B"} and an {@code ldc Api} as its
 *       arguments: binding B uses contract Api;</li>
 *   <li>{@code Env.service(String)} with an {@code ldc "B"} gives a service of B, on the stack or
 *       stored in a local; {@code Service.rpc(Class)} on it with an {@code ldc Api}: B uses Api;</li>
 *   <li>{@code Service.call(String, Object[])} on it with an {@code ldc "m"} and an array made by
 *       {@code iconst/bipush/sipush N; anewarray}: B calls m with N arguments.</li>
 * </ul>
 * javac compiles a constant binding name (a literal, a {@code static final String}, a
 * {@code final} local) to an {@code ldc}, so these are the calls the annotation processor
 * records too. A service kept in a field, captured by a lambda (a parameter of the lambda's
 * method) or returned by another method is not followed, nor is a string in a non-final local.
 *
 * <p>At a branch target the stack map frame resets the stack (to unknown values) and drops the
 * locals whose type there is not {@code Service}, so a value is never carried along a path it
 * did not come from.
 */
final class RpcCallInterpreter extends MethodVisitor {

    private static final String ENV = "io/jworkers/api/Env";
    private static final String SERVICE = "io/jworkers/api/Service";
    private static final String TYPED_LOOKUP = "(Ljava/lang/String;Ljava/lang/Class;)Ljava/lang/Object;";
    private static final String LOOKUP = "(Ljava/lang/String;)Lio/jworkers/api/Service;";
    private static final String RPC = "(Ljava/lang/Class;)Ljava/lang/Object;";
    private static final String CALL = "(Ljava/lang/String;[Ljava/lang/Object;)Ljava/lang/Object;";

    /** What is known of a stack or local value; {@code size} 2 for long and double, as the JVM counts. */
    private record Value(Kind kind, Object constant, int size) {
        static final Value ONE = new Value(Kind.UNKNOWN, null, 1);
        static final Value TWO = new Value(Kind.UNKNOWN, null, 2);

        static Value of(int size) {
            return size == 2 ? TWO : ONE;
        }
    }

    private enum Kind { UNKNOWN, STRING, CLASS, INT, SERVICE, ARRAY }

    private final RecordedUses uses;
    private final List<Value> stack = new ArrayList<>();
    private final Map<Integer, Value> services = new HashMap<>();

    RpcCallInterpreter(RecordedUses uses) {
        super(Opcodes.ASM9);
        this.uses = uses;
    }

    @Override
    public void visitFrame(int type, int numLocal, Object[] local, int numStack, Object[] frameStack) {
        stack.clear();
        for (int i = 0; i < numStack; i++) {
            push(Value.of(frameStack[i] == Opcodes.LONG || frameStack[i] == Opcodes.DOUBLE ? 2 : 1));
        }
        Map<Integer, Value> kept = new HashMap<>();
        int slot = 0;
        for (int i = 0; i < numLocal; i++) {
            if (SERVICE.equals(local[i]) && services.containsKey(slot)) {
                kept.put(slot, services.get(slot));
            }
            slot += local[i] == Opcodes.LONG || local[i] == Opcodes.DOUBLE ? 2 : 1;
        }
        services.clear();
        services.putAll(kept);
    }

    @Override
    public void visitInsn(int opcode) {
        if (opcode >= Opcodes.ICONST_M1 && opcode <= Opcodes.ICONST_5) {
            push(new Value(Kind.INT, opcode - Opcodes.ICONST_0, 1));
        } else if (opcode >= Opcodes.IADD && opcode <= Opcodes.DREM) {
            pop(2);
            push(Value.of(wide((opcode - Opcodes.IADD) % 4)));
        } else if (opcode >= Opcodes.INEG && opcode <= Opcodes.DNEG) {
            pop(1);
            push(Value.of(wide(opcode - Opcodes.INEG)));
        } else if (opcode >= Opcodes.ISHL && opcode <= Opcodes.LXOR) {
            pop(2);
            push(Value.of((opcode - Opcodes.ISHL) % 2 == 0 ? 1 : 2));
        } else if (opcode >= Opcodes.I2L && opcode <= Opcodes.I2S) {
            pop(1);
            push(Value.of(switch (opcode) {
                case Opcodes.I2L, Opcodes.I2D, Opcodes.L2D, Opcodes.F2L, Opcodes.F2D, Opcodes.D2L -> 2;
                default -> 1;
            }));
        } else if (opcode >= Opcodes.IALOAD && opcode <= Opcodes.SALOAD) {
            pop(2);
            push(Value.of(opcode == Opcodes.LALOAD || opcode == Opcodes.DALOAD ? 2 : 1));
        } else if (opcode >= Opcodes.IASTORE && opcode <= Opcodes.SASTORE) {
            pop(3);
        } else if (opcode >= Opcodes.LCMP && opcode <= Opcodes.DCMPG) {
            pop(2);
            push(Value.ONE);
        } else if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
            stack.clear();
        } else {
            other(opcode);
        }
    }

    private void other(int opcode) {
        switch (opcode) {
            case Opcodes.ACONST_NULL, Opcodes.FCONST_0, Opcodes.FCONST_1, Opcodes.FCONST_2 -> push(Value.ONE);
            case Opcodes.LCONST_0, Opcodes.LCONST_1, Opcodes.DCONST_0, Opcodes.DCONST_1 -> push(Value.TWO);
            case Opcodes.POP, Opcodes.ATHROW, Opcodes.MONITORENTER, Opcodes.MONITOREXIT -> pop(1);
            case Opcodes.POP2 -> {
                if (pop().size() == 1) {
                    pop(1);
                }
            }
            case Opcodes.ARRAYLENGTH -> {
                pop(1);
                push(Value.ONE);
            }
            case Opcodes.SWAP -> {
                Value first = pop();
                Value second = pop();
                push(first);
                push(second);
            }
            case Opcodes.DUP -> push(peek());
            case Opcodes.DUP_X1 -> {
                Value first = pop();
                Value second = pop();
                pushAll(first, second, first);
            }
            case Opcodes.DUP_X2 -> {
                Value first = pop();
                Value second = pop();
                if (second.size() == 2) {
                    pushAll(first, second, first);
                } else {
                    Value third = pop();
                    pushAll(first, third, second, first);
                }
            }
            case Opcodes.DUP2 -> {
                Value first = pop();
                if (first.size() == 2) {
                    pushAll(first, first);
                } else {
                    Value second = pop();
                    pushAll(second, first, second, first);
                }
            }
            case Opcodes.DUP2_X1 -> {
                Value first = pop();
                Value second = pop();
                if (first.size() == 2) {
                    pushAll(first, second, first);
                } else {
                    Value third = pop();
                    pushAll(second, first, third, second, first);
                }
            }
            case Opcodes.DUP2_X2 -> dup2x2();
            default -> {
                // NOP, and opcodes javac does not emit
            }
        }
    }

    private void dup2x2() {
        Value first = pop();
        Value second = pop();
        if (first.size() == 2) {
            if (second.size() == 2) {
                pushAll(first, second, first);
            } else {
                Value third = pop();
                pushAll(first, third, second, first);
            }
        } else {
            Value third = pop();
            if (third.size() == 2) {
                pushAll(second, first, third, second, first);
            } else {
                Value fourth = pop();
                pushAll(second, first, fourth, third, second, first);
            }
        }
    }

    @Override
    public void visitIntInsn(int opcode, int operand) {
        if (opcode == Opcodes.NEWARRAY) {
            pop(1);
            push(Value.ONE);
        } else {
            push(new Value(Kind.INT, operand, 1));
        }
    }

    @Override
    public void visitVarInsn(int opcode, int slot) {
        switch (opcode) {
            case Opcodes.ILOAD, Opcodes.FLOAD -> push(Value.ONE);
            case Opcodes.LLOAD, Opcodes.DLOAD -> push(Value.TWO);
            case Opcodes.ALOAD -> push(services.getOrDefault(slot, Value.ONE));
            case Opcodes.ISTORE, Opcodes.FSTORE, Opcodes.LSTORE, Opcodes.DSTORE, Opcodes.ASTORE -> {
                Value value = pop();
                if (value.kind() == Kind.SERVICE) {
                    services.put(slot, value);
                } else {
                    services.remove(slot);
                }
            }
            default -> {
                // RET
            }
        }
    }

    @Override
    public void visitIincInsn(int slot, int increment) {
        services.remove(slot);
    }

    @Override
    public void visitTypeInsn(int opcode, String type) {
        switch (opcode) {
            case Opcodes.NEW -> push(Value.ONE);
            case Opcodes.ANEWARRAY -> {
                Value length = pop();
                push(length.kind() == Kind.INT ? new Value(Kind.ARRAY, length.constant(), 1) : Value.ONE);
            }
            case Opcodes.INSTANCEOF -> {
                pop(1);
                push(Value.ONE);
            }
            default -> {
                // CHECKCAST leaves the value as it is
            }
        }
    }

    @Override
    public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
        int size = Type.getType(descriptor).getSize();
        switch (opcode) {
            case Opcodes.GETSTATIC -> push(Value.of(size));
            case Opcodes.PUTSTATIC -> pop(1);
            case Opcodes.GETFIELD -> {
                pop(1);
                push(Value.of(size));
            }
            default -> pop(2);
        }
    }

    @Override
    public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
        Type[] arguments = Type.getArgumentTypes(descriptor);
        List<Value> values = new ArrayList<>(pop(arguments.length));
        Value receiver = opcode == Opcodes.INVOKESTATIC ? Value.ONE : pop();
        Value result = recognise(owner, name, descriptor, receiver, values);
        int size = Type.getReturnType(descriptor).getSize();
        if (size > 0) {
            push(result != null ? result : Value.of(size));
        }
    }

    /** Records a use when the call is one of the patterns; a service value when it looks one up. */
    private Value recognise(String owner, String name, String descriptor, Value receiver, List<Value> arguments) {
        if (owner.equals(ENV) && name.equals("service") && (descriptor.equals(LOOKUP) || descriptor.equals(TYPED_LOOKUP))) {
            Value binding = arguments.get(0);
            if (binding.kind() != Kind.STRING) {
                return null;
            }
            if (descriptor.equals(LOOKUP)) {
                return new Value(Kind.SERVICE, binding.constant(), 1);
            }
            if (arguments.get(1).kind() == Kind.CLASS) {
                uses.contract((String) binding.constant(), (String) arguments.get(1).constant());
            }
        } else if (owner.equals(SERVICE) && receiver.kind() == Kind.SERVICE) {
            String binding = (String) receiver.constant();
            if (name.equals("rpc") && descriptor.equals(RPC) && arguments.get(0).kind() == Kind.CLASS) {
                uses.contract(binding, (String) arguments.get(0).constant());
            } else if (name.equals("call") && descriptor.equals(CALL) && arguments.get(0).kind() == Kind.STRING
                    && arguments.get(1).kind() == Kind.ARRAY) {
                uses.call(binding, (String) arguments.get(0).constant(), (Integer) arguments.get(1).constant());
            }
        }
        return null;
    }

    @Override
    public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... bootstrapArguments) {
        pop(Type.getArgumentTypes(descriptor).length);
        int size = Type.getReturnType(descriptor).getSize();
        if (size > 0) {
            push(Value.of(size));
        }
    }

    @Override
    public void visitJumpInsn(int opcode, Label label) {
        if (opcode >= Opcodes.IFEQ && opcode <= Opcodes.IFLE || opcode == Opcodes.IFNULL || opcode == Opcodes.IFNONNULL) {
            pop(1);
        } else if (opcode >= Opcodes.IF_ICMPEQ && opcode <= Opcodes.IF_ACMPNE) {
            pop(2);
        } else if (opcode == Opcodes.JSR) {
            push(Value.ONE);
        }
    }

    @Override
    public void visitLdcInsn(Object value) {
        if (value instanceof String text) {
            push(new Value(Kind.STRING, text, 1));
        } else if (value instanceof Type type && type.getSort() == Type.OBJECT) {
            push(new Value(Kind.CLASS, type.getClassName(), 1));
        } else if (value instanceof Integer number) {
            push(new Value(Kind.INT, number, 1));
        } else if (value instanceof Long || value instanceof Double) {
            push(Value.TWO);
        } else if (value instanceof ConstantDynamic constant) {
            push(Value.of(Type.getType(constant.getDescriptor()).getSize()));
        } else {
            push(Value.ONE);
        }
    }

    @Override
    public void visitTableSwitchInsn(int min, int max, Label fallback, Label... labels) {
        pop(1);
    }

    @Override
    public void visitLookupSwitchInsn(Label fallback, int[] keys, Label[] labels) {
        pop(1);
    }

    @Override
    public void visitMultiANewArrayInsn(String descriptor, int dimensions) {
        pop(dimensions);
        push(Value.ONE);
    }

    // I, L, F, D in the order the JVM's typed opcodes come in.
    private static int wide(int typeIndex) {
        return typeIndex == 1 || typeIndex == 3 ? 2 : 1;
    }

    private void push(Value value) {
        stack.add(value);
    }

    private void pushAll(Value... values) {
        stack.addAll(List.of(values));
    }

    private Value peek() {
        return stack.isEmpty() ? Value.ONE : stack.get(stack.size() - 1);
    }

    // Lenient on underflow: code that this reading follows imprecisely (no frames in very old
    // class files, say) must cost a missed use at worst, never an exception.
    private Value pop() {
        return stack.isEmpty() ? Value.ONE : stack.remove(stack.size() - 1);
    }

    /** The top {@code count} values, deepest first. */
    private List<Value> pop(int count) {
        Value[] values = new Value[count];
        for (int i = count - 1; i >= 0; i--) {
            values[i] = pop();
        }
        return List.of(values);
    }
}
