package io.jworkers.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.jworkers.runtime.deploy.DeploymentException;
import io.jworkers.runtime.deploy.SecretCipher;
import io.jworkers.runtime.serve.AdminServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/kubernetes/} and {@code deploy/docker/Dockerfile} against the host they run: the
 * Deployment passes only options that {@code jworkers serve --help} documents, its ports, probes,
 * files and grace period agree with those options and with the host's drain, every Secret key it
 * reads exists, the store it names is the one {@code postgres.yaml} creates, and the image runs the
 * jar Maven builds as the user the Deployment expects. Nothing here needs a cluster or Docker: a
 * manifest that drifts from the code fails the build instead of a rollout.
 */
class KubernetesManifestsTest {

    private static final Path REPO = Path.of(System.getProperty("jworkers.repo.root", "..")).toAbsolutePath().normalize();
    private static final Path KUBERNETES = REPO.resolve("deploy/kubernetes");
    private static final Path DOCKERFILE = REPO.resolve("deploy/docker/Dockerfile");

    /** How long {@code serve} drains on SIGTERM: in-flight requests and waitUntil work. */
    private static final int DRAIN_SECONDS = 30;

    /** The environment variables the host reads; any other would be a typo the host ignores. */
    private static final Set<String> HOST_VARIABLES = Set.of("PGPASSWORD", SecretCipher.KEY_VARIABLE, AdminClient.TOKEN_VARIABLE);

    /** Options whose value is a file the host reads, which must therefore be mounted. */
    private static final List<String> FILE_OPTIONS = List.of("--token-file", "--secret-key-file", "--store-password-file");

    // An option line of CommandLine.describe: "  -s, --state DIR   ..." or "      --port PORT   ...";
    // a flag has no value name, so two spaces follow its name.
    private static final Pattern HELP_OPTION = Pattern.compile("^ {2}(?:-\\S, | {4})(--[a-z0-9-]+)(?: (\\S+))?(?= |$)",
            Pattern.MULTILINE);

    private static final ObjectMapper YAML = new YAMLMapper();

    private final List<JsonNode> hosts = documents(KUBERNETES.resolve("jworkers.yaml"));
    private final JsonNode deployment = only(hosts, "Deployment");
    private final JsonNode pod = deployment.at("/spec/template/spec");
    private final JsonNode container = only(pod.path("containers"));
    private final JsonNode secret = only(documents(KUBERNETES.resolve("secret.yaml.example")), "Secret");
    private final Map<String, String> args = serveArgs(container.path("args"));

