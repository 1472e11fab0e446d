package io.jworkers.runtime.contracts;

import static io.jworkers.runtime.testing.WorkerDirs.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.testing.LogCapture;
import io.jworkers.runtime.testing.ServeHarness;
import io.jworkers.runtime.testing.WorkerDirs;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RPC contracts checked at deploy on a real {@code serve} host, through the CLI, in the
 * reference's order ("deploy the callee first, backward-compatibly, then the caller"): what keeps
 * every deployed caller working is accepted, what would break one — including an old caller
 * version still in a split — is refused, naming caller, environment, binding and method, and
 * changes nothing; {@code --force} overrides and the message records it; {@code jworkers check}
 * says the same without deploying. Auth versions are built with the annotation processor (their
 * manifest lists what they use), gateway versions without (the host reads their class files).
 */
class ContractsAtDeployTest {

    private static final String BROKEN_BY_V3 = "gateway@1 (production) binding AUTH calls auth.check(1): auth@3 has no method"
            + " \"check\"; it has: checkV2(2), profile(1), update(1)";

    @TempDir
    Path state;
    @TempDir
    Path work;
    private ServeHarness host;
    private LogCapture log;

    @BeforeEach
    void start() {
        log = LogCapture.of("jworkers");
        host = ServeHarness.start(state, work);
    }

    @AfterEach
    void stop() {
        host.close();
        log.close();
    }

    private Path auth(String build) {
        return WorkerDirs.config(work, "auth-" + build, """
                { "name": "auth", "classpath": [%s], "main": "io.fixture.contracts.auth.AuthWorker" }
                """.formatted(json(ContractFixtures.withProcessor("contracts-auth-" + build))));
    }

    private Path gateway(String build) {
        return WorkerDirs.config(work, "gateway-" + build, """
                { "name": "gateway", "classpath": [%s], "routes": ["/*"], "services": [
                    { "binding": "AUTH", "service": "auth" }, { "binding": "PROFILES", "service": "auth" },
                    { "binding": "ADMIN", "service": "auth", "entrypoint": "Admin" } ] }
                """.formatted(json(ContractFixtures.withoutProcessor("contracts-gateway-" + build))));
    }

    private ServeHarness.Cli run(String... args) {
        return host.cli("", args);
    }

    private ServeHarness.Cli ok(String... args) {
        ServeHarness.Cli result = run(args);
        assertEquals(0, result.code(), result.out() + result.err());
        return result;
    }

    private String refused(String... args) {
        ServeHarness.Cli result = run(args);
        assertEquals(1, result.code(), result.out() + result.err());
        return result.err();
    }

    @Test
    void theReferenceOrderIsAcceptedAndRemovingAMethodAnOldCallerUsesIsRefused() {
        ok("deploy", "-c", auth("v1").toString());
        ok("deploy", "-c", gateway("v1").toString());
        ok("deploy", "-c", auth("v2").toString()); // the callee adds checkV2, keeping check
        ok("versions", "upload", "-c", gateway("v2").toString()); // the caller moves to checkV2...
        ok("versions", "deploy", "gateway", "2@10", "1@90"); // ...gradually: version 1 still calls check

        ServeHarness.Cli check = run("check", "-c", auth("v3").toString());
        assertEquals(1, check.code(), check.out() + check.err());
        assertTrue(check.out().endsWith("auth as version 3 in production would break 1 RPC contract (a deploy would be refused):\n  "
                + BROKEN_BY_V3 + "\n"), check.out());

        String refusal = refused("deploy", "-c", auth("v3").toString());
        assertEquals("jworkers deploy: Deploy of \"auth\" refused: it breaks an RPC contract:\n  " + BROKEN_BY_V3 + "\nDeploy the"
                + " callee's new methods first and move callers off the old ones before removing them; or pass --force to deploy"
                + " anyway (the version's message records it).\n", refusal);
        assertTrue(ok("versions", "auth").out().lines().anyMatch(line -> line.matches("2 \\* +100% .*")),
                "nothing changed: auth's version 2 is current, no version 3 was made");
        assertEquals(2, ok("versions", "auth").out().lines().filter(line -> line.matches("\\d.*")).count());

        ok("versions", "deploy", "gateway", "2@100"); // the caller moved on
        assertTrue(ok("check", "-c", auth("v3").toString()).out().endsWith("The RPC contracts hold: auth as version 3 in production"
                + " breaks no caller and finds what it calls.\n"));
        ok("deploy", "-c", auth("v3").toString());
    }

