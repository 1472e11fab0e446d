package io.jworkers.runtime.deploy;

import io.jworkers.runtime.bundle.WorkerBundle;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/** Interim: unpacks a bundle zip and hashes its content (to be replaced by the bundle package's reader). */
final class BundleUnpacking {

    record Result(String sha256, String configJson) {
    }

    private BundleUnpacking() {
    }

    static Result unpack(Path zip, Path target) {
        Map<String, byte[]> content = new TreeMap<>();
        try {
            Files.createDirectories(target);
            try (ZipFile zf = new ZipFile(zip.toFile())) {
                var entries = zf.entries();
                while (entries.hasMoreElements()) {
                    ZipEntry entry = entries.nextElement();
                    Path out = target.resolve(entry.getName()).normalize();
                    if (entry.getName().startsWith("/") || entry.getName().contains("\\") || !out.startsWith(target)
                            || out.equals(target)) {
                        throw new DeploymentException("Bundle zip entry \"" + entry.getName()
                                + "\" would be extracted outside the bundle folder; rebuild the bundle");
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(out);
                    } else {
                        Files.createDirectories(out.getParent());
                        try (InputStream in = zf.getInputStream(entry)) {
                            byte[] bytes = in.readAllBytes();
                            Files.write(out, bytes);
                            content.put(entry.getName(), bytes);
                        }
                    }
                }
            }
            byte[] config = content.get(WorkerBundle.CONFIG);
            if (config == null) {
                throw new DeploymentException("The bundle has no " + WorkerBundle.CONFIG + "; build it with jworkers deploy");
            }
            return new Result(hash(content), new String(config, StandardCharsets.UTF_8));
        } catch (ZipException e) {
            DurableFiles.deleteQuietly(target);
            throw new DeploymentException("Bundle zip is corrupt (" + e.getMessage() + "); rebuild the bundle");
        } catch (IOException e) {
            DurableFiles.deleteQuietly(target);
            throw new DeploymentException("Unpacking the bundle failed: " + e, e);
        } catch (RuntimeException e) {
            DurableFiles.deleteQuietly(target);
            throw e;
        }
    }

    static String hashFolder(Path folder) throws IOException {
        Map<String, byte[]> content = new TreeMap<>();
        try (var files = Files.walk(folder)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                content.put(folder.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
            }
        }
        return hash(content);
    }

    private static String hash(Map<String, byte[]> content) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        content.forEach((name, bytes) -> {
            sha.update(name.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(Long.toString(bytes.length).getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(bytes);
        });
        return HexFormat.of().formatHex(sha.digest());
    }
}
