package io.jworkers.processor;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.IntersectionType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.TypeVariable;
import javax.lang.model.type.WildcardType;
import javax.lang.model.util.Elements;

/**
 * Writes types the way {@link java.lang.reflect.Type#getTypeName()} does ({@code io.x.Outer$Inner},
 * {@code java.util.Map<java.lang.String, java.lang.Integer>}, no type annotations, {@code []} for
 * varargs), because the host reports the same rule violations from reflection at load time and a
 * rule must read the same whichever side found it. {@code TypeMirror.toString()} differs: it
 * drops the space between type arguments, prints nested classes with a dot, varargs as
 * {@code ...} and any type annotations.
 */
final class TypeNames {

    private final Elements elements;

    TypeNames(Elements elements) {
        this.elements = elements;
    }

    String binaryName(TypeElement type) {
        return elements.getBinaryName(type).toString();
    }

    String of(TypeMirror type) {
        TypeKind kind = type.getKind();
        if (kind.isPrimitive() || kind == TypeKind.VOID) {
            return kind.name().toLowerCase(Locale.ROOT);
        }
        return switch (kind) {
            case ARRAY -> of(((ArrayType) type).getComponentType()) + "[]";
            case DECLARED -> declared((DeclaredType) type);
            case TYPEVAR -> ((TypeVariable) type).asElement().getSimpleName().toString();
            case WILDCARD -> wildcard((WildcardType) type);
            case INTERSECTION -> join(((IntersectionType) type).getBounds(), " & ");
            default -> type.toString();
        };
    }

    private String declared(DeclaredType type) {
        TypeElement element = (TypeElement) type.asElement();
        TypeMirror enclosing = type.getEnclosingType();
        // Reflection spells an inner class of a parameterized owner as Owner<Args>$Inner.
        String raw = enclosing.getKind() == TypeKind.DECLARED && !((DeclaredType) enclosing).getTypeArguments().isEmpty()
                ? of(enclosing) + "$" + element.getSimpleName()
                : binaryName(element);
        List<? extends TypeMirror> arguments = type.getTypeArguments();
        return arguments.isEmpty() ? raw : raw + "<" + join(arguments, ", ") + ">";
    }

    private String wildcard(WildcardType type) {
        if (type.getExtendsBound() != null) {
            return "? extends " + of(type.getExtendsBound());
        }
        if (type.getSuperBound() != null) {
            return "? super " + of(type.getSuperBound());
        }
        return "?";
    }

    private String join(List<? extends TypeMirror> types, String separator) {
        return types.stream().map(this::of).collect(Collectors.joining(separator));
    }
}