    @Test
    void everyOptionTheDeploymentPassesIsOneServeDocuments() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(List.of("serve", "--help"), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String help = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));

        Map<String, String> documented = new LinkedHashMap<>(); // option -> its value's name, "" for a flag
        Matcher option = HELP_OPTION.matcher(help);
        while (option.find()) {
            documented.put(option.group(1), option.group(2) == null ? "" : option.group(2));
        }
        assertTrue(documented.containsKey("--port"), "the help's option lines were not recognised:\n" + help);

        Set<String> undocumented = new TreeSet<>(args.keySet());
        undocumented.removeAll(documented.keySet());
        assertEquals(Set.of(), undocumented, "deploy/kubernetes/jworkers.yaml passes options that `jworkers serve --help`"
                + " does not document:\n" + help);
        for (String name : args.keySet()) {
            assertFalse(documented.get(name).isEmpty(), name + " is a flag in `jworkers serve --help`, but the Deployment"
                    + " gives it a value");
        }
    }

    @Test
    void containerPortsAreTheOnesTheArgsNameAndOnlyTheAdminServiceReachesTheAdminPort() {
        int port = Integer.parseInt(args.get("--port"));
        int adminPort = Integer.parseInt(args.get("--admin-port"));
        assertEquals(Map.of("http", port, "admin", adminPort), containerPorts());
        // The probes and the Services come from outside the pod: a loopback listener would never be ready.
        assertFalse(isLoopback(args.get("--ip")), "--ip " + args.get("--ip"));
        assertFalse(isLoopback(args.get("--admin-ip")), "--admin-ip " + args.get("--admin-ip"));

        JsonNode podLabels = deployment.at("/spec/template/metadata/labels");
        assertTrue(covers(podLabels, deployment.at("/spec/selector/matchLabels")), "the Deployment's selector");
        List<JsonNode> services = all(hosts, "Service");
        assertEquals(2, services.size(), "a public Service and an admin Service");
        Map<String, List<Integer>> targets = new LinkedHashMap<>();
        for (JsonNode service : services) {
            assertTrue(covers(podLabels, service.at("/spec/selector")), service.at("/metadata/name") + " selects the hosts");
            List<Integer> ports = new ArrayList<>();
            service.at("/spec/ports").forEach(p -> ports.add(containerPort(p.path("targetPort"))));
            targets.put(service.at("/metadata/name").asText(), ports);
        }
        assertEquals(Map.of("jworkers", List.of(port), "jworkers-admin", List.of(adminPort)), targets);
        JsonNode admin = only(services.stream().filter(s -> s.at("/metadata/name").asText().equals("jworkers-admin")).toList());
        assertEquals("ClusterIP", admin.at("/spec/type").asText("ClusterIP"), "the admin API stays inside the cluster");
    }

    @Test
    void probesAskTheAdminListenerForHealthAndReadiness() {
        int adminPort = Integer.parseInt(args.get("--admin-port"));
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("livenessProbe", "/healthz");
        expected.put("readinessProbe", "/readyz");
        if (container.has("startupProbe")) {
            expected.put("startupProbe", "/healthz"); // it holds off liveness, so it asks the same question
        }
        for (Map.Entry<String, String> probe : expected.entrySet()) {
            JsonNode get = container.path(probe.getKey()).path("httpGet");
            assertFalse(get.isMissingNode(), probe.getKey() + " is an httpGet");
            assertEquals(probe.getValue(), get.path("path").asText(), probe.getKey());
            assertEquals(adminPort, containerPort(get.path("port")), probe.getKey() + " port");
            assertEquals("HTTP", get.path("scheme").asText("HTTP"), probe.getKey() + " scheme");
        }
    }

    @Test
    void everySecretTheHostReadsIsAKeyOfTheSecretAndReachesItAsAFile() {
        Set<String> keys = new TreeSet<>();
        secret.path("stringData").fieldNames().forEachRemaining(keys::add);
        secret.path("data").fieldNames().forEachRemaining(keys::add);
        String secretName = secret.at("/metadata/name").asText();

        // Secret volumes: the Secret's name, its keys; and where each item lands in the container.
        Map<String, String> secretFiles = new LinkedHashMap<>(); // path in the container -> key
        Map<String, JsonNode> volumes = new LinkedHashMap<>();
        pod.path("volumes").forEach(v -> volumes.put(v.path("name").asText(), v));
        for (JsonNode mount : container.path("volumeMounts")) {
            JsonNode volume = volumes.get(mount.path("name").asText());
            assertNotNull(volume, "volumeMount " + mount.path("name").asText() + " has no volume");
            if (volume.has("secret")) {
                assertEquals(secretName, volume.at("/secret/secretName").asText(), "volume " + volume.path("name").asText());
                assertTrue(mount.path("readOnly").asBoolean(), "secret mount " + mount.path("mountPath").asText() + " is readOnly");
                JsonNode items = volume.at("/secret/items");
                if (items.isMissingNode()) {
                    keys.forEach(key -> secretFiles.put(mount.path("mountPath").asText() + "/" + key, key));
                }
                for (JsonNode item : items) {
                    assertTrue(keys.contains(item.path("key").asText()), "volume item key " + item.path("key").asText()
                            + " is not a key of the Secret " + secretName + " " + keys);
                    secretFiles.put(mount.path("mountPath").asText() + "/" + item.path("path").asText(), item.path("key").asText());
                }
            }
        }
        for (String option : FILE_OPTIONS) {
            if (args.containsKey(option)) {
                assertTrue(secretFiles.containsKey(args.get(option)), option + " " + args.get(option)
                        + " is not a file mounted from the Secret " + secretFiles.keySet());
            }
        }

        // Environment: only variables the host reads, secrets only by key, never a whole Secret.
        assertTrue(container.path("envFrom").isMissingNode(), "envFrom would hand every key to every worker's System.getenv()");
        for (JsonNode variable : container.path("env")) {
            String name = variable.path("name").asText();
            assertTrue(HOST_VARIABLES.contains(name), "env " + name + " is none of " + HOST_VARIABLES);
            JsonNode ref = variable.at("/valueFrom/secretKeyRef");
            if (!ref.isMissingNode()) {
                assertEquals(secretName, ref.path("name").asText(), "env " + name);
                assertTrue(keys.contains(ref.path("key").asText()), "env " + name + ": key " + ref.path("key").asText()
                        + " is not a key of the Secret " + keys);
            }
        }
        assertEquals(Set.of("admin-token", "secret-key", "store-password"), keys);

        // A placeholder applied by mistake stops the host rather than running it with a known token or key.
        assertThrows(IllegalArgumentException.class, () -> AdminServer.checkToken(secret.at("/stringData/admin-token").asText()));
        assertThrows(DeploymentException.class, () -> SecretCipher.fromBase64(secret.at("/stringData/secret-key").asText(),
                "secret.yaml.example"));
    }

    @Test
    void theHostWritesOnlyToItsCacheAndTmpAsANonRootUser() {
        assertTrue(container.at("/securityContext/readOnlyRootFilesystem").asBoolean(), "readOnlyRootFilesystem");
        assertTrue(pod.at("/securityContext/runAsNonRoot").asBoolean(), "runAsNonRoot");
        assertTrue(pod.at("/securityContext/runAsUser").asInt() > 0, "runAsUser");
        assertFalse(pod.path("automountServiceAccountToken").asBoolean(true), "workers must not find an API token");
        Map<String, String> emptyDirs = new LinkedHashMap<>(); // mount path -> volume
        Set<String> emptyDirVolumes = new TreeSet<>();
        pod.path("volumes").forEach(v -> {
            if (v.has("emptyDir")) {
                emptyDirVolumes.add(v.path("name").asText());
            }
        });
        container.path("volumeMounts").forEach(m -> {
            if (emptyDirVolumes.contains(m.path("name").asText())) {
                emptyDirs.put(m.path("mountPath").asText(), m.path("name").asText());
            }
        });
        assertTrue(emptyDirs.containsKey(args.get("--cache")), "--cache " + args.get("--cache") + " is an emptyDir " + emptyDirs);
        assertTrue(emptyDirs.containsKey("/tmp"), "/tmp (java.io.tmpdir) is an emptyDir " + emptyDirs);
    }

    @Test
    void theGracePeriodOutlastsThePreStopPauseAndTheDrain() {
        int pause = preStopSleepSeconds(container.at("/lifecycle/preStop"));
        int grace = pod.path("terminationGracePeriodSeconds").asInt(30); // Kubernetes' default when absent
        assertTrue(grace > DRAIN_SECONDS + pause, "terminationGracePeriodSeconds " + grace + " must exceed the preStop pause "
                + pause + " s + the drain " + DRAIN_SECONDS + " s, or the kubelet kills hosts mid-drain");
        assertEquals(3, deployment.at("/spec/replicas").asInt());
    }

    @Test
    void theStoreIsTheDatabasePostgresYamlCreates() {
        URI store = URI.create(args.get("--store"));
        assertEquals("postgresql", store.getScheme());
        JsonNode cluster = only(documents(KUBERNETES.resolve("postgres.yaml")), "Cluster");
        assertEquals("postgresql.cnpg.io/v1", cluster.path("apiVersion").asText());
        assertEquals(3, cluster.at("/spec/instances").asInt());
        // CloudNativePG's Service for the primary is <cluster>-rw.
        assertEquals(cluster.at("/metadata/name").asText() + "-rw", store.getHost());
        assertEquals(cluster.at("/spec/bootstrap/initdb/owner").asText(), store.getUserInfo());
        assertEquals("/" + cluster.at("/spec/bootstrap/initdb/database").asText(), store.getPath());
        assertTrue(store.getPort() == -1 || store.getPort() == 5432, "port " + store.getPort());
    }

    @Test
    void theImageRunsTheJarMavenBuildsAsTheDeploymentsUser() throws Exception {
        List<String[]> instructions = dockerInstructions(Files.readString(DOCKERFILE));
        String jar = "framework-runtime/target/" + shadedFinalName() + ".jar";

        assertEquals("eclipse-temurin:25-jre", instruction(instructions, "FROM"));
        String[] copy = instruction(instructions, "COPY").split("\\s+");
        assertEquals(2, copy.length, "COPY SOURCE DEST: " + String.join(" ", copy));
        assertEquals(jar, copy[0], "the Dockerfile copies the jar the shade plugin writes");
        List<String> entrypoint = List.of(new ObjectMapper().readValue(instruction(instructions, "ENTRYPOINT"), String[].class));
        assertEquals(copy[1], entrypoint.get(entrypoint.indexOf("-jar") + 1), "ENTRYPOINT runs the copied jar: " + entrypoint);
        assertEquals("java", entrypoint.get(0));

        String[] user = instruction(instructions, "USER").split(":");
        assertEquals(pod.at("/securityContext/runAsUser").asText(), user[0], "the image's USER is the Deployment's runAsUser");
        if (user.length > 1 && pod.at("/securityContext").has("runAsGroup")) {
            assertEquals(pod.at("/securityContext/runAsGroup").asText(), user[1], "USER's group is runAsGroup");
        }

        // The build context is the repository root, cut down to the jar: the jar must be let back in.
        List<String> ignored = Files.readAllLines(DOCKERFILE.resolveSibling("Dockerfile.dockerignore")).stream()
                .map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        assertEquals("!" + jar, ignored.get(ignored.size() - 1), "Dockerfile.dockerignore lets the jar into the context");
    }

    // --- reading the files -------------------------------------------------------------------

    private static List<JsonNode> documents(Path file) {
        try (var values = YAML.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile())) {
            return values.readAll().stream().filter(node -> !node.isNull() && !node.isMissingNode()).toList();
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static List<JsonNode> all(List<JsonNode> documents, String kind) {
        return documents.stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
    }

    private static JsonNode only(List<JsonNode> documents, String kind) {
        return only(all(documents, kind));
    }

    private static JsonNode only(Iterable<JsonNode> nodes) {
        List<JsonNode> list = new ArrayList<>();
        nodes.forEach(list::add);
        assertEquals(1, list.size(), "expected exactly one: " + list);
        return list.get(0);
    }

    // "serve --name value ..." as name -> value. Every option the Deployment passes takes a value; a
    // lone "--name" or a positional argument is a mistake that would stop the host.
    private static Map<String, String> serveArgs(JsonNode args) {
        List<String> list = new ArrayList<>();
        args.forEach(a -> list.add(a.asText()));
        assertFalse(list.isEmpty(), "the container has args");
        assertEquals("serve", list.get(0), "the image's ENTRYPOINT is the jar: args start with the command");
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 1; i < list.size(); i++) {
            String name = list.get(i);
            assertTrue(name.startsWith("--"), "expected an option at args[" + i + "], got " + name);
            int equals = name.indexOf('=');
            if (equals > 0) {
                options.put(name.substring(0, equals), name.substring(equals + 1));
            } else {
                assertTrue(i + 1 < list.size() && !list.get(i + 1).startsWith("--"), name + " has no value");
                options.put(name, list.get(++i));
            }
        }
        return options;
    }

    private Map<String, Integer> containerPorts() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        container.path("ports").forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
        return ports;
    }

    // A port given by name (a container port's name) or by number.
    private int containerPort(JsonNode port) {
        if (port.isInt() || port.asText().matches("\\d+")) {
            return port.isInt() ? port.asInt() : Integer.parseInt(port.asText());
        }
        Integer number = containerPorts().get(port.asText());
        if (number == null) {
            fail("port " + port.asText() + " names no container port " + containerPorts());
        }
        return number;
    }

    private static boolean covers(JsonNode labels, JsonNode selector) {
        if (!selector.isObject() || selector.isEmpty()) {
            return false;
        }
        for (Map.Entry<String, JsonNode> label : selector.properties()) {
            if (!labels.path(label.getKey()).asText("\0").equals(label.getValue().asText())) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLoopback(String address) {
        return address.startsWith("127.") || address.equals("::1") || address.equals("localhost");
    }

    // preStop as exec ["sleep", "N"] or ["/bin/sh", "-c", "sleep N"], or Kubernetes' sleep action; 0 without one.
    private static int preStopSleepSeconds(JsonNode preStop) {
        if (preStop.isMissingNode()) {
            return 0;
        }
        if (preStop.has("sleep")) {
            return preStop.at("/sleep/seconds").asInt();
        }
        List<String> command = new ArrayList<>();
        preStop.at("/exec/command").forEach(c -> command.add(c.asText()));
        Matcher sleep = Pattern.compile("(?:^|\\s|/)sleep\\s+(\\d+)\\s*$").matcher(String.join(" ", command));
        assertTrue(sleep.find(), "preStop is a sleep: " + command);
        return Integer.parseInt(sleep.group(1));
    }

    // The Dockerfile as [INSTRUCTION, rest] pairs: comments dropped, continuation lines joined.
    private static List<String[]> dockerInstructions(String dockerfile) {
        List<String[]> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : dockerfile.split("\n")) {
            String stripped = line.strip();
            if (stripped.startsWith("#") || stripped.isEmpty() && current.isEmpty()) {
                continue;
            }
            if (stripped.endsWith("\\")) {
                current.append(stripped, 0, stripped.length() - 1).append(' ');
                continue;
            }
            current.append(stripped);
            String text = current.toString().strip();
            current.setLength(0);
            if (!text.isEmpty()) {
                String[] parts = text.split("\\s+", 2);
                instructions.add(new String[] {parts[0].toUpperCase(java.util.Locale.ROOT), parts.length > 1 ? parts[1] : ""});
            }
        }
        return instructions;
    }

    private static String instruction(List<String[]> instructions, String name) {
        List<String> found = instructions.stream().filter(i -> i[0].equals(name)).map(i -> i[1]).toList();
        assertEquals(1, found.size(), "the Dockerfile has one " + name + ": " + found);
        return found.get(0);
    }

    // The shade plugin's finalName in framework-runtime/pom.xml: the jar is target/<finalName>.jar.
    private static String shadedFinalName() throws Exception {
        var pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(REPO.resolve("framework-runtime/pom.xml").toFile());
        String name = XPathFactory.newInstance().newXPath()
                .evaluate("//plugin[artifactId='maven-shade-plugin']//configuration/finalName", pom).strip();
        assertFalse(name.isEmpty(), "framework-runtime/pom.xml: the shade plugin has a finalName");
        return name;
    }
}
