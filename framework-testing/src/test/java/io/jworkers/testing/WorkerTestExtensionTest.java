package io.jworkers.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.api.Env;
import io.jworkers.api.RemoteException;
import io.jworkers.api.Request;
import io.jworkers.api.Response;
import io.jworkers.api.Service;
import io.jworkers.api.WorkerEntrypoint;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The extension on real workers: a caller (the worker under test) whose bindings reach a real
 * auxiliary worker, a lambda, an object implementing an RPC contract and a worker class written
 * here. Fixture workers are compiled separately and loaded in isolated loaders.
 */
class WorkerTestExtensionTest {

    private static final List<String> LOGGED = new CopyOnWriteArrayList<>();

    /** The test's own copy of the caller's CALC contract: matched by name and arity. */
    public interface Calc {
        int combine(int a, int b);
    }

    /** A small worker written in the test, answering the HELPER binding. */
    public static final class Helper extends WorkerEntrypoint {
        @Override
        public Response fetch(Request request, Env env) {
            return Response.text(200, "helper at depth " + ctx().depth() + " with props " + env.props());
        }
    }

    @RegisterExtension
    static final WorkerTestExtension workers = WorkerTestExtension
            .forConfig(FixtureWorkers.config("caller", """
                    { "name": "caller", "routes": ["/*"],
                      "vars": { "GREETING": "from the config" },
                      "secrets": { "required": ["TOKEN"] },
                      "services": [
                        { "binding": "GREETER", "service": "greeter" },
                        { "binding": "AUTH", "service": "auth-that-is-not-loaded" },
                        { "binding": "LOG", "service": "logger-that-is-not-loaded" },
                        { "binding": "CALC", "service": "calc-that-is-not-loaded" },
                        { "binding": "HELPER", "service": "helper-that-is-not-loaded", "props": { "tenant": "t1" } }
                      ] }
                    """))
            .withVar("GREETING", "hello from the test")
            .withSecret("TOKEN", "s3cret")
            .replaceBinding("AUTH", request -> Response.text(403, "refused by a lambda"))
            .replaceBinding("LOG", request -> {
                LOGGED.add(request.text());
                return Response.empty(204);
            })
            .replaceBinding("CALC", Calc.class, (a, b) -> a * b)
            .replaceBinding("HELPER", Helper.class)
            .withWorker(FixtureWorkers.config("greeter", """
                    { "name": "greeter", "vars": { "SALUTATION": "hi" } }
                    """));

    @Test
    void bindingReplacedByALambdaAnswersInsteadOfTheConfiguredWorker(Service self) {
        Response response = self.fetch("/auth");
        assertEquals(403, response.status());
        assertEquals("refused by a lambda", response.text());
    }

    @Test
    void bindingReplacedByAnObjectAnswersRpcWithValuesCrossingByShape(Service self) {
        assertEquals("42", self.fetch("/calc").text());
    }

    @Test
    void bindingReplacedByAWorkerClassOfTheTestRunsInThePipelineWithTheBindingsProps(Service self) {
        assertEquals("helper at depth 2 with props {\"tenant\":\"t1\"}", self.fetch("/helper").text());
    }

    @Test
    void auxiliaryWorkerServesTheBindingInItsOwnLoader(Service self) {
        assertEquals("hi from greeter at depth 2, call 1", self.fetch("/greet").text());
    }

    @Test
    void auxiliaryWorkerIsInjectedByName(@Worker("greeter") Service greeter, @Worker("greeter") Env greeterEnv) {
        assertEquals("hi from greeter at depth 1, call 1", greeter.fetch("/").text());
        assertEquals("hi", greeterEnv.var("SALUTATION"));
    }

    @Test
    void theWorkerUnderTestRunsInItsOwnIsolatedLoaderAtDepthOne(Service self) {
        assertEquals("caller caller depth 1", self.fetch("/loader").text());
    }

    @Test
    void varsAndSecretsSetByTheTestReachTheWorker(Service self, Env env) {
        assertEquals("hello from the test s3cret", self.fetch("/settings").text());
        assertEquals("s3cret", env.secret("TOKEN"));
        assertEquals(List.of("AUTH", "CALC", "GREETER", "HELPER", "LOG"), List.copyOf(env.serviceNames()));
    }

    @Test
    void rpcCallsReachTheWorkerUnderTest(Service self) {
        interface Adder {
            int add(int a, int b);
        }
        assertEquals(5, self.rpc(Adder.class).add(2, 3));
        assertEquals(9, self.call("add", 4, 5));
    }

    @Test
    void eachCallIsATopLevelRequestOfItsOwnAtDepthOneEvenAsync(Service self) {
        assertEquals("caller caller depth 1", self.fetchAsync(Request.get("/loader")).join().text());
        assertEquals("hi from greeter at depth 2, call 1", self.fetch("/greet").text());
        assertEquals("hi from greeter at depth 2, call 2", self.fetch("/greet").text());
    }

    @Test
    void waitUntilWorkIsAwaited(Service self, TestHost host) {
        LOGGED.clear();
        assertEquals(202, self.fetch("/later").status());
        assertEquals(List.of(), LOGGED, "the response comes before the background work ends");
        host.awaitBackgroundWork();
        assertEquals(List.of("finished later"), LOGGED);
    }

    @Test
    void failedWaitUntilWorkFailsTheAwaitWithTheWorkersStack(Service self, TestHost host) {
        assertEquals(202, self.fetch("/fail-later").status());
        AssertionError error = assertThrows(AssertionError.class, host::awaitBackgroundWork);
        IllegalStateException cause = assertInstanceOf(IllegalStateException.class, error.getCause());
        assertEquals("the background work broke", cause.getMessage());
        assertTrue(stackOf(cause).contains("caller//io.fixture.caller.CallerWorker"), stackOf(cause));
    }

    @Test
    void aWorkersOwnExceptionArrivesAsRemoteExceptionWithTheWorkersFrames(Service self) {
        RemoteException error = assertThrows(RemoteException.class, () -> self.fetch("/fail"));
        assertEquals("io.fixture.caller.CallerWorker$CallerFailure", error.remoteClassName());
        assertTrue(error.getMessage().contains("the caller broke on purpose"), error.getMessage());
        assertTrue(stackOf(error).contains("at caller//io.fixture.caller.CallerWorker.fetch(CallerWorker.java"), stackOf(error));
    }

    @Test
    void aJdkExceptionArrivesAsItselfWithTheWorkersFrames(Service self) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> self.fetch("/fail-jdk"));
        assertEquals("bad argument inside the caller", error.getMessage());
        assertTrue(stackOf(error).contains("at caller//io.fixture.caller.CallerWorker.fetch(CallerWorker.java"), stackOf(error));
    }

    // Together with its twin below: whichever runs second would see 2 if state leaked between tests.
    @Test
    void staticStateStartsFreshInEachTest(Service self) {
        assertEquals("1", self.fetch("/count").text());
        assertEquals("2", self.fetch("/count").text());
    }

    @Test
    void staticStateStartsFreshInEachTestToo(Service self, @Worker("greeter") Service greeter) {
        assertEquals("1", self.fetch("/count").text());
        assertTrue(greeter.fetch("/").text().endsWith("call 1"));
    }

    private static String stackOf(Throwable error) {
        StringWriter text = new StringWriter();
        error.printStackTrace(new PrintWriter(text));
        return text.toString();
    }
}
