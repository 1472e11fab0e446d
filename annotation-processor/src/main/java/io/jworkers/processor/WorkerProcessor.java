package io.jworkers.processor;

import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import io.jworkers.bridge.EntrypointRules;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Messager;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.annotation.processing.SupportedAnnotationTypes;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.ExecutableType;
import javax.lang.model.type.IntersectionType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.TypeVariable;
import javax.lang.model.type.WildcardType;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;
import javax.tools.Diagnostic.Kind;
import javax.tools.FileObject;
import javax.tools.StandardLocation;

/**
 * Checks worker entrypoints at compile time and writes the worker manifest.
 *
 * <p>Every class compiled that extends {@code io.jworkers.api.WorkerEntrypoint} (directly or
 * through abstract base classes) is checked against the rules the host applies when it loads a
 * worker ({@link EntrypointRules}, same messages), so that a worker that would fail to load fails
 * to compile instead, with the error on the offending line: the entrypoint must be a public
 * top-level or {@code public static} nested class with a public no-argument constructor; its RPC
 * methods (public instance methods other than {@code fetch}, {@code start}, {@code stop},
 * {@code env} and {@code ctx}, inherited ones included) must have distinct names and take and
 * return only values that can cross a worker boundary; a public {@code fetch} must be
 * {@code Response fetch(Request, Env)}; entrypoint names must be unique. An abstract class
 * without {@code @Entrypoint} is a base class and is only checked through its concrete
 * subclasses.
 *
 * <p>When everything passes, the processor writes {@value EntrypointRules#MANIFEST} to the class
 * output, listing each concrete entrypoint with its name and RPC methods, so the host need not
 * scan the worker's classes, and (under {@code "uses"}) the RPC contract methods the worker's code
 * calls on each binding ({@link RpcUseScanner}), which the host checks against the deployed target
 * at deploy time. It claims no annotations, so other processors still see them.
 *
 * <p>Use it as an annotation processor of a worker module, e.g. with Maven:
 *
 * <pre>{@code
 * <annotationProcessorPaths>
 *   <path><groupId>io.jworkers</groupId><artifactId>annotation-processor</artifactId></path>
 *   <path><groupId>io.jworkers</groupId><artifactId>framework-api</artifactId></path>
 * </annotationProcessorPaths>
 * }</pre>
 */
@SupportedAnnotationTypes("*")
public final class WorkerProcessor extends AbstractProcessor {

    private static final String WORKER_ENTRYPOINT = "io.jworkers.api.WorkerEntrypoint";
    private static final String ENTRYPOINT = "io.jworkers.api.Entrypoint";
    private static final String REQUEST = "io.jworkers.api.Request";
    private static final String ENV = "io.jworkers.api.Env";
    private static final String RESPONSE = "io.jworkers.api.Response";

    // Records can nest records without end only through cycles (guarded separately); this only
    // keeps a pathological type from costing the build noticeable time.
    private static final int MAX_TYPE_DEPTH = 32;

    private final List<WorkerManifest.Entry> entries = new ArrayList<>();
    private final Map<String, String> classByEntrypointName = new HashMap<>();
    private boolean errorFound;
    private boolean manifestWritten;

    private Elements elements;
    private Types types;
    private Messager messager;
    private TypeNames names;
    // Null when the compiler is not javac (the Trees API is javac's): the manifest then has no
    // "uses" and the host reads the RPC uses from the class files instead.
    private Trees trees;
    private final RpcUses rpcUses = new RpcUses();

    /** Created by the compiler through {@link java.util.ServiceLoader}. */
    public WorkerProcessor() {
    }

    @Override
    public synchronized void init(ProcessingEnvironment processingEnv) {
        super.init(processingEnv);
        elements = processingEnv.getElementUtils();
        types = processingEnv.getTypeUtils();
        messager = processingEnv.getMessager();
        names = new TypeNames(elements);
        try {
            trees = Trees.instance(processingEnv);
        } catch (IllegalArgumentException | LinkageError e) {
            trees = null;
        }
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        List<TypeElement> workers = new ArrayList<>();
        for (Element root : round.getRootElements()) {
            collectWorkers(root, workers);
            scanRpcUses(root);
        }
        // Sorted so that which of two same-named entrypoints gets the error does not depend on
        // the order the build tool lists the sources in.
        workers.sort(Comparator.comparing(names::binaryName));
        for (TypeElement worker : workers) {
            boolean isAbstract = worker.getModifiers().contains(Modifier.ABSTRACT);
            Optional<AnnotationMirror> annotation = entrypointAnnotation(worker);
            if (isAbstract && annotation.isPresent()) {
                error(EntrypointRules.abstractEntrypoint(names.binaryName(worker)), worker);
            } else if (!isAbstract) {
                checkEntrypoint(worker, annotation);
            }
        }
        if (round.processingOver()) {
            writeManifest(round);
        }
        return false;
    }

