package io.jworkers.runtime.rpc;

import static io.jworkers.runtime.testing.WorkerDirs.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.dev.DevServer;
import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.WorkerDirs;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RPC between two real workers: the client calls the calc worker through its own contract
 * interfaces and records (same shapes, other classes, other loader). Each scenario runs inside
 * the client worker, reached over HTTP; the client answers with what it saw.
 */
class RpcCallsTest {

    private static final String IMPLEMENTS = "add(2), bump(1), context(0), describe(1), drain(1), echoRequest(1), "
            + "fail(1), greet(1), index(1), kept(0), keptSize(0), move(2), respond(1), reverse(1), shift(2), totals(1), version(0)";

    @TempDir
    static Path dir;
    private static DevServer server;

    @BeforeAll
    static void start() {
        Path client = WorkerDirs.config(dir, "client", """
                { "name": "client", "classpath": [%s], "routes": ["/*"],
                  "services": [{ "binding": "CALC", "service": "calc" },
                               { "binding": "ADMIN", "service": "calc", "entrypoint": "Admin", "props": { "tenant": "t1" } }] }
                """.formatted(json(Fixtures.classes("rpcclient"))));
        Path calc = WorkerDirs.config(dir, "calc", "{ \"name\": \"calc\", \"classpath\": [%s] }"
                .formatted(json(Fixtures.classes("calc"))));
        server = DevServer.start(List.of(client, calc), null, "127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String ok(String scenario) {
        HttpResponse<String> response = Http.get(server.url() + "/" + scenario);
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    private static String failed(String scenario) {
        HttpResponse<String> response = Http.get(server.url() + "/" + scenario);
        assertEquals(500, response.statusCode(), response.body());
        return response.body();
    }

    @Test
    void typedCallWithPrimitives() {
        assertEquals("5", ok("add"));
    }

    @Test
    void typedCallWithStringsAndNull() {
        assertEquals("hello ada", ok("greet"));
        assertEquals("hello null", ok("greet-null"));
    }

    @Test
    void defaultMethodsOfTheContractRunLocallyAndCallThrough() {
        assertEquals("hello bob/hello bob", ok("default-method"));
    }

    @Test
    void recordsAreCopiedIntoEachSidesOwnRecordType() {
        assertEquals("Point[x=11, y=2]", ok("record"));
    }

    @Test
    void listsOfRecordsArriveAsOrdinaryMutableLists() {
        assertEquals("java.util.ArrayList [Point[x=2, y=1], Point[x=3, y=2], Point[x=0, y=0]]", ok("list-of-records"));
    }

    @Test
    void mapsOfRecordsWithEnumsListsAndInstantsAreCopied() {
        assertEquals("java.util.LinkedHashMap {o1=Order[id=o1, priority=HIGH, path=[Point[x=1, y=2]], at=2026-01-02T03:04:05Z], "
                + "o2=Order[id=o2, priority=LOW, path=[], at=2026-01-02T03:04:06Z]}", ok("map-of-records"));
    }

    @Test
    void nestedGenericsAreCopiedIntoTheDeclaredTypes() {
        assertEquals("Totals[total=3, counts={a=2, b=1}]", ok("nested-generics"));
    }

    @Test
    void ownEnumsCrossByName() {
        assertEquals("HIGH io.fixture.rpcclient.Priority", ok("enum"));
    }

    @Test
    void byteArraysAreCopied() {
        assertEquals("[3, 2, 1] original [1, 2, 3]", ok("bytes"));
    }

    @Test
    void aMutationByTheTargetIsNotSeenByTheCaller() {
        assertEquals("target drained 2, caller still has 2", ok("mutation-in"));
    }

    @Test
    void aMutationByTheCallerIsNotSeenByTheTarget() {
        assertEquals("caller copy [mine], target still has 2", ok("mutation-out"));
    }

    @Test
    void aRequestPassesThroughByReferenceWithItsBody() {
        assertEquals("POST /echo 1 payload", ok("request"));
    }

    @Test
    void aResponseComesBackByReference() {
        assertEquals("201 made there", ok("response"));
    }

    @Test
    void sharedJdkValuesPassAsTheyAre() {
        assertEquals("java.util.UUID 00000000-0000-0000-0000-000000000001", ok("shared-object"));
    }

    @Test
    void dynamicCallsConvertArgumentsAndReturnPlainData() {
        assertEquals("java.lang.Integer 42", ok("dynamic-add"));
        assertEquals("java.util.LinkedHashMap {x=6, y=2}", ok("dynamic-record"));
    }

    @Test
    void anUnknownMethodListsWhatTheTargetImplements() {
        assertEquals("io.jworkers.api.RpcMethodNotFoundException: The RPC receiver does not implement the method \"divide\". "
                + "Binding CALC calls worker \"calc\": check the name, or add a public method divide to that worker. It implements: " + IMPLEMENTS + ". {target-frames=false, caller-frames=true}", failed("dynamic-missing"));
    }

    @Test
    void fetchObjectMethodsAndPrivateMethodsAreNotCallable() {
        assertEquals("io.jworkers.api.RpcMethodNotFoundException: The RPC receiver does not implement the method \"fetch\". "
                + "Binding CALC calls worker \"calc\"; fetch is reserved for HTTP: call Service.fetch(request). It implements: " + IMPLEMENTS
                + ". {target-frames=false, caller-frames=true}", failed("dynamic-fetch"));
        assertEquals("io.jworkers.api.RpcMethodNotFoundException: The RPC receiver does not implement the method \"toString\". "
                + "Binding CALC calls worker \"calc\"; toString is a method of java.lang.Object, which RPC does not call. It implements: " + IMPLEMENTS
                + ". {target-frames=false, caller-frames=true}", failed("dynamic-tostring"));
        assertTrue(failed("dynamic-private").startsWith(
                "io.jworkers.api.RpcMethodNotFoundException: The RPC receiver does not implement the method \"secretHelper\"."));
    }

    @Test
    void aPublicMethodInheritedFromAPackagePrivateBaseIsAnRpcMethod() {
        assertEquals("calc 1", ok("inherited"));
    }

    @Test
    void aWorkerOwnExceptionArrivesAsRemoteExceptionWithBothWorkersFrames() {
        assertEquals("io.jworkers.api.RemoteException: over quota [remote io.fixture.calc.QuotaException] "
                + "{target-frames=true, caller-frames=true}", failed("fail-own"));
    }

    @Test
    void aJdkExceptionArrivesAsItselfWithBothWorkersFrames() {
        assertEquals("java.lang.IllegalStateException: bad state {target-frames=true, caller-frames=true}", failed("fail-jdk"));
    }

    @Test
    void aContractMismatchFailsWhenTheStubIsMadeNamingWhatIsMissing() {
        assertEquals("io.jworkers.api.ContractMismatchException: Contract io.fixture.rpcclient.WrongCalc does not match "
                + "worker \"calc\" of binding CALC: missing multiply(2); arity differs: add takes 2 there, 3 here; "
                + "it implements " + IMPLEMENTS + ". {target-frames=false, caller-frames=true}", failed("mismatch"));
    }

    @Test
    void aContractMustBeAnInterface() {
        assertEquals("java.lang.IllegalArgumentException: RPC contracts are interfaces: java.lang.String is a class. "
                + "Declare an interface with the target's methods (by name and arity). "
                + "{target-frames=false, caller-frames=true}", failed("not-interface"));
    }

    @Test
    void valuesThatCannotCrossFailWithTheirTypeAndPath() {
        assertEquals("io.jworkers.api.ConversionException: java.lang.Thread cannot cross a worker boundary "
                + "(a thread belongs to the worker that started it) (at arg0) {target-frames=false, caller-frames=true}",
                failed("thread"));
        assertTrue(failed("lambda").matches("io\\.jworkers\\.api\\.ConversionException: io\\.fixture\\.rpcclient\\.RpcClientWorker"
                + "\\$\\$Lambda.* cannot cross a worker boundary \\(a lambda or function is code, not a value\\) \\(at arg0\\) "
                + "\\{target-frames=false, caller-frames=true\\}"));
        assertEquals("io.jworkers.api.ConversionException: A value of type java.util.ArrayList cannot cross a worker "
                + "boundary: it refers back to itself (a cyclic graph); copy a tree of values instead (at arg0[1]) "
                + "{target-frames=false, caller-frames=true}", failed("cycle"));
        assertEquals("io.jworkers.api.ConversionException: java.io.ByteArrayInputStream cannot cross a worker boundary "
                + "(a stream is not a value; send it as a Request or Response body) (at arg0.body) "
                + "{target-frames=false, caller-frames=true}", failed("stream-in-record"));
    }

    @Test
    void theTargetRunsOneLevelDeeperWithItsOwnContextLoader() {
        assertEquals("depth=2 props={} loader=calc | caller depth=1", ok("context"));
    }

    @Test
    void aNamedEntrypointReceivesTheBindingsProps() {
        assertEquals("admin with props {\"tenant\":\"t1\"}", ok("admin"));
        assertEquals("admin fetch with props {\"tenant\":\"t1\"}", ok("admin-fetch"));
    }

    @Test
    void aContractReturningAFutureCallsAsynchronously() {
        assertEquals("async 42", ok("async"));
    }

    @Test
    void theStubIsMadeOncePerContractAndBinding() {
        assertEquals("true", ok("same-stub"));
    }

    @Test
    void everyRpcCallCountsAsASubrequest() {
        assertEquals("used 2", ok("subrequests"));
    }
}
