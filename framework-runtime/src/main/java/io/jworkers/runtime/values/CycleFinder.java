package io.jworkers.runtime.values;

import java.lang.reflect.Array;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds where a value refers back to one of its own containers, through collections, maps,
 * arrays and records. Only run after a copy has failed, to say where the cycle is.
 */
final class CycleFinder {

    private CycleFinder() {
    }

    static Optional<String> pathToCycle(Object value, String root) {
        return walk(value, root, Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    private static Optional<String> walk(Object value, String path, Set<Object> ancestors) {
        if (value == null || SharedTypes.byReference(value.getClass())) {
            return Optional.empty();
        }
        if (!ancestors.add(value)) {
            return Optional.of(path);
        }
        try {
            if (value instanceof Collection<?> collection) {
                int index = 0;
                for (Object element : collection) {
                    Optional<String> found = walk(element, path + "[" + index++ + "]", ancestors);
                    if (found.isPresent()) {
                        return found;
                    }
                }
            } else if (value instanceof Map<?, ?> map) {
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    Optional<String> found = walk(entry.getValue(), path + "." + entry.getKey(), ancestors);
                    if (found.isPresent()) {
                        return found;
                    }
                }
            } else if (value.getClass().isArray() && !value.getClass().getComponentType().isPrimitive()) {
                for (int i = 0; i < Array.getLength(value); i++) {
                    Optional<String> found = walk(Array.get(value, i), path + "[" + i + "]", ancestors);
                    if (found.isPresent()) {
                        return found;
                    }
                }
            } else if (value.getClass().isRecord()) {
                for (RecordComponent component : value.getClass().getRecordComponents()) {
                    component.getAccessor().setAccessible(true);
                    Optional<String> found = walk(component.getAccessor().invoke(value), path + "." + component.getName(), ancestors);
                    if (found.isPresent()) {
                        return found;
                    }
                }
            }
            return Optional.empty();
        } catch (ReflectiveOperationException | RuntimeException e) {
            return Optional.empty();
        } finally {
            ancestors.remove(value);
        }
    }
}