    /** Records the RPC calls of a top-level class's source (its nested classes included) for the manifest. */
    private void scanRpcUses(Element root) {
        if (trees == null || !(root instanceof TypeElement)) {
            return;
        }
        TreePath path = trees.getPath(root);
        if (path != null) {
            new RpcUseScanner(trees, elements, types, names, rpcUses).scan(path, null);
        }
    }

    private void collectWorkers(Element element, List<TypeElement> workers) {
        if (!(element instanceof TypeElement type)) {
            return;
        }
        if (type.getKind() == ElementKind.CLASS && extendsWorkerEntrypoint(type)) {
            workers.add(type);
        }
        for (Element enclosed : type.getEnclosedElements()) {
            collectWorkers(enclosed, workers);
        }
    }

    private void checkEntrypoint(TypeElement worker, Optional<AnnotationMirror> annotation) {
        String className = names.binaryName(worker);
        Set<Modifier> modifiers = worker.getModifiers();
        boolean isPublic = modifiers.contains(Modifier.PUBLIC);
        if (!isPublic || worker.getNestingKind() == NestingKind.MEMBER && !modifiers.contains(Modifier.STATIC)) {
            error(EntrypointRules.notPublic(className), worker);
        }
        checkConstructor(worker, className, isPublic);

        List<ExecutableElement> publicMethods = publicInstanceMethods(worker);
        for (ExecutableElement method : publicMethods) {
            if (method.getSimpleName().contentEquals("fetch") && !isHttpFetch(method)) {
                String parameters = String.join(", ", typeNames(asMemberOf(worker, method).getParameterTypes()));
                error(EntrypointRules.fetchSignature(className, "fetch(" + parameters + ")"), where(method, worker));
            }
        }

        List<ExecutableElement> rpcMethods = publicMethods.stream()
                .filter(method -> !EntrypointRules.LIFECYCLE_METHODS.contains(method.getSimpleName().toString()))
                .filter(method -> !EntrypointRules.overridesObjectMethod(method.getSimpleName().toString(),
                        method.getParameters().stream()
                                .map(parameter -> processingEnv.getTypeUtils().erasure(parameter.asType()).toString())
                                .toList()))
                .toList();
        Map<String, Integer> counts = new TreeMap<>();
        rpcMethods.forEach(method -> counts.merge(method.getSimpleName().toString(), 1, Integer::sum));
        counts.forEach((name, count) -> {
            if (count > 1) {
                error(EntrypointRules.duplicateMethodName(className, name, count), worker);
            }
        });

        List<WorkerManifest.Method> manifestMethods = new ArrayList<>();
        for (ExecutableElement method : rpcMethods) {
            manifestMethods.add(checkRpcMethod(worker, className, method));
        }

        String name = annotation.flatMap(WorkerProcessor::entrypointName).orElse(worker.getSimpleName().toString());
        String first = classByEntrypointName.putIfAbsent(name, className);
        if (first != null && !first.equals(className)) {
            error(EntrypointRules.duplicateEntrypointName(name, first, className), worker);
        }
        entries.add(new WorkerManifest.Entry(className, name, manifestMethods));
    }

    private void checkConstructor(TypeElement worker, String className, boolean isPublic) {
        ExecutableElement noArg = ElementFilter.constructorsIn(worker.getEnclosedElements()).stream()
                .filter(constructor -> constructor.getParameters().isEmpty())
                .findFirst().orElse(null);
        if (noArg != null && noArg.getModifiers().contains(Modifier.PUBLIC)) {
            return;
        }
        boolean implicit = noArg != null && elements.getOrigin(noArg) == Elements.Origin.MANDATED;
        if (implicit && !isPublic) {
            // The default constructor takes the class's access: making the class public, as the
            // notPublic error already asks, fixes this too, so a second error would only be noise.
            return;
        }
        error(EntrypointRules.noPublicNoArgConstructor(className), noArg != null && !implicit ? noArg : worker);
    }

