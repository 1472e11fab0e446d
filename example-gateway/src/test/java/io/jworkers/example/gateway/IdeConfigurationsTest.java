package io.jworkers.example.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.jworkers.runtime.config.ConfigLoader;
import io.jworkers.runtime.config.DevWorkspace;
import io.jworkers.runtime.config.WorkerConfig;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The IDE run configurations under {@code .run/} (IntelliJ) and {@code .vscode/} (VS Code) parse,
 * name a main class, modules and files that exist, and build what they run; and {@code Main dev}
 * launched the way they launch it — from the repo root, on the modules' {@code target/classes}
 * folders and the runtime's dependency jars, no fat jar — serves the examples.
 *
 * <p>It lives with the examples because it runs them: they are built by the time this module's
 * tests run, and not yet when the runtime's are.
 */
class IdeConfigurationsTest {

    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final String MAIN = "io.jworkers.runtime.cli.Main";
    // What the host jar's manifest gives the JVM: the IDE runs the same paths (framework-runtime/pom.xml).
    private static final List<String> JAR_MANIFEST_OPTIONS = List.of("--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED");
    private static final JsonMapper JSONC = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS, JsonReadFeature.ALLOW_TRAILING_COMMA).build();

    @Test
    void everyIntellijRunConfigurationStartsTheCliFromARuntimeModuleAfterBuildingTheProject() throws Exception {
        List<Path> files = runConfigurationFiles();
        assertTrue(files.stream().anyMatch(f -> f.getFileName().toString().equals("jworkers dev (examples).run.xml")), files.toString());
        for (Path file : files) {
            Element configuration = single(xml(file).getDocumentElement(), "configuration");
            assertEquals("ProjectRunConfigurationManager", configuration.getParentNode().getAttributes()
                    .getNamedItem("name").getNodeValue(), file + ": root component");
            assertEquals("Application", configuration.getAttribute("type"), file + ": type");
            Map<String, String> options = options(configuration);
            String main = options.get("MAIN_CLASS_NAME");
            assertEquals(MAIN, main, file + ": main class");
            Class.forName(main);
            assertTrue(mavenModules().contains(single(configuration, "module").getAttribute("name")),
                    file + ": module " + single(configuration, "module").getAttribute("name") + " is not one of " + mavenModules());
            assertEquals(REPO, resolveIntellij(options.get("WORKING_DIRECTORY")), file + ": working directory");
            Element beforeLaunch = single(configuration, "method");
            assertTrue(children(beforeLaunch, "option").stream().anyMatch(option ->
                    option.getAttribute("name").equals("MakeProject") && option.getAttribute("enabled").equals("true")),
                    file + ": needs the before-launch task Build Project (MakeProject), which also compiles the examples");
            checkArguments(file.toString(), Arrays.asList(options.getOrDefault("PROGRAM_PARAMETERS", "").split(" +")));
            assertEquals(JAR_MANIFEST_OPTIONS, Arrays.asList(options.getOrDefault("VM_PARAMETERS", "").split(" +")),
                    file + ": VM options as the host jar's manifest (Add-Opens, Enable-Native-Access)");
            assertFalse(Files.readString(file).contains("JWORKERS_ADMIN_TOKEN"), file + ": an admin token in the environment"
                    + " is readable by every worker (System.getenv()); pass --token-file");
        }
    }

    @Test
    void everyVsCodeLaunchConfigurationStartsTheCliFromARuntimeProjectAfterItsCompileTask() throws Exception {
        JsonNode launch = JSONC.readTree(REPO.resolve(".vscode/launch.json").toFile());
        JsonNode tasks = JSONC.readTree(REPO.resolve(".vscode/tasks.json").toFile());
        Map<String, JsonNode> taskByLabel = new LinkedHashMap<>();
        tasks.path("tasks").forEach(task -> taskByLabel.put(task.path("label").asText(), task));
        assertFalse(launch.path("configurations").isEmpty(), "launch.json has no configurations");
        Set<String> names = new TreeSet<>();
        for (JsonNode configuration : launch.path("configurations")) {
            String name = configuration.path("name").asText();
            names.add(name);
            assertEquals("java", configuration.path("type").asText(), name + ": type");
            assertEquals("launch", configuration.path("request").asText(), name + ": request");
            assertEquals(MAIN, configuration.path("mainClass").asText(), name + ": mainClass");
            Class.forName(configuration.path("mainClass").asText());
            assertTrue(mavenModules().contains(configuration.path("projectName").asText()), name + ": projectName");
            assertEquals(REPO, Path.of(configuration.path("cwd").asText().replace("${workspaceFolder}", REPO.toString()))
                    .normalize(), name + ": cwd");
            List<String> args = new ArrayList<>();
            configuration.path("args").forEach(arg -> args.add(arg.asText()));
            checkArguments(name, args);
            assertEquals(JAR_MANIFEST_OPTIONS, Arrays.asList(configuration.path("vmArgs").asText().split(" +")),
                    name + ": vmArgs as the host jar's manifest (Add-Opens, Enable-Native-Access)");
            assertTrue(configuration.path("env").path("JWORKERS_ADMIN_TOKEN").isMissingNode(), name + ": an admin token in"
                    + " the environment is readable by every worker (System.getenv()); pass --token-file");

            String taskLabel = configuration.path("preLaunchTask").asText();
            JsonNode task = taskByLabel.get(taskLabel);
            assertTrue(task != null, name + ": preLaunchTask \"" + taskLabel + "\" is not a task in tasks.json: " + taskByLabel.keySet());
            Path command = REPO.resolve(task.path("command").asText());
            assertTrue(Files.isExecutable(command), name + ": the task runs " + command + ", which is not an executable file");
            assertTrue(Files.isRegularFile(REPO.resolve(task.path("windows").path("command").asText().replace('\\', '/'))),
                    name + ": the task's Windows command");
            List<String> taskArgs = new ArrayList<>();
            task.path("args").forEach(arg -> taskArgs.add(arg.asText()));
            assertTrue(taskArgs.contains("compile"), name + ": the task must compile every module, the examples included: " + taskArgs);
        }
        assertTrue(names.contains("jworkers dev (examples)"), names.toString());
    }

    /**
     * What {@code Run} in the IDE does: {@code java -cp <target/classes of the runtime and the API,
     * the runtime's dependency jars> Main dev} in the repo root; the examples load from their own
     * {@code target/classes} through {@code jworkers.jsonc}.
     */
    @Test
    void mainDevFromTheRepoRootOnClassFoldersServesTheExamples() throws Exception {
        for (String module : List.of("example-gateway", "example-auth", "example-application")) {
            assertTrue(Files.isDirectory(REPO.resolve(module).resolve("target/classes")),
                    module + " is not built: run ./mvnw compile from the repo root");
        }
        String classpath = ideClasspath();
        Process dev = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", classpath, MAIN, "dev", "--port", "0").directory(REPO.toFile()).redirectErrorStream(true).start();
        List<String> output = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(dev.getInputStream(), StandardCharsets.UTF_8))) {
            String url = null;
            for (String line; url == null && (line = out.readLine()) != null; ) {
                output.add(line);
                if (line.startsWith("Ready on ")) {
                    url = line.substring("Ready on ".length()).split(" ")[0];
                }
            }
            assertTrue(url != null, "dev did not start: " + output);
            HttpResponse<String> response = get(url + "/notes", "x-custom-token", "let-me-in");
            assertEquals(200, response.statusCode(), response.body() + "\n" + output);
            assertEquals("{\"notes\":[]}", response.body());
            assertEquals(403, get(url + "/notes").statusCode());
            assertTrue(output.stream().anyMatch(line -> line.contains("gateway (primary)")
                    && line.contains(REPO.resolve("example-gateway/worker.jsonc").toString())), output.toString());
        } finally {
            dev.toHandle().destroy();
            dev.waitFor(20, TimeUnit.SECONDS);
            dev.destroyForcibly();
        }
    }

    private static HttpResponse<String> get(String url, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    // The arguments a configuration passes must make a command that runs here.
    private static void checkArguments(String where, List<String> args) throws IOException {
        assertFalse(args.isEmpty() || args.get(0).isEmpty(), where + ": no command in the arguments");
        switch (args.get(0)) {
            case "dev" -> {
                assertFalse(args.contains("-c") || args.contains("--config"),
                        where + ": runs the configs listed in jworkers.jsonc, so it passes no -c");
                List<Path> configs = DevWorkspace.find(REPO).orElseThrow(() -> new AssertionError(
                        where + ": dev without -c needs " + REPO.resolve("jworkers.jsonc")));
                assertEquals(3, configs.size(), configs.toString());
                for (Path config : configs) {
                    assertTrue(Files.isRegularFile(config), where + ": " + config);
                    checkClasspathIsAModuleOutput(config);
                }
            }
            case "serve" -> {
                int state = args.indexOf("--state");
                assertTrue(state > 0 && state + 1 < args.size(), where + ": serve needs --state DIR");
                assertTrue(REPO.resolve(args.get(state + 1)).normalize().startsWith(REPO.resolve("target")),
                        where + ": the state folder belongs under target/ (git-ignored)");
                int token = args.indexOf("--token-file");
                assertTrue(token > 0 && token + 1 < args.size(), where + ": the admin token comes in a file, which workers"
                        + " cannot read with System.getenv()");
                assertTrue(REPO.resolve(args.get(token + 1)).normalize().startsWith(REPO.resolve("target")),
                        where + ": the token file belongs under target/ (git-ignored)");
            }
            default -> fail(where + ": unexpected command " + args);
        }
    }

    // IntelliJ (Maven import) and VS Code (m2e) compile a module into its target/classes, as Maven does:
    // that is what each example's worker.jsonc loads.
    private static void checkClasspathIsAModuleOutput(Path configFile) {
        WorkerConfig config = ConfigLoader.load(configFile, null);
        Path module = configFile.getParent();
        assertTrue(mavenModules().contains(module.getFileName().toString()), configFile + " is not in a Maven module");
        assertEquals(List.of(module.resolve("target/classes")), config.classpath().stream()
                .map(p -> p.toAbsolutePath().normalize()).toList(), configFile + ": classpath");
    }

    // The runtime's classpath as the IDE builds it: the API's and the runtime's class folders and the
    // runtime's dependency jars; not this module's test classpath (test libraries, the testing module, examples).
    private static String ideClasspath() {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry).toAbsolutePath().normalize();
            String name = path.getFileName().toString();
            if (name.startsWith("junit-") || name.startsWith("opentest4j") || name.startsWith("apiguardian")
                    || name.startsWith("surefire")) {
                continue;
            }
            if (path.startsWith(REPO)) {
                String module = REPO.relativize(path).getName(0).toString();
                if (!module.equals("framework-api") && !module.equals("framework-runtime")) {
                    continue;
                }
                path = REPO.resolve(module).resolve("target/classes");
            }
            entries.add(path.toString());
        }
        assertTrue(entries.contains(REPO.resolve("framework-runtime/target/classes").toString()), entries.toString());
        assertTrue(entries.contains(REPO.resolve("framework-api/target/classes").toString()), entries.toString());
        assertTrue(entries.stream().noneMatch(e -> e.contains("example-")), "the examples are never on the host's classpath");
        return String.join(File.pathSeparator, entries);
    }

    private static List<Path> runConfigurationFiles() throws IOException {
        try (Stream<Path> files = Files.list(REPO.resolve(".run"))) {
            List<Path> list = files.filter(f -> f.getFileName().toString().endsWith(".run.xml")).sorted().toList();
            assertFalse(list.isEmpty(), "no .run/*.run.xml");
            return list;
        }
    }

    private static Path resolveIntellij(String path) {
        return Path.of(path.replace("$PROJECT_DIR$", REPO.toString())).normalize();
    }

    private static Set<String> mavenModules() {
        try {
            Set<String> modules = new TreeSet<>();
            NodeList list = xml(REPO.resolve("pom.xml")).getElementsByTagName("module");
            for (int i = 0; i < list.getLength(); i++) {
                modules.add(list.item(i).getTextContent().trim());
            }
            return modules;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Document xml(Path file) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(file.toFile());
    }

    private static Map<String, String> options(Element configuration) {
        Map<String, String> options = new LinkedHashMap<>();
        for (Element option : children(configuration, "option")) {
            options.put(option.getAttribute("name"), option.getAttribute("value"));
        }
        return options;
    }

    private static Element single(Element parent, String tag) {
        List<Element> found = children(parent, tag);
        assertEquals(1, found.size(), "one <" + tag + "> in <" + parent.getTagName() + ">");
        return found.get(0);
    }

    private static List<Element> children(Element parent, String tag) {
        List<Element> found = new ArrayList<>();
        for (int i = 0; i < parent.getChildNodes().getLength(); i++) {
            if (parent.getChildNodes().item(i) instanceof Element element && element.getTagName().equals(tag)) {
                found.add(element);
            }
        }
        return found;
    }
}
