package io.jworkers.processor;

import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.ImportTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;

/**
 * Resolves what a name in a source means, the way javac would, without attributing the code:
 * during annotation processing method bodies are parsed but not yet attributed, and attributing
 * them early (which {@code Trees.getElement} on an expression would do) can report errors about
 * classes another processor has yet to generate. Covers what RPC uses need: a class literal's
 * type ({@code AuthApi.class}, {@code Outer.Api.class}, {@code io.x.AuthApi.class}) and a
 * string constant ({@code "AUTH"}, {@code Bindings.AUTH}, a {@code static final} field of an
 * enclosing class or a static import, a {@code final} local, and {@code +} of those).
 */
final class SourceNames {

    private final Trees trees;
    private final Elements elements;

    SourceNames(Trees trees, Elements elements) {
        this.trees = trees;
        this.elements = elements;
    }

    /**
     * The type a type name denotes at a place in the source.
     *
     * @param name an identifier or qualified name
     * @param at the path of the expression using it
     * @return the type, or empty when it is not a class or interface visible there
     */
    Optional<TypeElement> type(ExpressionTree name, TreePath at) {
        if (name instanceof IdentifierTree identifier) {
            return simpleType(identifier.getName().toString(), at);
        }
        if (name instanceof MemberSelectTree select) {
            String member = select.getIdentifier().toString();
            Optional<TypeElement> owner = type(select.getExpression(), at);
            if (owner.isPresent()) {
                return memberType(owner.get(), member);
            }
            return Optional.ofNullable(elements.getTypeElement(select.toString()));
        }
        return Optional.empty();
    }

    /**
     * The value of a string constant expression, as javac would fold it.
     *
     * @param expression the expression
     * @param at its path
     * @param localConstants the {@code final} locals in scope with constant values
     * @return the value, or empty when it is not a compile-time constant string
     */
    Optional<String> constant(ExpressionTree expression, TreePath at, Map<String, Object> localConstants) {
        return constantValue(expression, at, localConstants).filter(String.class::isInstance).map(String.class::cast);
    }

    private Optional<Object> constantValue(ExpressionTree expression, TreePath at, Map<String, Object> localConstants) {
        if (expression instanceof LiteralTree literal) {
            return Optional.ofNullable(literal.getValue());
        }
        if (expression instanceof ParenthesizedTree parenthesized) {
            return constantValue(parenthesized.getExpression(), at, localConstants);
        }
        if (expression instanceof BinaryTree binary && binary.getKind() == Tree.Kind.PLUS) {
            Optional<Object> left = constantValue(binary.getLeftOperand(), at, localConstants);
            Optional<Object> right = constantValue(binary.getRightOperand(), at, localConstants);
            if (left.isPresent() && right.isPresent() && (left.get() instanceof String || right.get() instanceof String)) {
                return Optional.of(String.valueOf(left.get()) + right.get());
            }
            return Optional.empty();
        }
        if (expression instanceof IdentifierTree identifier) {
            String name = identifier.getName().toString();
            if (localConstants.containsKey(name)) {
                return Optional.ofNullable(localConstants.get(name));
            }
            return fieldConstant(name, at);
        }
        if (expression instanceof MemberSelectTree select) {
            return type(select.getExpression(), at).flatMap(owner -> field(owner, select.getIdentifier().toString()))
                    .map(VariableElement::getConstantValue);
        }
        return Optional.empty();
    }

    private Optional<Object> fieldConstant(String name, TreePath at) {
        for (TypeElement enclosing : enclosingTypes(at)) {
            Optional<VariableElement> field = field(enclosing, name);
            if (field.isPresent()) {
                return Optional.ofNullable(field.get().getConstantValue());
            }
        }
        for (ImportTree imported : at.getCompilationUnit().getImports()) {
            if (!imported.isStatic() || !(imported.getQualifiedIdentifier() instanceof MemberSelectTree select)) {
                continue;
            }
            String member = select.getIdentifier().toString();
            if (member.equals(name) || member.equals("*")) {
                TypeElement owner = elements.getTypeElement(select.getExpression().toString());
                Optional<VariableElement> field = owner == null ? Optional.empty() : field(owner, name);
                if (field.isPresent()) {
                    return Optional.ofNullable(field.get().getConstantValue());
                }
            }
        }
        return Optional.empty();
    }

    private Optional<VariableElement> field(TypeElement owner, String name) {
        return ElementFilter.fieldsIn(elements.getAllMembers(owner)).stream()
                .filter(field -> field.getSimpleName().contentEquals(name))
                .findFirst();
    }

    // The scopes of JLS 6.4/6.5 in order: member types of the enclosing classes (inherited ones
    // included), single-type imports, the package, on-demand imports, java.lang.
    private Optional<TypeElement> simpleType(String name, TreePath at) {
        for (TypeElement enclosing : enclosingTypes(at)) {
            if (enclosing.getSimpleName().contentEquals(name)) {
                return Optional.of(enclosing);
            }
            Optional<TypeElement> member = memberType(enclosing, name);
            if (member.isPresent()) {
                return member;
            }
        }
        CompilationUnitTree unit = at.getCompilationUnit();
        List<String> onDemand = new ArrayList<>();
        for (ImportTree imported : unit.getImports()) {
            if (imported.isStatic() || !(imported.getQualifiedIdentifier() instanceof MemberSelectTree select)) {
                continue;
            }
            String member = select.getIdentifier().toString();
            if (member.equals(name)) {
                return Optional.ofNullable(elements.getTypeElement(select.toString()));
            }
            if (member.equals("*")) {
                onDemand.add(select.getExpression().toString());
            }
        }
        String packageName = unit.getPackageName() == null ? "" : unit.getPackageName().toString();
        TypeElement inPackage = elements.getTypeElement(packageName.isEmpty() ? name : packageName + "." + name);
        if (inPackage != null) {
            return Optional.of(inPackage);
        }
        for (String owner : onDemand) {
            TypeElement found = elements.getTypeElement(owner + "." + name);
            if (found != null) {
                return Optional.of(found);
            }
        }
        return Optional.ofNullable(elements.getTypeElement("java.lang." + name));
    }

    private Optional<TypeElement> memberType(TypeElement owner, String name) {
        return elements.getAllMembers(owner).stream()
                .filter(member -> member.getKind().isClass() || member.getKind().isInterface())
                .filter(member -> member.getSimpleName().contentEquals(name))
                .map(TypeElement.class::cast)
                .findFirst();
    }

    /**
     * The top-level and member classes around a place, innermost first. Local and anonymous
     * classes are left out: javac enters them only when it attributes their method, and asking for
     * their element would attribute it now.
     */
    private List<TypeElement> enclosingTypes(TreePath at) {
        List<TypeElement> types = new ArrayList<>();
        for (TreePath path = at; path != null; path = path.getParentPath()) {
            if (path.getLeaf() instanceof ClassTree && isMember(path)
                    && trees.getElement(path) instanceof TypeElement type) {
                types.add(type);
            }
        }
        return types;
    }

    private static boolean isMember(TreePath classPath) {
        for (TreePath path = classPath.getParentPath(); path != null; path = path.getParentPath()) {
            if (!(path.getLeaf() instanceof ClassTree) && !(path.getLeaf() instanceof CompilationUnitTree)) {
                return false;
            }
        }
        return true;
    }
}