    private WorkerManifest.Method checkRpcMethod(TypeElement worker, String className, ExecutableElement method) {
        String methodName = method.getSimpleName().toString();
        // Seen from the entrypoint, so that Base<T>'s T is the type argument the subclass chose.
        ExecutableType type = asMemberOf(worker, method);
        List<? extends TypeMirror> parameters = type.getParameterTypes();
        for (int i = 0; i < parameters.size(); i++) {
            TypeMirror parameter = parameters.get(i);
            Optional<String> reason = nonCrossable(parameter, 0, new HashSet<>());
            if (reason.isPresent()) {
                Element at = method.getEnclosingElement().equals(worker) ? method.getParameters().get(i) : worker;
                error(EntrypointRules.cannotCross(className, methodName, "parameter " + (i + 1), names.of(parameter), reason.get()), at);
            }
        }
        TypeMirror returns = type.getReturnType();
        nonCrossable(returns, 0, new HashSet<>()).ifPresent(reason -> error(
                EntrypointRules.cannotCross(className, methodName, "the return value", names.of(returns), reason),
                where(method, worker)));
        return new WorkerManifest.Method(methodName, typeNames(parameters), names.of(returns));
    }

    /**
     * The public instance methods of the class and its superclasses below WorkerEntrypoint, an
     * overridden method counted once (as the most derived declaration), as reflection's
     * {@code getMethods()} sees them at load time.
     */
    private List<ExecutableElement> publicInstanceMethods(TypeElement worker) {
        List<ExecutableElement> methods = new ArrayList<>();
        for (TypeElement type = worker; type != null && !isWorkerEntrypoint(type); type = superclass(type)) {
            for (ExecutableElement method : ElementFilter.methodsIn(type.getEnclosedElements())) {
                Set<Modifier> modifiers = method.getModifiers();
                if (!modifiers.contains(Modifier.PUBLIC) || modifiers.contains(Modifier.STATIC)) {
                    continue;
                }
                if (methods.stream().noneMatch(derived -> elements.overrides(derived, method, worker))) {
                    methods.add(method);
                }
            }
        }
        return methods;
    }

    private boolean isHttpFetch(ExecutableElement method) {
        List<? extends Element> parameters = method.getParameters();
        return parameters.size() == 2
                && isClass(parameters.get(0).asType(), REQUEST)
                && isClass(parameters.get(1).asType(), ENV)
                && isClass(method.getReturnType(), RESPONSE);
    }

