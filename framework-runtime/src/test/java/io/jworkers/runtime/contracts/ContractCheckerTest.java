package io.jworkers.runtime.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jworkers.api.WorkerVersion;
import io.jworkers.runtime.config.Secrets;
import io.jworkers.runtime.config.ServiceBindingConfig;
import io.jworkers.runtime.config.WorkerConfig;
import io.jworkers.runtime.host.WorkerHost;
import io.jworkers.runtime.worker.LoadedWorker;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deploy-time contract check between real worker versions in real worker loaders: a gateway
 * that calls auth over three bindings (typed and dynamic calls, a named entrypoint), in two
 * versions, against auth versions that add, drop and change methods, as teams deploy them.
 */
class ContractCheckerTest {

    private static final String AUTH_MAIN = "io.fixture.contracts.auth.AuthWorker";
    private static final String GATEWAY_MAIN = "io.fixture.contracts.gateway.GatewayWorker";
    private static final List<ServiceBindingConfig> BINDINGS = List.of(
            new ServiceBindingConfig("AUTH", "auth", null, null, null),
            new ServiceBindingConfig("PROFILES", "auth", null, null, null),
            new ServiceBindingConfig("ADMIN", "auth", null, "Admin", null));

    @TempDir
    static Path dir;
    private static WorkerHost host;
    private static final List<LoadedWorker> LOADED = new ArrayList<>();

    @BeforeAll
    static void start() {
        host = new WorkerHost();
    }

    @AfterAll
    static void stop() {
        LOADED.forEach(LoadedWorker::close);
        host.close();
    }

    private static LoadedWorker load(String name, String main, Path classes, List<ServiceBindingConfig> services, int number) {
        WorkerConfig config = new WorkerConfig(dir.resolve(name + number).resolve("worker.jsonc"), name, main, List.of(classes),
                List.of(), services, Map.of(), null, null);
        LoadedWorker worker = host.prepare(config, Secrets.NONE,
                new WorkerVersion("production/" + number, number, "production", "", Instant.EPOCH, ""));
        LOADED.add(worker);
        return worker;
    }

    private static LoadedWorker auth(String fixture, int number) {
        return load("auth", AUTH_MAIN, ContractFixtures.withoutProcessor(fixture), List.of(), number);
    }

    private static LoadedWorker gateway(String fixture, int number, Function<String, Path> compiled) {
        return load("gateway", GATEWAY_MAIN, compiled.apply(fixture), BINDINGS, number);
    }

    /** Every binding of the gateway version checked against one auth version, as messages. */
    private static List<String> check(LoadedWorker gateway, int gatewayNumber, LoadedWorker auth, int authNumber) {
        WorkerContracts uses = WorkerContracts.of(gateway);
        List<String> messages = new ArrayList<>();
        for (ServiceBindingConfig binding : BINDINGS) {
            ContractChecker.check("gateway", gatewayNumber, "production", binding, uses, auth, authNumber)
                    .forEach(violation -> messages.add(violation.message()));
        }
        return messages;
    }

    @Test
    void theManifestAndTheClassFilesGiveTheSameUses() {
        WorkerContracts fromManifest = WorkerContracts.of(gateway("contracts-gateway-v1", 1, ContractFixtures::withProcessor));
        WorkerContracts fromClasses = WorkerContracts.of(gateway("contracts-gateway-v1", 1, ContractFixtures::withoutProcessor));
        assertEquals(WorkerContracts.Source.MANIFEST, fromManifest.source());
        assertEquals(WorkerContracts.Source.CLASS_FILES, fromClasses.source());
        Map<String, String> expected = new TreeMap<>(Map.of(
                "ADMIN", "[stats() -> int of io.fixture.contracts.gateway.AdminApi]",
                "AUTH", "[check(java.lang.String) -> boolean of io.fixture.contracts.gateway.AuthApi, check(1) dynamic]",
                "PROFILES", "[profile(java.lang.String) -> io.fixture.contracts.gateway.Profile of io.fixture.contracts.gateway.ProfileApi, "
                        + "update(io.fixture.contracts.gateway.Profile) -> void of io.fixture.contracts.gateway.ProfileApi]"));
        assertEquals(expected, describe(fromManifest));
        assertEquals(expected, describe(fromClasses));
        assertEquals(List.of(), fromManifest.unresolved());
    }

