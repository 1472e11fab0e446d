package io.jworkers.processor;

import com.sun.source.tree.ArrayTypeTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewArrayTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import io.jworkers.bridge.EntrypointRules;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.ExecutableType;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;
import javax.tools.Diagnostic;

/**
 * Finds the RPC calls in a worker's sources, for the manifest's {@code "uses"}:
 * <ul>
 *   <li>{@code X.service("B", Api.class)}: binding {@code B} uses every method of {@code Api};</li>
 *   <li>{@code X.service("B").rpc(Api.class)}: the same;</li>
 *   <li>{@code X.service("B").call("m", a, b)}: binding {@code B} calls {@code m} with two arguments.</li>
 * </ul>
 * The {@code service("B")} of the last two may also be a local variable initialised (or
 * assigned) with it in the same method. {@code "B"} and {@code "m"} must be compile-time
 * constants; where one is not (or the contract is not a class literal) nothing is recorded and a
 * note says that the deploy check cannot see the call. Receivers are matched by method name,
 * since the code is not attributed yet when processors run (see {@link SourceNames}).
 *
 * <p>Deliberately the same reach as the host's reading of class files (which must agree with this
 * for workers built without the processor): a {@code Service} held in a field, captured by a
 * lambda or a local class, or passed to another method is not followed.
 */
final class RpcUseScanner extends TreePathScanner<Void, Void> {

    static final String BLIND_NOTE = "The deploy-time contract check cannot see this RPC call: ";

    private final Trees trees;
    private final Elements elements;
    private final Types types;
    private final TypeNames names;
    private final SourceNames sources;
    private final RpcUses uses;
    private final Deque<Scope> scopes = new ArrayDeque<>();

    /**
     * The locals of one method body (or lambda, or class body): which hold a service, which are
     * arrays, which are constants. Constants reach into nested bodies, as javac inlines them
     * there; the rest does not, as a captured local reaches a lambda's method as a parameter.
     */
    private static final class Scope {
        final Set<String> locals = new HashSet<>();
        final Map<String, String> services = new HashMap<>();
        final Set<String> arrays = new HashSet<>();
        final Map<String, Object> constants;

        Scope(Map<String, Object> outerConstants) {
            constants = new HashMap<>(outerConstants);
        }
    }

    RpcUseScanner(Trees trees, Elements elements, Types types, TypeNames names, RpcUses uses) {
        this.trees = trees;
        this.elements = elements;
        this.types = types;
        this.names = names;
        this.sources = new SourceNames(trees, elements);
        this.uses = uses;
        scopes.push(new Scope(Map.of()));
    }

    @Override
    public Void visitClass(ClassTree tree, Void unused) {
        return inScope(() -> super.visitClass(tree, unused));
    }

    @Override
    public Void visitMethod(MethodTree tree, Void unused) {
        return inScope(() -> super.visitMethod(tree, unused));
    }

    @Override
    public Void visitLambdaExpression(LambdaExpressionTree tree, Void unused) {
        // A lambda's body becomes a method of its own whose captured locals are parameters.
        return inScope(() -> super.visitLambdaExpression(tree, unused));
    }

    @Override
    public Void visitVariable(VariableTree tree, Void unused) {
        Scope scope = scopes.peek();
        String name = tree.getName().toString();
        scope.locals.add(name);
        scope.services.remove(name);
        scope.constants.remove(name);
        scope.arrays.remove(name);
        if (tree.getType() instanceof ArrayTypeTree) {
            scope.arrays.add(name);
        }
        ExpressionTree initializer = tree.getInitializer();
        if (initializer != null) {
            TreePath path = new TreePath(getCurrentPath(), initializer);
            serviceBinding(initializer, path).ifPresent(binding -> scope.services.put(name, binding));
            if (tree.getModifiers().getFlags().contains(Modifier.FINAL)) {
                sources.constant(initializer, path, scope.constants).ifPresent(value -> scope.constants.put(name, value));
            }
        }
        return super.visitVariable(tree, unused);
    }

    @Override
    public Void visitAssignment(AssignmentTree tree, Void unused) {
        Scope scope = scopes.peek();
        // A field keeps no service here: it may be reassigned anywhere, and class files show a
        // field's value no better.
        if (tree.getVariable() instanceof IdentifierTree variable && scope.locals.contains(variable.getName().toString())) {
            String name = variable.getName().toString();
            scope.services.remove(name);
            serviceBinding(tree.getExpression(), new TreePath(getCurrentPath(), tree.getExpression()))
                    .ifPresent(binding -> scope.services.put(name, binding));
        }
        return super.visitAssignment(tree, unused);
    }

    @Override
    public Void visitMethodInvocation(MethodInvocationTree tree, Void unused) {
        if (tree.getMethodSelect() instanceof MemberSelectTree select) {
            String method = select.getIdentifier().toString();
            List<? extends ExpressionTree> arguments = tree.getArguments();
            if (method.equals("service") && arguments.size() == 2 && classLiteral(arguments.get(1)).isPresent()) {
                typedService(tree, arguments);
            } else if (method.equals("rpc") && arguments.size() == 1 || method.equals("call") && !arguments.isEmpty()) {
                onService(tree, select.getExpression(), method, arguments);
            }
        }
        return super.visitMethodInvocation(tree, unused);
    }

    private void typedService(MethodInvocationTree tree, List<? extends ExpressionTree> arguments) {
        TreePath path = getCurrentPath();
        Optional<String> binding = sources.constant(arguments.get(0), path, scopes.peek().constants);
        if (binding.isEmpty()) {
            note(tree, "the binding name is not a compile-time constant. Name the binding with a string literal "
                    + "or a static final String to have the call checked.");
            return;
        }
        contract(tree, binding.get(), classLiteral(arguments.get(1)).get());
    }