    /** Why a value of this declared type cannot cross a worker boundary, if it cannot. */
    private Optional<String> nonCrossable(TypeMirror type, int depth, Set<Element> seen) {
        if (depth > MAX_TYPE_DEPTH) {
            return Optional.empty();
        }
        switch (type.getKind()) {
            case ARRAY -> {
                return nonCrossable(((ArrayType) type).getComponentType(), depth + 1, seen);
            }
            case DECLARED -> {
                TypeElement element = (TypeElement) ((DeclaredType) type).asElement();
                Optional<String> reason = nonCrossableSupertype(element);
                if (reason.isPresent()) {
                    return reason;
                }
                // A record is copied component by component, so a component that cannot cross
                // fails the call as surely as a parameter would; records from class files too,
                // as the host checks them all.
                if (element.getKind() == ElementKind.RECORD && seen.add(element)) {
                    for (RecordComponentElement component : element.getRecordComponents()) {
                        reason = nonCrossable(component.asType(), depth + 1, seen);
                        if (reason.isPresent()) {
                            return reason;
                        }
                    }
                }
                for (TypeMirror argument : ((DeclaredType) type).getTypeArguments()) {
                    reason = nonCrossable(argument, depth + 1, seen);
                    if (reason.isPresent()) {
                        return reason;
                    }
                }
                return Optional.empty();
            }
            case WILDCARD -> {
                TypeMirror bound = ((WildcardType) type).getExtendsBound();
                return bound == null ? Optional.empty() : nonCrossable(bound, depth + 1, seen);
            }
            case TYPEVAR -> {
                // <T extends Runnable> takes code as surely as Runnable does.
                TypeVariable variable = (TypeVariable) type;
                return seen.add(variable.asElement()) ? nonCrossable(variable.getUpperBound(), depth + 1, seen) : Optional.empty();
            }
            case INTERSECTION -> {
                for (TypeMirror bound : ((IntersectionType) type).getBounds()) {
                    Optional<String> reason = nonCrossable(bound, depth + 1, seen);
                    if (reason.isPresent()) {
                        return reason;
                    }
                }
                return Optional.empty();
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    /**
     * The reason of the nearest supertype (breadth first, the type itself first) listed in
     * {@link EntrypointRules#NON_CROSSABLE_TYPES}, so that a type under two entries (a
     * {@code FutureTask} is a Runnable and a Future) always gets the same message.
     */
    private Optional<String> nonCrossableSupertype(TypeElement type) {
        Deque<TypeElement> queue = new ArrayDeque<>(List.of(type));
        Set<TypeElement> visited = new HashSet<>();
        while (!queue.isEmpty()) {
            TypeElement next = queue.removeFirst();
            if (!visited.add(next)) {
                continue;
            }
            String reason = EntrypointRules.NON_CROSSABLE_TYPES.get(names.binaryName(next));
            if (reason != null) {
                return Optional.of(reason);
            }
            addElement(queue, next.getSuperclass());
            next.getInterfaces().forEach(implemented -> addElement(queue, implemented));
        }
        return Optional.empty();
    }

    private void writeManifest(RoundEnvironment round) {
        if (manifestWritten || errorFound || round.errorRaised() || entries.isEmpty()) {
            return;
        }
        manifestWritten = true;
        try {
            FileObject file = processingEnv.getFiler().createResource(StandardLocation.CLASS_OUTPUT, "", EntrypointRules.MANIFEST);
            // The compiler's -encoding is for sources; the host reads the manifest as UTF-8.
            try (Writer out = new OutputStreamWriter(file.openOutputStream(), StandardCharsets.UTF_8)) {
                out.write(WorkerManifest.json(entries, trees == null ? null : rpcUses.asManifest()));
            }
        } catch (IOException e) {
            messager.printMessage(Kind.ERROR, "Cannot write the worker manifest " + EntrypointRules.MANIFEST + ": " + e.getMessage()
                    + ". Without it the host scans the worker's classes for entrypoints; rebuild once the output folder is writable.");
        }
    }

    private boolean extendsWorkerEntrypoint(TypeElement type) {
        for (TypeElement parent = superclass(type); parent != null; parent = superclass(parent)) {
            if (isWorkerEntrypoint(parent)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isWorkerEntrypoint(TypeElement type) {
        return type.getQualifiedName().contentEquals(WORKER_ENTRYPOINT);
    }

    private static TypeElement superclass(TypeElement type) {
        TypeMirror superclass = type.getSuperclass();
        return superclass.getKind() == TypeKind.DECLARED ? (TypeElement) ((DeclaredType) superclass).asElement() : null;
    }

    private static void addElement(Deque<TypeElement> queue, TypeMirror type) {
        if (type.getKind() == TypeKind.DECLARED) {
            queue.addLast((TypeElement) ((DeclaredType) type).asElement());
        }
    }

    private static boolean isClass(TypeMirror type, String qualifiedName) {
        return type.getKind() == TypeKind.DECLARED
                && ((TypeElement) ((DeclaredType) type).asElement()).getQualifiedName().contentEquals(qualifiedName);
    }

    private static Optional<AnnotationMirror> entrypointAnnotation(TypeElement type) {
        return type.getAnnotationMirrors().stream()
                .filter(annotation -> isClass(annotation.getAnnotationType(), ENTRYPOINT))
                .map(annotation -> (AnnotationMirror) annotation)
                .findFirst();
    }

    private static Optional<String> entrypointName(AnnotationMirror annotation) {
        for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> value : annotation.getElementValues().entrySet()) {
            if (value.getKey().getSimpleName().contentEquals("value") && value.getValue().getValue() instanceof String name) {
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }

    private ExecutableType asMemberOf(TypeElement worker, ExecutableElement method) {
        return (ExecutableType) types.asMemberOf((DeclaredType) worker.asType(), method);
    }

    private List<String> typeNames(List<? extends TypeMirror> types) {
        return types.stream().map(names::of).toList();
    }

    /** The method when the entrypoint declares it; else the entrypoint, since the error is about it and its source is the one at hand. */
    private static Element where(ExecutableElement method, TypeElement worker) {
        return method.getEnclosingElement().equals(worker) ? method : worker;
    }

    private void error(String message, Element element) {
        errorFound = true;
        messager.printMessage(Kind.ERROR, message, element);
    }
}