    @Test
    void aCallerWhoseTargetLacksWhatItCallsIsRefusedAndForceIsRecorded() {
        ok("deploy", "-c", auth("v1").toString());
        assertEquals("jworkers deploy: Deploy of \"gateway\" refused: it breaks an RPC contract:\n  gateway@1 (production) binding"
                + " AUTH calls auth.checkV2(2): auth@1 has no method \"checkV2\"; it has: check(1), profile(1), update(1)\nDeploy"
                + " the callee's new methods first and move callers off the old ones before removing them; or pass --force to"
                + " deploy anyway (the version's message records it).\n", refused("deploy", "-c", gateway("v2").toString()));
        assertEquals("jworkers versions: worker \"gateway\" has no versions in production; jworkers services lists the deployed"
                + " workers\n", run("versions", "gateway").err(), "the refused deploy left nothing");

        ok("deploy", "-c", gateway("v2").toString(), "--force", "-m", "hotfix");
        assertTrue(ok("versions", "gateway").out().contains("hotfix [--force: RPC contract check overridden]"));
        assertTrue(log.messages().contains("[gateway] deployed with --force although: gateway@1 (production) binding AUTH calls"
                + " auth.checkV2(2): auth@1 has no method \"checkV2\"; it has: check(1), profile(1), update(1)"), log.messages().toString());
    }

    @Test
    void aRollbackOrSplitThatBringsBackWhatACallerCannotUseIsRefused() {
        ok("deploy", "-c", auth("v2").toString());
        ok("deploy", "-c", gateway("v2").toString()); // calls checkV2, which auth 1 will lack
        ok("deploy", "-c", auth("v1").toString(), "--force");
        ok("deploy", "-c", auth("v2").toString());
        String expected = "gateway@1 (production) binding AUTH calls auth.checkV2(2): auth@2 has no method \"checkV2\"; it has:"
                + " check(1), profile(1), update(1)";
        assertTrue(refused("rollback", "auth").contains("\n  " + expected + "\n"));
        assertTrue(refused("versions", "deploy", "auth", "3@90", "2@10").contains("\n  " + expected + "\n"),
                "version 2 entering a split is checked like a deploy");
        assertTrue(ok("versions", "auth").out().lines().anyMatch(line -> line.matches("3 \\* +100% .*")), "nothing changed");
        ok("rollback", "auth", "--force");
        assertTrue(ok("versions", "auth").out().lines().anyMatch(line -> line.matches("2 \\* +100% .*")));
    }

    @Test
    void aMissingEntrypointAndAChangedShapeAreRefusedAndAnAddedFieldIsNot() {
        ok("deploy", "-c", auth("v1").toString());
        ok("deploy", "-c", gateway("v1").toString());
        String noAdmin = refused("deploy", "-c", auth("noadmin").toString());
        assertTrue(noAdmin.contains("\n  gateway@1 (production) binding ADMIN: auth@2 has no entrypoint \"Admin\"; it has: AuthWorker\n"),
                noAdmin);
        String shape = refused("deploy", "-c", auth("shape").toString());
        assertTrue(shape.contains("\n  gateway@1 (production) binding PROFILES calls auth.profile(1): auth@2's profile returns what"
                + " the caller cannot take at return.level: object Level → int\n"), shape);
        ok("deploy", "-c", auth("v2").toString()); // Profile gains a field: still converts
    }
}