    /** {@code .rpc(Api.class)} or {@code .call("m", ...)} on {@code service("B")} or on a local holding it. */
    private void onService(MethodInvocationTree tree, ExpressionTree receiver, String method,
            List<? extends ExpressionTree> arguments) {
        TreePath path = getCurrentPath();
        Optional<String> binding;
        ExpressionTree target = unparenthesized(receiver);
        if (target instanceof IdentifierTree identifier && scopes.peek().services.containsKey(identifier.getName().toString())) {
            binding = Optional.of(scopes.peek().services.get(identifier.getName().toString()));
        } else if (isServiceLookup(target)) {
            binding = serviceBinding(target, new TreePath(path, target));
            if (binding.isEmpty()) {
                note(tree, "the binding name is not a compile-time constant. Name the binding with a string literal "
                        + "or a static final String to have the call checked.");
                return;
            }
        } else {
            return;
        }
        if (method.equals("rpc")) {
            Optional<ExpressionTree> contract = classLiteral(arguments.get(0));
            if (contract.isEmpty()) {
                note(tree, "the contract is not a class literal. Pass Api.class itself to have the call checked.");
            } else {
                contract(tree, binding.get(), contract.get());
            }
            return;
        }
        Optional<String> name = sources.constant(arguments.get(0), path, scopes.peek().constants);
        if (name.isEmpty()) {
            note(tree, "the method name is not a compile-time constant. Name the method with a string literal "
                    + "or a static final String to have the call checked.");
            return;
        }
        arity(arguments).ifPresentOrElse(count -> uses.call(binding.get(), name.get(), count),
                () -> note(tree, "its arguments are passed as an array whose length is not known here."));
    }

    /** How many arguments a {@code call(name, args...)} passes, when the source shows it. */
    private Optional<Integer> arity(List<? extends ExpressionTree> arguments) {
        if (arguments.size() != 2) {
            return Optional.of(arguments.size() - 1);
        }
        ExpressionTree only = unparenthesized(arguments.get(1));
        if (only instanceof NewArrayTree array) {
            return array.getInitializers() == null ? Optional.empty() : Optional.of(array.getInitializers().size());
        }
        if (only instanceof IdentifierTree identifier && scopes.peek().arrays.contains(identifier.getName().toString())) {
            return Optional.empty();
        }
        return Optional.of(1);
    }

    private void contract(MethodInvocationTree tree, String binding, ExpressionTree typeName) {
        Optional<TypeElement> contract = sources.type(typeName, getCurrentPath());
        if (contract.isEmpty()) {
            note(tree, "the contract " + typeName + " is not a class or interface visible here.");
            return;
        }
        TypeElement type = contract.get();
        if (type.getKind() != ElementKind.INTERFACE) {
            return; // refused at the first call already: a contract is an interface
        }
        uses.contract(binding, names.binaryName(type), contractMethods(type));
    }

    /** The methods a stub of the contract forwards: its abstract methods, inherited ones included, but not Object's. */
    private List<WorkerManifest.Method> contractMethods(TypeElement contract) {
        Map<String, WorkerManifest.Method> methods = new java.util.TreeMap<>();
        for (ExecutableElement method : ElementFilter.methodsIn(elements.getAllMembers(contract))) {
            Set<Modifier> modifiers = method.getModifiers();
            if (!modifiers.contains(Modifier.ABSTRACT) || modifiers.contains(Modifier.STATIC)
                    || EntrypointRules.overridesObjectMethod(method.getSimpleName().toString(), method.getParameters().stream()
                            .map(parameter -> types.erasure(parameter.asType()).toString()).toList())) {
                continue;
            }
            ExecutableType seen = (ExecutableType) types.asMemberOf((DeclaredType) contract.asType(), method);
            List<String> parameters = seen.getParameterTypes().stream().map(names::of).toList();
            WorkerManifest.Method entry = new WorkerManifest.Method(method.getSimpleName().toString(), parameters,
                    names.of(seen.getReturnType()));
            methods.putIfAbsent(entry.name() + parameters, entry);
        }
        return List.copyOf(methods.values());
    }

    /** The binding of a {@code service("B")} lookup with a constant name. */
    private Optional<String> serviceBinding(ExpressionTree expression, TreePath path) {
        ExpressionTree target = unparenthesized(expression);
        if (!isServiceLookup(target)) {
            return Optional.empty();
        }
        return sources.constant(((MethodInvocationTree) target).getArguments().get(0), path, scopes.peek().constants);
    }

    private static boolean isServiceLookup(ExpressionTree expression) {
        return expression instanceof MethodInvocationTree invocation
                && invocation.getMethodSelect() instanceof MemberSelectTree select
                && select.getIdentifier().contentEquals("service")
                && invocation.getArguments().size() == 1;
    }

    /** The type name of {@code Name.class}. */
    private static Optional<ExpressionTree> classLiteral(ExpressionTree expression) {
        return unparenthesized(expression) instanceof MemberSelectTree select && select.getIdentifier().contentEquals("class")
                ? Optional.of(select.getExpression()) : Optional.empty();
    }

    private static ExpressionTree unparenthesized(ExpressionTree expression) {
        ExpressionTree current = expression;
        while (current instanceof ParenthesizedTree parenthesized) {
            current = parenthesized.getExpression();
        }
        return current;
    }

    private void note(Tree tree, String why) {
        trees.printMessage(Diagnostic.Kind.NOTE, BLIND_NOTE + why, tree, getCurrentPath().getCompilationUnit());
    }

    private Void inScope(java.util.function.Supplier<Void> body) {
        scopes.push(new Scope(scopes.peek().constants));
        try {
            return body.get();
        } finally {
            scopes.pop();
        }
    }
}
