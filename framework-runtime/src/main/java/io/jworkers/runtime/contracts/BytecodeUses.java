package io.jworkers.runtime.contracts;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Reads the RPC uses of a worker built without the annotation processor from its class files
 * ({@link RpcCallInterpreter} says which calls). Every class folder and jar of the worker's
 * classpath is read, since nothing tells the worker's own jar from its libraries; a class whose
 * constant pool does not name {@code io/jworkers/api/Env} cannot look a binding up, and is skipped
 * before it is parsed, which keeps a large bundle cheap. Nothing is loaded or run.
 */
final class BytecodeUses {

    private static final byte[] ENV = "io/jworkers/api/Env".getBytes(StandardCharsets.UTF_8);

    private BytecodeUses() {
    }

    /**
     * Reads a classpath.
     *
     * @param classpath the worker's class folders and jars
     * @return the uses found
     * @throws UncheckedIOException if a folder or jar cannot be read
     */
    static RecordedUses read(List<Path> classpath) {
        RecordedUses uses = new RecordedUses();
        for (Path entry : classpath) {
            try {
                if (Files.isDirectory(entry)) {
                    readFolder(entry, uses);
                } else if (Files.isRegularFile(entry)) {
                    readJar(entry, uses);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Reading the classes of " + entry + " for their RPC calls failed: " + e.getMessage(), e);
            }
        }
        return uses;
    }

    private static void readFolder(Path folder, RecordedUses uses) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
                readClass(Files.readAllBytes(file), uses);
            }
        }
    }

    private static void readJar(Path jar, RecordedUses uses) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            Enumeration<JarEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                if (!entry.isDirectory() && entry.getName().endsWith(".class")) {
                    try (InputStream in = file.getInputStream(entry)) {
                        readClass(in.readAllBytes(), uses);
                    }
                }
            }
        }
    }

    /**
     * Reads one class file's methods.
     *
     * @param bytes the class file
     * @param uses where to record what is found
     */
    static void readClass(byte[] bytes, RecordedUses uses) {
        if (!contains(bytes, ENV)) {
            return;
        }
        try {
            new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
                @Override
                public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                        String[] exceptions) {
                    return new RpcCallInterpreter(uses);
                }
            }, ClassReader.SKIP_DEBUG | ClassReader.EXPAND_FRAMES);
        } catch (RuntimeException e) {
            // Not a class file this ASM reads (a newer version, or damaged): the JVM says so if it is
            // ever loaded; its calls stay unseen, as calls through a field do.
        }
    }

    private static boolean contains(byte[] bytes, byte[] part) {
        outer:
        for (int i = 0; i <= bytes.length - part.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (bytes[i + j] != part[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