    @Test
    void theSecondGatewayVersionsUsesAreReadTooWithTheDynamicCallsArity() {
        WorkerContracts v2 = WorkerContracts.of(gateway("contracts-gateway-v2", 2, ContractFixtures::withoutProcessor));
        assertEquals("[checkV2(java.lang.String, int) -> boolean of io.fixture.contracts.gateway.AuthApi, checkV2(2) dynamic]",
                v2.uses("AUTH").toString());
        assertEquals(describe(WorkerContracts.of(gateway("contracts-gateway-v2", 2, ContractFixtures::withProcessor))),
                describe(v2));
    }

    @Test
    void aTargetThatAddsAMethodKeepsItsOldCallersWhileANewCallerNeedsTheNewTarget() {
        LoadedWorker auth1 = auth("contracts-auth-v1", 1);
        LoadedWorker auth2 = auth("contracts-auth-v2", 2);
        LoadedWorker gateway1 = gateway("contracts-gateway-v1", 1, ContractFixtures::withProcessor);
        LoadedWorker gateway2 = gateway("contracts-gateway-v2", 2, ContractFixtures::withoutProcessor);

        assertEquals(List.of(), check(gateway1, 1, auth1, 1));
        // auth@2 adds checkV2 and a profile field the gateway does not know: both directions still convert.
        assertEquals(List.of(), check(gateway1, 1, auth2, 2));
        assertEquals(List.of(), check(gateway2, 2, auth2, 2));
        assertEquals(List.of("gateway@2 (production) binding AUTH calls auth.checkV2(2): auth@1 has no method \"checkV2\"; "
                + "it has: check(1), profile(1), update(1)"), check(gateway2, 2, auth1, 1));
    }

    @Test
    void aTargetThatDropsAMethodBreaksOnlyTheCallersThatStillCallIt() {
        LoadedWorker auth3 = auth("contracts-auth-v3", 3);
        assertEquals(List.of("gateway@1 (production) binding AUTH calls auth.check(1): auth@3 has no method \"check\"; "
                        + "it has: checkV2(2), profile(1), update(1)"),
                check(gateway("contracts-gateway-v1", 1, ContractFixtures::withoutProcessor), 1, auth3, 3));
        assertEquals(List.of(), check(gateway("contracts-gateway-v2", 2, ContractFixtures::withProcessor), 2, auth3, 3));
    }

    @Test
    void anArityChangeIsAViolation() {
        assertEquals(List.of("gateway@1 (production) binding AUTH calls auth.check(1): auth@4's check takes 2 arguments, "
                        + "the call passes 1"),
                check(gateway("contracts-gateway-v1", 1, ContractFixtures::withProcessor), 1, auth("contracts-auth-arity", 4), 4));
    }

    @Test
    void aRecordFieldThatBecameAnObjectCannotConvertEitherWay() {
        assertEquals(List.of(
                "gateway@1 (production) binding PROFILES calls auth.profile(1): auth@5's profile returns what the caller "
                        + "cannot take at return.level: object Level → int",
                "gateway@1 (production) binding PROFILES calls auth.update(1): auth@5's update cannot take "
                        + "arg0.level: int → object Level"),
                check(gateway("contracts-gateway-v1", 1, ContractFixtures::withoutProcessor), 1, auth("contracts-auth-shape", 5), 5));
    }

    @Test
    void aMissingNamedEntrypointIsAViolationOfItsBinding() {
        LoadedWorker auth6 = auth("contracts-auth-noadmin", 6);
        List<ContractViolation> violations = ContractChecker.check("gateway", 1, "production", BINDINGS.get(2),
                WorkerContracts.of(gateway("contracts-gateway-v1", 1, ContractFixtures::withProcessor)), auth6, 6);
        assertEquals(List.of(new ContractViolation("gateway", 1, "production", "ADMIN", "auth", 6, null, -1,
                "auth@6 has no entrypoint \"Admin\"; it has: AuthWorker")), violations);
        assertEquals("gateway@1 (production) binding ADMIN: auth@6 has no entrypoint \"Admin\"; it has: AuthWorker",
                violations.get(0).message());
    }

    private static Map<String, String> describe(WorkerContracts contracts) {
        Map<String, String> described = new TreeMap<>();
        contracts.bindings().forEach(binding -> described.put(binding, contracts.uses(binding).toString()));
        return described;
    }
}
